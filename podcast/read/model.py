"""An article as read: the :class:`Article` value, and the checks every reader's result passes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from podcast.core.errors import ArticleError
from podcast.read.clean import Removed
from podcast.read.fields import slugify
from podcast.read.urls import safe_url
from voices.script import Block

#: Formats by file suffix.
SUFFIXES = {
    ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
    ".txt": "text", ".text": "text", ".json": "json",
}  # fmt: skip

#: Files larger than this are refused rather than read (a page with scripts and styles is rarely 2 MB).
MAX_ARTICLE_BYTES = 20 * 1024 * 1024
#: Articles longer than this are refused: about six and a half hours of audio.
MAX_WORDS = 60_000

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


@dataclass(frozen=True)
class Article:
    """One article, as written."""

    title: str
    """The headline."""
    blocks: tuple[Block, ...]
    """The body: paragraphs and headings, in order."""
    author: str = ""
    """The byline's names."""
    published: datetime | None = None
    """When it was published (timezone-aware, UTC)."""
    url: str = ""
    """The article's canonical address."""
    summary: str = ""
    """A standfirst or description."""
    categories: tuple[str, ...] = field(default_factory=tuple)
    """Sections or tags."""
    image: str = ""
    """Lead image address."""
    series: str = ""
    """The feed of its own it belongs to: empty for the show's, ``briefing`` for a briefing."""
    links: tuple[tuple[str, str], ...] = ()
    """(heading, URL): the chapter that starts at that heading links there (a briefing's
    story chapters link each story's own episode)."""
    image_file: str = ""
    """The lead image as a file beside the article (its ``og:image`` or JSON ``image`` names a
    file in the article's folder): it becomes the episode's artwork."""
    language: str = ""
    """Language code if the source says it (e.g. ``en``)."""
    source: str = ""
    """Where it was read from: a path, or ``-`` for standard input."""
    removed: tuple[Removed, ...] = field(default_factory=tuple, compare=False, repr=False)
    """Every block the furniture rules took out of the page, with the rule (for the review)."""
    coverage: float | None = field(default=None, compare=False)
    """Share of the page's article text (as a fuller extraction finds it) that is kept."""

    @property
    def key(self) -> str:
        """What identifies the article across rebuilds (:func:`article_key`)."""
        return article_key(self.title, self.url, self.series, self.published)

    @property
    def slug(self) -> str:
        """A short ASCII name for its files."""
        return slugify(self.title)


def article_key(
    title: str, url: str = "", series: str = "", published: datetime | None = None
) -> str:
    """What identifies an article across rebuilds: in a series of its own (a briefing), the
    series and its slugged title; else its URL; else its whole title, every letter of any
    script kept (NFC, spaces folded), after the day it was published if it says one
    (``title:2026-12-02|Letters to the editor``; ``title:|Café reopens`` undated). Two
    articles share a key only when they really are one: a column's title on another day,
    "Hello, World!" and "hello world", or two titles in Cyrillic are distinct. ``adopt``
    finds a published episode's key again (:func:`key_candidates`)."""
    if series:
        return f"{series}:{slugify(title)}"
    if url:
        return url
    day = published.astimezone(UTC).date().isoformat() if published else ""
    return f"title:{day}|{title_identity(title)}"


def title_identity(title: str) -> str:
    """A title as an identity: Unicode NFC, white space folded; nothing else dropped."""
    return " ".join(unicodedata.normalize("NFC", title).split())


def legacy_key(title: str) -> str:
    """The key releases before this one gave an article without a URL: its slugged title,
    which every emoji, Cyrillic or Arabic title shared (``title:episode``)."""
    return "title:" + slugify(title)


def key_candidates(title: str, url: str, series: str, published: datetime) -> list[str]:
    """Every key a published episode may have had: ``adopt`` takes the one its guid was made
    from (a feed says the date, not whether the article said it)."""
    if series or url:
        return [article_key(title, url, series)]
    return [article_key(title, published=published), article_key(title), legacy_key(title)]


def clean_text(text: str) -> str:
    """Drop control characters (keeping line breaks and tabs)."""
    return _CONTROL.sub("", text)


def finish_article(article: Article) -> Article:
    """Checks every reader's result passes: text cleaned, links made safe, length and content checked."""
    name = article.source or "article"
    blocks = tuple(
        Block(b.kind, " ".join(clean_text(b.text).split()))
        for b in article.blocks
        if clean_text(b.text).strip()
    )
    if not any(block.kind == "paragraph" for block in blocks):
        raise ArticleError(f"{name} has no article text")
    title = " ".join(clean_text(article.title).split())
    if not title:
        raise ArticleError(f"{name} has no title")
    words = sum(len(b.text.split()) for b in blocks)
    if words > MAX_WORDS:
        raise ArticleError(
            f"{name} has {words} words; the limit is {MAX_WORDS} (about six hours of audio)"
        )
    return replace(
        article,
        title=title,
        blocks=blocks,
        author=" ".join(clean_text(article.author).split()),
        summary=" ".join(clean_text(article.summary).split()),
        url=safe_url(article.url),
        image=safe_url(article.image),
    )
