"""Where a batch's articles come from: folders, JSONL manifests and RSS/Atom feeds (files or URLs).

Each source expands into items that load one article each, so one bad
article (or one bad line of a manifest) fails alone. A source that cannot be
read at all raises :class:`SourceError`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .articles import (
    SUFFIXES,
    Article,
    article_from_dict,
    finish_article,
    read_article,
    read_html_fragment,
    tidy_author,
)
from .errors import PodcastError

#: Largest feed or manifest fetched or read.
MAX_SOURCE_BYTES = 50 * 1024 * 1024
#: Seconds to wait for a feed URL.
FETCH_TIMEOUT = 30.0
MANIFEST_SUFFIXES = (".jsonl", ".ndjson")
FEED_SUFFIXES = (".rss", ".atom", ".xml")


class SourceError(PodcastError):
    """A batch source cannot be read at all."""


@dataclass(frozen=True)
class SourceItem:
    """One article to load from a source."""

    label: str
    """Where it comes from: a path, ``manifest.jsonl:3``, ``feed.xml#2``."""
    load: Callable[[], Article]


def fetch(url: str, *, timeout: float = FETCH_TIMEOUT, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """GET an http(s) URL with a timeout and a size limit."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceError(f"{url}: only http and https sources are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "audio-edition"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise SourceError(f"{url}: larger than {limit // (1024 * 1024)} MB")
            data = response.read(limit + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise SourceError(f"{url}: cannot fetch: {reason}") from None
    if len(data) > limit:
        raise SourceError(f"{url}: larger than {limit // (1024 * 1024)} MB")
    return data


def _read_limited(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise SourceError(f"{path}: larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror or error}") from None


def manifest_items(data: bytes, name: str) -> list[SourceItem]:
    """One item per non-empty line of a JSONL manifest."""
    items = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        label = f"{name}:{number}"

        def load(line: str = line, label: str = label) -> Article:
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                raise SourceError(
                    f"{label}: not valid JSON: {error.msg} (column {error.colno})"
                ) from None
            return finish_article(article_from_dict(value, label))

        items.append(SourceItem(label, load))
    return items


def _entry_article(entry: Any, label: str) -> Article:
    html = ""
    if entry.get("content"):
        html = max((c.get("value", "") for c in entry.content), key=len)
    if not html:
        html = entry.get("summary", "")
    blocks = read_html_fragment(html, label)
    published = None
    for key in ("published_parsed", "updated_parsed"):
        if entry.get(key):
            published = datetime(*entry[key][:6], tzinfo=UTC)
            break
    summary = entry.get("summary", "") if entry.get("content") else ""
    from lxml import html as lxml_html

    summary_text = (
        " ".join(lxml_html.fromstring(summary).text_content().split()) if summary.strip() else ""
    )
    return Article(
        title=" ".join(entry.get("title", "").split()),
        blocks=blocks,
        author=tidy_author(entry.get("author", "")),
        published=published,
        url=entry.get("link", ""),
        summary=summary_text,
        categories=tuple(t.get("term", "") for t in entry.get("tags", []) if t.get("term")),
        language=entry.get("language", "") or "",
        source=label,
    )


def feed_items(data: bytes, name: str) -> list[SourceItem]:
    """One item per entry of an RSS or Atom feed with full content."""
    import xml.sax

    import feedparser

    parsed = feedparser.parse(data)
    problem = parsed.get("bozo_exception")
    # Not well-formed XML, or nothing a feed reader recognises: refuse the whole source. (An
    # encoding that differs from the declared one is tolerated, as podcast apps do.)
    if parsed.bozo and (isinstance(problem, xml.sax.SAXException) or not parsed.entries):
        raise SourceError(f"{name}: not a readable RSS or Atom feed: {problem}")
    language = parsed.feed.get("language", "")
    items = []
    for number, entry in enumerate(parsed.entries, 1):
        label = f"{name}#{number}"
        if language and not entry.get("language"):
            entry["language"] = language

        def load(entry: Any = entry, label: str = label) -> Article:
            article = _entry_article(entry, label)
            if not article.title:
                raise SourceError(f"{label}: entry has no title")
            if not any(b.kind == "paragraph" for b in article.blocks):
                raise SourceError(
                    f"{label}: entry has no article text (the feed carries no full content)"
                )
            return article

        items.append(SourceItem(label, load))
    return items


def _looks_like_feed(data: bytes) -> bool:
    head = data.lstrip()[:500].lower()
    return (
        head.startswith(b"<?xml")
        and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)
        or head.startswith((b"<rss", b"<feed"))
    )


def expand(source: str) -> list[SourceItem]:
    """The items of one source: a folder, a manifest, a feed file or URL, or one article file."""
    if "://" in source:
        return feed_items(fetch(source), source)
    path = Path(source)
    if not path.exists():
        raise SourceError(f"source not found: {source}")
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in SUFFIXES and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )  # fmt: skip
        return [SourceItem(str(p), lambda p=p: read_article(p)) for p in files]
    suffix = path.suffix.lower()
    if suffix in MANIFEST_SUFFIXES:
        return manifest_items(_read_limited(path), source)
    data = _read_limited(path) if suffix in FEED_SUFFIXES or suffix not in SUFFIXES else b""
    if suffix in FEED_SUFFIXES or (data and _looks_like_feed(data)):
        return feed_items(data, source)
    return [SourceItem(source, lambda: read_article(path))]
