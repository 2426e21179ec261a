"""Furniture learned from the site (issue 25, point 3): a paragraph a site's articles repeat
word for word at their edges is dropped and recorded; a quote two or three stories share is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from podcast.batch.report import BatchReport, NoProgress
from podcast.batch.run import _load
from podcast.core.store import Store
from podcast.read.furniture import MIN_ARTICLES, RULE, learn_and_strip
from podcast.read.model import Article
from podcast.read.sources import SourceItem
from voices.script import Block

FOOTER = "For the latest stories, download the Ledger app for iPhone and Android."
QUOTE = "“We will rebuild, whatever it takes,” the mayor said on Tuesday."
WIRE = "The storm is the third to hit the coast this year, and the worst since 2019."


def story(n: int, *extra: str, site: str = "ledger.example") -> Article:
    own = [
        Block("paragraph", f"Story {n}, part {part}: the council met to discuss item {n}{part}.")
        for part in range(8)
    ]
    blocks = [
        *own[:4],
        *(Block("paragraph", text) for text in extra),
        *own[4:],
        Block("paragraph", FOOTER),
    ]
    return Article(title=f"Story {n}", blocks=tuple(blocks), url=f"https://www.{site}/news/{n}")


def texts(article: Article) -> list[str]:
    return [b.text for b in article.blocks]


def test_a_footer_the_sites_articles_share_is_dropped_and_a_shared_quote_is_not() -> None:
    articles = [story(1, QUOTE, WIRE), story(2, QUOTE, WIRE), story(3, QUOTE, WIRE), story(4)]
    out = learn_and_strip((a.url, a) for a in articles)
    for article in articles:
        kept = out[article.url]
        assert FOOTER not in texts(kept)
        assert [r.rule for r in kept.removed] == [RULE]
    for article in articles[:3]:
        assert QUOTE in texts(out[article.url])  # quoted: the story's reporting
        assert WIRE in texts(out[article.url])  # in the middle of each story, not at its edge


def test_two_articles_sharing_a_line_are_not_enough() -> None:
    assert MIN_ARTICLES == 3
    pair = [story(1), story(2)]
    out = learn_and_strip((a.url, a) for a in pair)
    assert all(FOOTER in texts(out[a.url]) for a in pair)


def test_another_sites_articles_do_not_count() -> None:
    mixed = [story(1), story(2), story(3, site="other.example")]
    out = learn_and_strip((a.url, a) for a in mixed)
    assert all(FOOTER in texts(out[a.url]) for a in mixed)


class _Planner:
    """Stands in for the article runner: plans are the articles as the batch gave them."""

    def plan(self, article: Article) -> Any:
        return article


def _report() -> BatchReport:
    from datetime import UTC, datetime

    return BatchReport(started=datetime.now(UTC), jobs=1)


def _items(articles: list[Article]) -> list[SourceItem]:
    return [SourceItem(a.url, lambda a=a: a) for a in articles]


def test_the_batch_learns_from_the_store_what_earlier_nights_saw(tmp_path: Path) -> None:
    with Store(tmp_path / "episodes.sqlite") as store:
        first = _load(_items([story(1), story(2)]), _Planner(), _report(), NoProgress(), 2, store)  # type: ignore[arg-type]
        assert all(FOOTER in texts(plan) for plan in first)  # two are not enough yet
        second = _load(_items([story(3)]), _Planner(), _report(), NoProgress(), 1, store)  # type: ignore[arg-type]
    assert FOOTER not in texts(second[0])
    assert [(r.rule, r.text) for r in second[0].removed] == [(RULE, FOOTER)]


def test_a_quote_three_stories_end_on_is_kept() -> None:
    def ending(n: int) -> Article:
        base = story(n)
        return Article(
            title=base.title, blocks=(*base.blocks[:-1], Block("paragraph", QUOTE)), url=base.url
        )

    out = learn_and_strip((a.url, a) for a in [ending(1), ending(2), ending(3)])
    assert all(texts(out[a.url])[-1] == QUOTE for a in [ending(1), ending(2), ending(3)])


@pytest.mark.e2e
def test_a_real_batch_drops_the_sites_footer_and_keeps_the_shared_quote(tmp_path: Path) -> None:
    """End to end: `audio-edition batch` over four articles of one site, each ending with the
    same footer and three quoting the mayor alike; the footer is not in any transcript, the
    review of each episode records it as site-furniture, and the quote is read."""
    import json

    from tests.helpers import invoke_cli

    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(1, 5):
        paragraphs = [
            f"Story {n}, part {p}: the council met to discuss item {n}{p}." for p in range(6)
        ]
        if n < 4:
            paragraphs.insert(3, QUOTE)
        paragraphs.append(FOOTER)
        (folder / f"story-{n}.json").write_text(json.dumps({
            "title": f"Council story {n}", "url": f"https://www.ledger.example/news/{n}",
            "body": "\n\n".join(paragraphs),
        }), encoding="utf-8")  # fmt: skip
    result = invoke_cli("batch", "articles", "-j", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    transcripts = list((tmp_path / "site" / "episodes").glob("*.vtt"))
    assert len(transcripts) == 4
    for vtt in transcripts:
        text = vtt.read_text(encoding="utf-8")
        assert "download the Ledger app" not in text
    assert sum("We will rebuild" in vtt.read_text(encoding="utf-8") for vtt in transcripts) == 3
    with Store(tmp_path / ".audio-edition" / "episodes.db") as store:
        reviews = [json.loads(e.review) for e in store.episodes()]
    assert all(any(r["rule"] == RULE for r in review["removed"]) for review in reviews), reviews
