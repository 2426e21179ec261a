"""Where a batch's articles come from: folders, JSONL manifests and RSS/Atom feeds (files or URLs).

Each source expands into items that load one article each, so one bad
article (or one bad line of a manifest) fails alone. A source that cannot be
read at all raises :class:`SourceError`.
"""

from __future__ import annotations

import functools
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from podcast.errors import PodcastError
from podcast.read.articles import read_article
from podcast.read.bylines import tidy_author
from podcast.read.fields import strip_site_name
from podcast.read.formats import article_from_dict, html_fragment, html_text
from podcast.read.model import SUFFIXES, Article, finish_article
from podcast.read.selectors import skip_paragraphs
from podcast.settings import ReadSettings

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


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s): never to ``ftp:`` or ``file:``."""

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        target = headers.get("location") or headers.get("uri") or ""
        newurl = urllib.parse.urljoin(req.full_url, target)
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise SourceError(f"{req.full_url}: redirected to a non-http(s) address: {newurl}")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class _Deadline:
    """One deadline for a whole exchange: when it passes, every socket opened for it is shut
    down, so a read that waits (for a header a server dribbles a byte a second, a TLS
    handshake, a body) ends then, whatever the per-read timeout."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def left(self) -> float:
        return max(self.at - time.monotonic(), 0.01)

    def watch(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._shut(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def public_address(address: str) -> bool:
    """Whether an IP address is one of the public internet (not loopback, private, link-local,
    shared, reserved or multicast; an IPv4 address written as IPv6 is judged as IPv4)."""
    import ipaddress

    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _handlers(deadline: _Deadline, url: str, public_only: bool) -> list[urllib.request.BaseHandler]:
    """urllib's http and https handlers, with connections that ask ``deadline`` how long they
    may take to connect and that it can shut down; with ``public_only``, a connection to an
    address that is not public is closed before anything is sent (so a redirect there, or a
    name that resolves there, is caught as well)."""

    def connection(base: type[http.client.HTTPConnection]) -> Any:
        class Connection(base):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs["timeout"] = deadline.left()
                super().__init__(*args, **kwargs)

                def create(address: Any, timeout: Any = None, source: Any = None) -> Any:
                    made = socket.create_connection(address, deadline.left(), source)
                    peer = str(made.getpeername()[0])
                    if public_only and not public_address(peer):
                        made.close()
                        raise SourceError(
                            f"{url}: {address[0]} is at {peer}, not a public address: not fetched"
                        )
                    return deadline.watch(made)

                self._create_connection = create

        return Connection

    class Http(urllib.request.HTTPHandler):
        def http_open(self, req: Any) -> Any:
            return self.do_open(connection(http.client.HTTPConnection), req)

    class Https(urllib.request.HTTPSHandler):
        def https_open(self, req: Any) -> Any:
            context = getattr(self, "_context", None)
            return self.do_open(connection(http.client.HTTPSConnection), req, context=context)

    return [Http(), Https()]


def fetch(
    url: str,
    *,
    timeout: float = FETCH_TIMEOUT,
    limit: int = MAX_SOURCE_BYTES,
    public_only: bool = False,
) -> bytes:
    """GET an http(s) URL within ``timeout`` seconds in all (connect, headers and body, not
    per read) and ``limit`` bytes; with ``public_only``, only from public addresses.

    Redirects are followed only to http(s) addresses.
    """
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceError(f"{url}: only http and https sources are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "audio-edition"})
    late = SourceError(f"{url}: cannot fetch: took longer than {timeout:g} s")
    chunks: list[bytes] = []
    size = 0
    with _Deadline(timeout) as deadline:
        opener = urllib.request.build_opener(
            _HttpOnlyRedirects, *_handlers(deadline, url, public_only)
        )
        try:
            with opener.open(request, timeout=timeout) as response:
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise SourceError(f"{url}: larger than {limit // (1024 * 1024)} MB")
                while size <= limit and not deadline.expired:
                    chunk = response.read1(min(64 * 1024, limit + 1 - size))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
        except SourceError:
            raise
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
            if deadline.expired:
                raise late from None
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise late from None
            raise SourceError(f"{url}: cannot fetch: {reason}") from None
        if deadline.expired:  # a shut-down socket reads as the end: never take it for the body
            raise late
    if size > limit:
        raise SourceError(f"{url}: larger than {limit // (1024 * 1024)} MB")
    return b"".join(chunks)


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


def _entry_article(entry: Any, label: str) -> Article:
    html = ""
    if entry.get("content"):
        html = max((c.get("value", "") for c in entry.content), key=len)
    if not html:
        html = entry.get("summary", "")
    blocks, removed = html_fragment(html, label)
    published = None
    for key in ("published_parsed", "updated_parsed"):
        if entry.get(key):
            try:
                published = datetime(*entry[key][:6]).replace(tzinfo=UTC)
            except (TypeError, ValueError, OverflowError):
                continue
            break
    summary = entry.get("summary", "") if entry.get("content") else ""
    summary_text = html_text(summary)
    return Article(
        title=strip_site_name(
            " ".join(entry.get("title", "").split()),
            entry.get("site_name", ""),
            entry.get("link", ""),
        ),
        blocks=blocks,
        author=tidy_author(entry.get("author", "")),
        published=published,
        url=entry.get("link", ""),
        summary=summary_text,
        categories=tuple(t.get("term", "") for t in entry.get("tags", []) if t.get("term")),
        language=entry.get("language", "") or "",
        source=label,
        removed=removed,
    )


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
        entry["site_name"] = parsed.feed.get("title", "")

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
