"""Reading articles: HTML, Markdown, text, JSON and standard input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from podcast.core.errors import ArticleError
from podcast.read.articles import read_article
from podcast.read.fields import slugify, strip_site_name
from podcast.read.formats import read_html
from tests.helpers import ROOT, SHORT_HTML


def test_html_keeps_metadata_headings_and_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text(SHORT_HTML, encoding="utf-8")
    article = read_article(path)
    assert article.title == "Harbour & ferry plan wins backing"
    assert article.author == "Sam Lee"
    assert article.published == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert article.url == "https://gazette.example.org/harbour-ferry"
    assert article.language == "en"
    assert [(b.kind, b.text[:12]) for b in article.blocks] == [
        ("paragraph", "The council "),
        ("heading", "Next steps"),
        ("paragraph", '"We start in'),
    ]


def test_bundled_sample_article() -> None:
    article = read_article(ROOT / "examples" / "sample-article.html")
    kinds = [b.kind for b in article.blocks]
    assert kinds.count("heading") == 2 and kinds.count("paragraph") == 5
    assert article.summary.startswith("After two floods")
    assert article.categories == ("Local",)


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: Front title\nauthor: Ann\ndate: 2026-01-02\n---\n"
        "Intro *para* with a [link](http://x).\n\n## Section\n\n- item one\n- item two\n",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.title == "Front title"
    assert article.author == "Ann"
    assert article.published == datetime(2026, 1, 2, tzinfo=UTC)
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("paragraph", "Intro para with a link."),
        ("heading", "Section"),
        ("paragraph", "item one"),
        ("paragraph", "item two"),
    ]


def test_text_first_line_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("\n\nThe title\nFirst para\ncontinues.\n\nSecond.\n", encoding="utf-8")
    article = read_article(path)
    assert article.title == "The title"
    assert [b.text for b in article.blocks] == ["First para continues.", "Second."]


def test_json_with_body_and_fields(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({
        "title": "T", "author": "A", "published": "2026-03-04T05:06:07+02:00",
        "url": "https://x.example/a", "body": "One.\n\nTwo.", "summary": "S",
        "categories": ["Politics"], "image": "https://x.example/i.jpg",
    }))  # fmt: skip
    article = read_article(path)
    assert article.published == datetime(2026, 3, 4, 3, 6, 7, tzinfo=UTC)
    assert [b.text for b in article.blocks] == ["One.", "Two."]
    assert article.categories == ("Politics",) and article.summary == "S"


def test_json_with_html(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "Own title", "html": SHORT_HTML}))
    article = read_article(path)
    assert article.title == "Own title"
    assert article.author == "Sam Lee"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("[1, 2]", "expected a JSON object"),
        ('{"title": 5, "body": "x"}', "field 'title' must be a string"),
        ('{"title": "t", "body": "x", "published": "yesterday"}', "is not an ISO 8601 date"),
        ('{"title": "t", "body": "x", "categories": "News"}', "must be a list of strings"),
    ],
    ids=["array", "title-type", "bad-date", "categories-type"],
)
def test_json_errors(tmp_path: Path, payload: str, message: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(payload)
    with pytest.raises(ArticleError, match=message):
        read_article(path)


@pytest.mark.parametrize(
    ("data", "title"),
    [
        (b'{"title": "J", "body": "Body."}', "J"),
        (
            b"<html><body><article><h1>H</h1><p>"
            + b"Long enough paragraph of text. " * 5
            + b"</p></article></body></html>",
            "H",
        ),
        (b"# M\n\nBody.", "M"),
        (b"Plain\n\nBody.", "Plain"),
    ],
    ids=["json", "html", "markdown", "text"],
)
def test_standard_input_is_sniffed(data: bytes, title: str) -> None:
    assert read_article("-", data).title == title


def test_legacy_encoding_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Café owner\n\nThe café reopened.\n".encode("cp1252"))
    article = read_article(path)
    assert article.title == "Café owner"


def test_slugify_is_ascii_and_safe() -> None:
    assert slugify("Café & Bar: ../../etc/passwd") == "cafe-bar-etc-passwd"
    assert slugify("日本語") == "episode"
    assert len(slugify("x" * 500)) <= 60


@pytest.mark.parametrize(
    ("title", "site_name", "url", "expected"),
    [
        (
            "Why AI Needs Data in Healthcare | Appen",
            "Appen",
            "https://appen.com/blog/x",
            "Why AI Needs Data in Healthcare",
        ),
        (
            "Newsom signs housing bill - California Globe",
            "",
            "https://californiaglobe.com/x",
            "Newsom signs housing bill",
        ),
        ("BBC News - Storm hits the coast", "BBC News", "", "Storm hits the coast"),
        (
            "Biden: We will win this - and soon",
            "",
            "https://news.example.com/x",
            "Biden: We will win this - and soon",
        ),
        (
            "Harbour plan wins | Test Gazette",
            "",
            "https://gazette.example.org/x",
            "Harbour plan wins | Test Gazette",
        ),
    ],
    ids=["og-site-name", "address", "before", "not-a-site", "unknown-site"],
)
def test_the_site_name_is_not_read_as_part_of_the_title(
    title: str, site_name: str, url: str, expected: str
) -> None:
    """Issue 16: "… in Healthcare | Appen" was read "… in Healthcare Appen"."""
    assert strip_site_name(title, site_name, url) == expected


def test_html_title_uses_og_site_name() -> None:
    html = (
        "<html><head><title>Storm hits the coast | The Ledger</title>"
        "<meta property='og:site_name' content='The Ledger'></head><body><article>"
        "<h1>Storm hits the coast | The Ledger</h1><p>"
        + "The storm hit the coast on Monday night. " * 8
        + "</p></article></body></html>"
    )
    assert read_html(html, "storm.html").title == "Storm hits the coast"


@pytest.mark.parametrize(
    ("head", "byline", "expected"),
    [
        # OpenGraph's article:author is a profile URL: it gives way to the page's byline
        ('<meta property="article:author" content="https://www.facebook.com/nbcdfw">',
         '<div class="byline">By Scott Gordon | Published Monday</div>', "Scott Gordon"),
        # and with no byline there is no name: the intro says none rather than the address
        ('<meta property="article:author" content="https://www.facebook.com/bbcnews">', "", ""),
        ('<meta name="author" content="admin">', '<p class="byline">By Jane Doe</p>', "Jane Doe"),
        ('<meta name="author" content="ROBERT BURNS; AP National Security Writer">', "",
         "Robert Burns, AP National Security Writer"),
    ],
)  # fmt: skip
def test_html_author_is_the_first_that_names_someone(head: str, byline: str, expected: str) -> None:
    """Real pages said "By https colon slash slash www dot facebook dot com …" in the intro."""
    html = (
        f"<html><head><title>Storm hits the coast</title>{head}</head><body><article>"
        f"<h1>Storm hits the coast</h1>{byline}<p>"
        + "The storm hit the coast on Monday night. " * 8
        + "</p></article></body></html>"
    )
    assert read_html(html, "storm.html").author == expected


@pytest.mark.parametrize(
    "byline, published",
    [
        ("By Tom Ellis | 2 December 2026, 6:05am | 2 min read", "2026-12-02T06:05:00+00:00"),
        ("By Tom Ellis, 2 December 2026", "2026-12-02T00:00:00+00:00"),
        ("By Tom Ellis Dec. 2, 2026, 6:05am", "2026-12-02T06:05:00+00:00"),
        ("By Tom Ellis · Wed, Sept. 3, 2025 at 4:30 p.m. ET", "2025-09-03T16:30:00+00:00"),
        ("By Tom Ellis · 2 Dec 2026 18:05", "2026-12-02T18:05:00+00:00"),
    ],
    ids=[
        "pipes and a time",
        "comma, day first",
        "month first with its time",
        "weekday and at",
        "24h",
    ],
)
def test_a_text_articles_byline_gives_its_date_and_time(byline: str, published: str) -> None:
    """Issue 24, finding 12: day-first bylines gave no date, so pubDate was the build time;
    'Dec. 2, 2026' was found without its time."""
    from podcast.read.formats import read_text

    article = read_text(f"Council approves the plan\n\n{byline}\n\nThe council met on Tuesday.\n")
    assert article.author == "Tom Ellis"
    assert article.published is not None and article.published.isoformat() == published


@pytest.mark.parametrize("year", ["9999", "2030"])
def test_a_date_in_the_future_is_published_as_the_build_time_and_said(
    tmp_path: Path, year: str
) -> None:
    """Issue 24, minor: 9999 and 2030 were published as they were and stayed at the top."""
    import feedparser

    from podcast.core.store import Store
    from tests.helpers import invoke_cli

    (tmp_path / "a.json").write_text(json.dumps(
        {"title": "Future", "body": "Text here.", "published": f"{year}-01-01T00:00:00Z"}))  # fmt: skip
    before = datetime.now(UTC)
    dates = []
    for _ in range(2):  # and the rebuild keeps the first build's time
        result = invoke_cli("build", "a.json", "--force", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        with Store(tmp_path / ".audio-edition" / "episodes.db") as store:
            (episode,) = store.episodes()
        dates.append(episode.published)
    assert before <= dates[0] <= datetime.now(UTC)
    assert dates[1] == dates[0]
    (entry,) = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes()).entries
    assert entry.published_parsed.tm_year == before.year
    review = json.loads(episode.review)
    assert review["readings"][0]["kind"] == "date" and review["readings"][0]["written"].startswith(
        year
    )


XHTML = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="fr"><head><title>Le café de la gare rouvre</title></head>
<body><h1>Le café de la gare rouvre</h1><p>Le café de la gare a rouvert ses portes mardi, après deux ans de travaux.</p>
<p>Les habitués étaient nombreux à saluer le retour du comptoir en zinc.</p></body></html>
"""


