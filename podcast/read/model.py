"""An article as read: the :class:`Article` value, and the checks every reader's result passes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from podcast.errors import ArticleError
from podcast.read.fields import slugify
from podcast.read.urls import safe_url
from voices.clean import Removed
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
        return article_key(self.title, self.url, self.series)

    @property
    def slug(self) -> str:
        """A short ASCII name for its files."""
        return slugify(self.title)


def article_key(title: str, url: str = "", series: str = "") -> str:
    """What identifies an article across rebuilds: in a series of its own (a briefing), the
    series and its slugged title; else its URL, else its slugged title. ``adopt`` gives a
    published episode back the same key."""
    if series:
        return f"{series}:{slugify(title)}"
    return url or "title:" + slugify(title)


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
