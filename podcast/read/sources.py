"""Where a batch's articles come from: folders, JSONL manifests and RSS/Atom feeds (files or URLs).

Each source expands into items that load one article each, so one bad
article (or one bad line of a manifest) fails alone. A source that cannot be
read at all raises :class:`SourceError`.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from podcast.core.settings import ReadSettings
from podcast.read.articles import read_article
from podcast.read.bylines import tidy_author
from podcast.read.fetch import FETCH_TIMEOUT, MAX_SOURCE_BYTES, SourceError, fetch
from podcast.read.fields import strip_site_name
from podcast.read.formats import article_from_dict, html_fragment, html_text
from podcast.read.model import SUFFIXES, Article, finish_article
from podcast.read.selectors import skip_paragraphs

MANIFEST_SUFFIXES = (".jsonl", ".ndjson")
FEED_SUFFIXES = (".rss", ".atom", ".xml")


@dataclass(frozen=True)
class SourceItem:
    """One article to load from a source."""

    label: str
    """Where it comes from: a path, ``manifest.jsonl:3``, ``feed.xml#2``."""
    load: Callable[[], Article]


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
            except RecursionError:
                raise SourceError(f"{label}: not an article: nested too deeply") from None
            return finish_article(article_from_dict(value, label))

        items.append(SourceItem(label, load))
    return items


def entry_record(entry: Any) -> dict[str, Any]:
    """A feed entry as our JSON article (its body in ``content``, its image's address in
    ``image``), with ``id``: what the service's watch queues and fingerprints."""
    html = ""
    if entry.get("content"):
        html = max((c.get("value", "") for c in entry.content), key=len)
    if not html:
        html = entry.get("summary", "")
    published = None
    for key in ("published_parsed", "updated_parsed"):
        if entry.get(key):
            try:
                published = datetime(*entry[key][:6]).replace(tzinfo=UTC)
            except (TypeError, ValueError, OverflowError):
                continue
            break
    summary = entry.get("summary", "") if entry.get("content") else ""
    link = entry.get("link", "")
    return {
        "id": entry.get("id") or link or entry.get("title", ""),
        "title": strip_site_name(
            " ".join(entry.get("title", "").split()), entry.get("site_name", ""), link
        ),
        "content": html,
        "author": tidy_author(entry.get("author", "")),
        "published": published.isoformat() if published else None,
        "url": link,
        "summary": html_text(summary),
        "categories": [t.get("term", "") for t in entry.get("tags", []) if t.get("term")],
        "language": entry.get("language", "") or "",
        "image": entry_image(entry),
    }


def _entry_article(entry: Any, label: str) -> Article:
    record = entry_record(entry)
    blocks, removed = html_fragment(record["content"], label)
    return Article(
        title=record["title"],
        blocks=blocks,
        author=record["author"],
        published=datetime.fromisoformat(record["published"]) if record["published"] else None,
        url=record["url"],
        summary=record["summary"],
        categories=tuple(record["categories"]),
        language=record["language"],
        source=label,
        removed=removed,
    )


def feed_records(data: bytes, name: str) -> list[dict[str, Any]]:
    """Every entry of an RSS or Atom feed as :func:`entry_record` makes it."""
    parsed = _parse_feed(data, name)
    return [entry_record(entry) for entry in parsed.entries]


def _parse_feed(data: bytes, name: str) -> Any:
    import xml.sax

    import feedparser

    parsed = feedparser.parse(data)
    problem = parsed.get("bozo_exception")
    # Not well-formed XML, or nothing a feed reader recognises: refuse the whole source. (An
    # encoding that differs from the declared one is tolerated, as podcast apps do.)
    if parsed.bozo and (isinstance(problem, xml.sax.SAXException) or not parsed.entries):
        raise SourceError(f"{name}: not a readable RSS or Atom feed: {problem}")
    language = parsed.feed.get("language", "")
    for entry in parsed.entries:
        if language and not entry.get("language"):
            entry["language"] = language
        entry["site_name"] = parsed.feed.get("title", "")
    return parsed


#: Largest article image fetched with a feed.
MAX_IMAGE_BYTES = 20 * 1024 * 1024


def entry_image(entry: Any) -> str:
    """An entry's own image: ``media:content`` (an image), an image enclosure, or
    ``media:thumbnail``; empty when it has none."""
    for media in entry.get("media_content", []):
        if media.get("url") and (media.get("medium") == "image"
                                 or str(media.get("type", "")).startswith("image/")):  # fmt: skip
            return str(media["url"])
    for link in entry.get("links", []):
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return str(link.get("href", ""))
    for thumbnail in entry.get("media_thumbnail", []):
        if thumbnail.get("url"):
            return str(thumbnail["url"])
    return ""