def test_an_xhtml_page_with_an_xml_declaration_is_read(tmp_path: Path) -> None:
    """Issue 25, point 8: an XHTML page starting with <?xml … encoding="ISO-8859-1"?> was
    "not readable HTML"."""
    path = tmp_path / "cafe.html"
    path.write_bytes(XHTML.encode("iso-8859-1"))
    article = read_article(path)
    assert article.title == "Le café de la gare rouvre"
    assert "comptoir en zinc" in " ".join(b.text for b in article.blocks)


@pytest.mark.parametrize(
    "head, body, title",
    [
        (
            "<title></title>",
            "<h1>Council backs the ferry plan</h1>",
            "Council backs the ferry plan",
        ),
        (
            "<title>  </title>",
            "<h2>Council backs the ferry plan</h2>",
            "Council backs the ferry plan",
        ),
    ],
    ids=["empty title, an h1", "blank title, a heading"],
)
def test_a_page_whose_title_is_broken_takes_its_heading(head: str, body: str, title: str) -> None:
    """Issue 25, point 8: a page whose <title> was broken "has no title"."""
    html = (
        f"<html><head>{head}</head><body><article>{body}"
        "<p>The council backed the ferry plan on Tuesday after a long debate about the cost.</p>"
        "<p>Boats will run every thirty minutes from the spring, the mayor said.</p>"
        "</article></body></html>"
    )
    assert read_html(html, "page.html").title == title
