"""Golden scripts for real-looking pages: what is read, and that no furniture is.

Each ``tests/data/pages/NAME.html|txt`` has ``NAME.script.txt`` beside it, the
exact spoken script. Regenerate after a deliberate change with
``UPDATE_GOLDEN=1 pytest tests/test_pages.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from podcast.core.settings import Settings
from podcast.read.articles import read_article
from podcast.speech.scripting import article_script

PAGES = Path(__file__).parent / "data" / "pages"
SOURCES = sorted(
    p
    for p in PAGES.iterdir()
    if p.suffix in (".html", ".txt") and not p.name.endswith(".script.txt")
)

#: Furniture on each page that must never be read (as written on the page).
FURNITURE = {
    "scraped-news-page.txt": [
        "Skip to content", "Edit post", "2 min read", "(President's Office)", "in Kyiv on Jan. 7. (",
        "Japan pledges $37 million", "News Feed", "MORE NEWS", "Editors' Picks", "subscribe",
        "Subscribe", "email", "indicates required", "4:34 AM", "sanctions package",
        "Explaining Ukraine", "Tula Oblast",
    ],
    "ledger-figure-newsletter.html": [
        "cookies", "4 min read", "Share on", "Copy link", "Haweswater", "Getty", "Sewage spills",
        "Who owns your water", "newsletter", "Enter your email", "Read more", "All rights reserved",
    ],
    "live-blog-timestamps.html": [
        "Skip to content", "Updated", "Listen to this article", "9:40 AM", "9:05 AM", "8:30 AM",
        "Share this post", "Most read", "Ten things to know", "waves batter",
    ],
    "wire-inline-caption.html": [
        "AP Photo", "speaks to reporters", "RELATED", "What a government shutdown means",
        "independent journalism", "member", "Copyright", "All rights reserved",
    ],
}  # fmt: skip


def script_for(path: Path):
    return article_script(read_article(path), Settings())


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_golden_script(source: Path) -> None:
    golden = source.with_name(source.name.rsplit(".", 1)[0] + ".script.txt")
    text = script_for(source).to_text()
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_no_furniture_is_read(source: Path) -> None:
    assert source.name in FURNITURE, "list the page's furniture"
    written = " ".join(s.text for _, s in script_for(source).sentences())
    for furniture in FURNITURE[source.name]:
        assert furniture not in written, furniture
        assert furniture in source.read_text(encoding="utf-8"), f"{furniture!r} is not on the page"


def test_scraped_page_keeps_headline_byline_and_every_body_paragraph() -> None:
    source = PAGES / "scraped-news-page.txt"
    article = read_article(source)
    assert article.title.startswith("Zelensky meets Japanese Foreign Minister")
    assert article.author == "The Kyiv Independent news desk"
    assert (
        article.published is not None
        and article.published.isoformat() == "2024-01-07T22:51:00+00:00"
    )
    script = script_for(source)
    intro = [p for p in script.paragraphs if p.kind == "intro"]
    body = [p for p in script.paragraphs if p.kind == "body"]
    assert intro[1].sentences[0].text == article.title  # the headline, right after the disclosure
    # Every paragraph of the article between the byline block and the related link/News Feed.
    text = source.read_text(encoding="utf-8")
    article_part = text.split("This audio is created with AI assistance\n", 1)[1].split(
        "News Feed"
    )[0]
    expected = [
        " ".join(chunk.split("\n")[-1].split()) for chunk in article_part.strip().split("\n\n")
    ]
    assert [" ".join(s.text for s in p.sentences) for p in body] == expected
    assert len(body) == 13
    # The page's own disclosure is not read again: the intro says it once.
    disclosures = [s for _, s in script.sentences() if "AI assistance" in s.text]
    assert len(disclosures) == 1


def test_live_blog_headings_become_chapters() -> None:
    script = script_for(PAGES / "live-blog-timestamps.html")
    headings = [p.sentences[0].text for p in script.paragraphs if p.kind == "heading"]
    assert headings == [
        "Severn bridge closed in both directions",
        "45,000 homes without power",
        "Red warning in force until noon",
    ]
