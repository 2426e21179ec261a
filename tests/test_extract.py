"""The article body of a page, and nothing of it lost to the furniture rules (issue 16).

Each extraction rule is shown on the real page that needs it (tests/data/devset, with the body
a person marked); the whole dev set in shared/ is scored against the targets."""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
from collections import Counter

import pytest

from podcast.core.errors import ArticleError
from podcast.read.clean import Removed, clean_blocks_recorded
from podcast.read.extract import extract
from podcast.read.formats import read_html
from podcast.read.wordbags import words
from tests.helpers import ROOT
from voices.script import Block

DATA = ROOT / "tests" / "data" / "devset"
TRUTH = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
DEVSET = ROOT.parent / "shared" / "extraction-devset"


def page(name: str) -> str:
    return gzip.decompress((DATA / f"{name}.html.gz").read_bytes()).decode("utf-8", "replace")


def score(got: str, want: str) -> tuple[float, float]:
    a, b = words(got), words(want)
    shared = sum((a & b).values())
    return shared / max(1, sum(a.values())), shared / max(1, sum(b.values()))


#: page → (what the rule does, a word of the note it leaves, or None).
RULES = {
    # The precise extraction picks the reprint notice; the fuller one has the article.
    "barrons-reprint-notice": "fuller extraction",
    # A class word ("ad" in "ad agencies"…) would remove the element holding the whole article.
    "spokesman-article-in-ad-class": "would remove",
    # The body is split into several containers of the same class, ads between them.
    "wired-split-body": "other parts",
    # Posts embedded from a platform are quoted in the article; extractors drop them.
    "sky-embedded-posts": "embedded post",
    # The article is laid out in a table: its paragraphs are read as paragraphs.
    "spacereview-layout-table": None,
    # A data table: each row is read as a list.
    "autoracing-data-table": None,
    # Line breaks inside a paragraph keep the words either side apart.
    "italian-line-breaks": None,
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_rule_on_the_real_page_that_needs_it(name: str) -> None:
    found = extract(page(name))
    text = "\n".join(b.text for b in found.blocks)
    precision, recall = score(text, TRUTH[name]["articleBody"])
    assert recall >= 0.9, (name, recall)
    assert precision >= 0.9, (name, precision)
    if RULES[name] is not None:
        assert any(RULES[name] in note for note in found.notes), found.notes
    assert found.coverage is not None and found.coverage > 0.7


def test_a_data_table_row_is_a_list() -> None:
    found = extract(page("autoracing-data-table"))
    assert any(b.text.startswith("1, Kyle Busch, 5040") for b in found.blocks)


def test_a_layout_table_keeps_its_paragraphs() -> None:
    found = extract(page("spacereview-layout-table"))
    assert len(found.blocks) > 30
    assert max(len(b.text) for b in found.blocks) < 2000


def test_line_breaks_do_not_glue_words() -> None:
    text = " ".join(b.text for b in extract(page("italian-line-breaks")).blocks)
    assert "Resistenzahttp" not in text and "Resistenza" in text


def test_every_removal_is_recorded_with_its_rule() -> None:
    found = extract(page("sky-embedded-posts"))
    assert found.removed
    rules = {r.rule for r in found.removed}
    assert any(rule.startswith(("element <", "class or id", "role ")) for rule in rules)
    assert all(r.text and r.rule for r in found.removed)


def test_an_article_is_an_error_only_when_there_is_none() -> None:
    with pytest.raises(ArticleError, match="has no article text"):
        read_html(
            "<html><body><nav><a href='/'>Home</a></nav><footer>© 2026</footer></body></html>",
            "nav.html",
        )
    article = read_html(page("barrons-reprint-notice"), "barrons.html")
    assert article.coverage is not None and any("Home Depot" in b.text for b in article.blocks)
    assert article.removed


def test_the_end_of_article_cut_never_takes_most_of_the_article() -> None:
    body = [Block("paragraph", "The council met on Tuesday to discuss the harbour plan.")]
    after = [Block("heading", "Latest")] + [
        Block("paragraph", f"Paragraph {n} of the same story goes on about the harbour.")
        for n in range(5)
    ]
    kept = clean_blocks_recorded(body + after)
    assert len(kept.blocks) == 7 and not kept.removed  # the heading stays a heading
    short = clean_blocks_recorded(
        body * 5 + [Block("heading", "More news"), Block("paragraph", "Other story.")]
    )
    assert [b.text for b in short.blocks] == [body[0].text] * 5
    assert short.removed == (
        Removed("More news", "end-of-article: More news", "heading"),
        Removed("Other story.", "end-of-article: More news", "paragraph"),
    )


def _devset() -> list[tuple[str, str, str]]:
    truth = json.loads((DEVSET / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (key, gzip.decompress((DEVSET / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace"),
         truth[key]["articleBody"])
        for key in sorted(truth)
    ]  # fmt: skip


def _score_one(case: tuple[str, str, str]) -> tuple[str, tuple[float, float] | None]:
    key, html, want = case
    try:
        article = read_html(html, key)
    except ArticleError:
        return key, None
    return key, score("\n".join(b.text for b in article.blocks), want)


@pytest.mark.skipif(
    not DEVSET.is_dir() and not os.environ.get("CI"), reason="shared/extraction-devset not beside"
)
def test_the_dev_set_targets() -> None:
    """Issue 16's targets on the 181 pages: recall ≥ 0.985, precision ≥ 0.97, none failed,
    at most 2 pages under 0.8 recall (what score.py measures, here in-process)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(_score_one, _devset(), chunksize=8))
    failed = [key for key, s in results if s is None]
    scores = [s for _, s in results if s is not None]
    precision = sum(p for p, _ in scores) / len(scores)
    recall = sum(r for _, r in scores) / len(scores)
    low = Counter(r < 0.8 for _, r in scores)[True]
    assert not failed
    assert recall >= 0.985, recall
    assert precision >= 0.97, precision
    assert low <= 2, low


#: What score.py counts as a sign a voice would guess at: a digit, a symbol, a slash between
#: words or a colon between digits.
SIGN = re.compile(r"\d|[%$€£¥₴=±½¼¾°@#]|(?<=\w)/(?=\w)|(?<=\d):(?=\d)")


def _heard_one(case: tuple[str, str, str]) -> tuple[str, str, int, list[str], list[str]]:
    """One page as a listener hears it: (key, language, sentences, junk, signs), measured as
    score.py measures it (its ``listener``), on the script ``build`` would speak."""
    from podcast.core.settings import Settings
    from podcast.speech.scripting import article_language, article_script

    key, html, truth = case
    try:
        article = read_html(html, key)
    except ArticleError:
        return key, "", 0, [], []
    settings = Settings()
    language = article_language(article, settings)
    script = article_script(article, settings, language)
    said = [s for p, s in script.sentences() if p.kind in ("body", "heading")]
    count, junk, _ = _score_module().listener([s.text for s in said], [], truth)
    return key, language, count, junk, [s.spoken for s in said if SIGN.search(s.spoken)]


@functools.cache
def _score_module():  # type: ignore[no-untyped-def]
    """score.py, loaded once a process (each worker scores many pages)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("devset_score", DEVSET / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not DEVSET.is_dir() and not os.environ.get("CI"), reason="shared/extraction-devset not beside"
)
def test_the_listeners_line_on_the_dev_set() -> None:
    """Issue 25's targets for what a listener hears on the 181 pages (score.py's second line):
    no spoken sentence of an English page holds a digit or a sign, and at most 5 pages in all
    (128 signs on 24 pages before); at most 0.6 % of sentences are not the article, on at most
    15 pages (2.3 % on 64 before: "Have a tip?", hover cards, credits, teasers)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(_heard_one, _devset(), chunksize=8))
    english = {key: signs for key, language, _, _, signs in results if language == "en" and signs}
    anywhere = {key: signs for key, _, _, _, signs in results if signs}
    assert not english, english
    assert len(anywhere) <= 5, anywhere
    sentences = sum(count for _, _, count, _, _ in results)
    junk = {key: heard for key, _, _, heard, _ in results if heard}
    share = sum(len(heard) for heard in junk.values()) / sentences
    assert share <= 0.006, (share, junk)
    assert len(junk) <= 15, junk


HEADLINE_PAGE = """<html><head><title>Sweden drops Assange rape investigation</title>
<meta property="og:title" content="Sweden drops Assange rape investigation"></head><body><article>
<h1>Julian Assange: Sweden drops rape investigation</h1>
<p>Swedish prosecutors have dropped an investigation into a rape allegation against WikiLeaks
co-founder Julian Assange, they said on Tuesday, nine years after it was opened.</p>
<div><img src="/img/assange-court-london.jpg" alt="Julian Assange leaves court in London"></div>
<p>Julian Assange leaves court in London</p>
<p>The deputy director of public prosecutions said the evidence had weakened considerably
because of the long period of time that had elapsed since the events in question.</p>
<p>Mr Assange, who is being held in a London prison, has always denied the allegation and said
it was a pretext for his extradition to the United States.</p></article></body></html>"""


def test_the_headline_again_and_an_images_caption_are_not_read() -> None:
    """Issue 25: the page's h1 said the title again in other words after the intro had said it,
    and a caption set as a plain paragraph under its image was read as the story."""
    article = read_html(HEADLINE_PAGE, "assange")
    text = [b.text for b in article.blocks]
    assert text[0].startswith("Swedish prosecutors have dropped")
    assert "Julian Assange leaves court in London" not in text
    rules = {r.rule: r.text for r in article.removed}
    assert rules["headline"] == "Julian Assange: Sweden drops rape investigation"
    assert rules["image caption"] == "Julian Assange leaves court in London"


def test_the_fuller_reading_leaves_the_furniture_elements_out() -> None:
    """When the precise extraction picked a fragment (a reprint notice), the fuller reading is
    of the page without its furniture elements: a modal's "Thank you / This article has been
    sent to" (class "scrim") was read at the end of the article."""
    article = read_html(page("barrons-reprint-notice"), "barrons")
    text = "\\n".join(b.text for b in article.blocks)
    assert "This article has been sent to" not in text
    assert score(text, TRUTH["barrons-reprint-notice"]["articleBody"])[1] > 0.9