@functools.cache
def _image_folder() -> Path:
    """Where images fetched with a feed are kept while this process runs (removed at exit)."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="audio-edition-images-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


#: Seconds all the images of one batch may take to fetch, together.
IMAGES_BUDGET = 60.0


@dataclass
class ImageFetcher:
    """Fetches feed entries' images for one batch: only from public addresses unless
    ``private`` (a newsroom's intranet), each within the fetch limits, and all of them within
    one budget of seconds, so slow image servers do not add up (three dribbling images took
    98 s); once it is spent, entries have the show's cover."""

    private: bool = False
    budget: float = IMAGES_BUDGET
    spent: float = 0.0

    def __call__(self, url: str) -> str:
        """The image at ``url`` as a local file; empty (and logged) when it is not fetched."""
        import hashlib
        import logging

        from podcast.read.urls import safe_url

        log = logging.getLogger(__name__)
        if not safe_url(url):
            return ""
        left = self.budget - self.spent
        if left <= 0.5:
            log.warning("article image not fetched, the batch's %g s for images are spent: %s",
                        self.budget, url)  # fmt: skip
            return ""
        started = time.monotonic()
        try:
            data = fetch(url, limit=MAX_IMAGE_BYTES, timeout=min(FETCH_TIMEOUT, left),
                         public_only=not self.private)  # fmt: skip
        except SourceError as error:
            log.warning("article image not used: %s", error)
            return ""
        finally:
            self.spent += time.monotonic() - started
        path = _image_folder() / hashlib.sha256(url.encode()).hexdigest()
        path.write_bytes(data)
        return str(path)


def feed_items(
    data: bytes, name: str, fetched: bool = False, images: ImageFetcher | None = None
) -> list[SourceItem]:
    """One item per entry of an RSS or Atom feed with full content. When the feed was
    ``fetched`` over http(s), each entry's own image is fetched too, by ``images`` (it becomes
    the episode's artwork); a feed read from a file names no image the batch may fetch."""
    images = images or ImageFetcher()
    parsed = _parse_feed(data, name)
    items = []
    for number, entry in enumerate(parsed.entries, 1):
        label = f"{name}#{number}"

        def load(entry: Any = entry, label: str = label) -> Article:
            article = _entry_article(entry, label)
            if not article.title:
                raise SourceError(f"{label}: entry has no title")
            if not any(b.kind == "paragraph" for b in article.blocks):
                raise SourceError(
                    f"{label}: entry has no article text (the feed carries no full content)"
                )
            image = entry_image(entry) if fetched else ""
            if image:
                article = replace(article, image=image, image_file=images(image))
            return finish_article(article)

        items.append(SourceItem(label, load))
    return items


def folder_items(folder: Path, read: ReadSettings | None = None) -> list[SourceItem]:
    """One item per article file under ``folder`` (hidden ones left out).

    A file whose real path lies outside the folder (a symbolic link to ``/etc/shadow``, or
    into a linked folder) is never read: its item fails with the reason, so the report says so.
    A link to another article of the folder is that article again: the link's item fails,
    and the article itself is built.
    """
    root = folder.resolve()
    entries: list[tuple[Path, Path | str]] = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.suffix.lower() not in SUFFIXES or any(p.startswith(".") for p in relative.parts):
            continue
        try:
            entries.append((path, path.resolve()))
        except (RuntimeError, OSError) as error:  # a link loop (or a path the system refuses)
            entries.append((path, "a symbolic link loop" if isinstance(error, RuntimeError)
                            else str(error)))  # fmt: skip
    listed = {real for path, real in entries if isinstance(real, Path) and not path.is_symlink()}
    items = []
    for path, real in entries:
        if isinstance(real, str):
            items.append(SourceItem(str(path), functools.partial(_unreadable, path, real)))
        elif not real.is_relative_to(root):
            items.append(SourceItem(str(path), functools.partial(_outside, path, real)))
        elif path.is_symlink() and real in listed:
            reason = f"a link to {real.relative_to(root)}, which is built itself"
            items.append(SourceItem(str(path), functools.partial(_unreadable, path, reason)))
        elif path.is_file():
            items.append(SourceItem(str(path), functools.partial(read_article, path, read=read)))
    return items


def _unreadable(path: Path, reason: str) -> Article:
    raise SourceError(f"{path} is {reason}: not read")


def _outside(path: Path, real: Path) -> Article:
    raise SourceError(f"{path} is a link to {real}, outside the source folder: not read")


def _looks_like_feed(data: bytes) -> bool:
    head = data.lstrip()[:500].lower()
    return (
        head.startswith(b"<?xml")
        and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)
        or head.startswith((b"<rss", b"<feed"))
    )


def _ruled(items: list[SourceItem], read: ReadSettings | None) -> list[SourceItem]:
    """Items whose articles lose the paragraphs ``read.skip_text`` names."""
    if read is None or not read.skip_text:
        return items
    return [
        SourceItem(
            item.label, functools.partial(lambda load: skip_paragraphs(load(), read), item.load)
        )
        for item in items
    ]


def expand(
    source: str, images: ImageFetcher | None = None, read: ReadSettings | None = None
) -> list[SourceItem]:
    """The items of one source: a folder, a manifest, a feed file or URL, or one article file;
    ``images`` fetches a fetched feed's entry images (one for the whole batch); ``read`` is the
    newsroom's reading rules."""
    if "://" in source:
        return _ruled(feed_items(fetch(source), source, fetched=True, images=images), read)
    path = Path(source)
    if not path.exists():
        raise SourceError(f"source not found: {source}")
    if path.is_dir():
        return folder_items(path, read)
    suffix = path.suffix.lower()
    if suffix in MANIFEST_SUFFIXES:
        return _ruled(manifest_items(_read_limited(path), source), read)
    data = _read_limited(path) if suffix in FEED_SUFFIXES or suffix not in SUFFIXES else b""
    if suffix in FEED_SUFFIXES or (data and _looks_like_feed(data)):
        return _ruled(feed_items(data, source), read)
    return [SourceItem(source, lambda: read_article(path, read=read))]
