"""A static server for the site that does what podcast apps need of a host.

HEAD, byte ranges (``206 Partial Content`` with ``Content-Range``; ``416`` when
out of range; Apple rejects a ``200`` to a range request), ``ETag`` and
``Last-Modified`` with conditional GET (``304``), ``If-Range``, and the right
Content-Type for MP3, feeds, transcripts and chapters. Only files inside the
site are served: paths are resolved (symbolic links included) and checked.
Every file may be read from a page elsewhere (CORS: ``Access-Control-Allow-Origin: *``,
``OPTIONS`` answered), and ``/oembed`` answers for any episode (:mod:`podcast.publish.oembed`).
"""

from __future__ import annotations

import email.utils
import http.server
import logging
import re
import socketserver
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podcast.publish.oembed import ENDPOINT, answer_oembed, discovery
from podcast.publish.sitepath import resolve

_LOGGER = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".xml": "application/rss+xml; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".json": "application/json; charset=utf-8",
}
_CHUNK = 256 * 1024


def content_type(path: Path) -> str:
    """The Content-Type for a site file."""
    if path.name.endswith(".chapters.json"):
        return "application/json+chapters"
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte of a single ``bytes=`` range (the unit in any case); None when
    unsatisfiable.

    Raises ValueError for a header that is not one byte range: one with several ranges
    (``bytes=0-1,5-9``) is answered with the whole file, which RFC 9110 allows, rather than
    with the first range alone as if it were all that was asked.
    """
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header, re.IGNORECASE)
    if match is None or match.group(1) == match.group(2) == "":
        raise ValueError(header)
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return None
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return None
    return start, end


@dataclass(frozen=True)
class Answer:
    """How to answer a GET or HEAD for a site file: the one logic of both servers (``serve``
    here, and the service's static routes)."""

    status: int
    headers: dict[str, str]
    path: Path | None = None
    """The file to send from (None: send :attr:`body`)."""
    first: int = 0
    length: int = 0
    """The bytes of :attr:`path` to send."""
    body: bytes = b""


def _error(status: int, extra: dict[str, str] | None = None) -> Answer:
    body = f"{status} {http.HTTPStatus(status).phrase}\n".encode()
    headers = {**(extra or {}), "Content-Type": "text/plain; charset=utf-8"}
    headers["Content-Length"] = str(len(body))
    return Answer(status, headers, body=body)


#: Every public file may be read by a page elsewhere (a web player fetching a transcript or
#: chapters): the site is public and read-only.
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified",
}


def preflight() -> Answer:
    """The answer to ``OPTIONS`` (a browser's CORS preflight, or a client asking what is
    allowed): GET and HEAD, with the headers a player sends."""
    return Answer(204, {
        **CORS,
        "Allow": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "Range, If-None-Match, If-Modified-Since, If-Range",
        "Access-Control-Max-Age": "86400",
        "Content-Length": "0",
    })  # fmt: skip


def answer(root: Path, url_path: str, headers: Mapping[str, str] | Any) -> Answer:
    """How to answer a GET (or HEAD) of ``url_path`` under ``root`` with request ``headers``
    (looked up case-insensitively by the caller's mapping)."""
    path = resolve(root, url_path)
    if path is None:
        return _error(404)
    stat = path.stat()
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
    if _not_modified(headers, etag, stat.st_mtime):
        return Answer(304, {**CORS, "ETag": etag, "Last-Modified": modified})
    if _is_episode_page(path):  # its oEmbed discovery names this server's endpoint
        page = discovery(path.read_bytes())
        if page is not None:
            return Answer(200, {**CORS, "Content-Type": content_type(path),
                                "Content-Length": str(len(page)), "ETag": etag,
                                "Last-Modified": modified, "Cache-Control": "no-cache"},
                          body=page)  # fmt: skip
    status, first, last = 200, 0, size - 1
    range_header = headers.get("Range")
    if range_header and _range_applies(headers, etag, stat.st_mtime):
        try:
            wanted = parse_range(range_header, size)
        except ValueError:
            pass  # not a byte range: ignored, the whole file is sent
        else:
            if wanted is None:
                return _error(416, {"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"})
            status, (first, last) = 206, wanted
    out = {
        **CORS,
        "Content-Type": content_type(path),
        "Content-Length": str(max(0, last - first + 1)),
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Last-Modified": modified,
        "Cache-Control": "no-cache" if path.suffix in (".xml", ".html") else "public, max-age=3600",
    }
    if status == 206:
        out["Content-Range"] = f"bytes {first}-{last}/{size}"
    return Answer(status, out, path, first, max(0, last - first + 1))


def _is_episode_page(path: Path) -> bool:
    return (path.parent.name == "episodes" and path.suffix == ".html"
            and not path.name.endswith(".embed.html"))  # fmt: skip


def _not_modified(headers: Mapping[str, str] | Any, etag: str, mtime: float) -> bool:
    match = headers.get("If-None-Match")
    if match is not None:
        return match.strip() == "*" or etag in [
            t.strip().removeprefix("W/") for t in match.split(",")
        ]
    since = headers.get("If-Modified-Since")
    if since:
        try:
            parsed = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return int(mtime) <= parsed.timestamp()
    return False


def _range_applies(headers: Mapping[str, str] | Any, etag: str, mtime: float) -> bool:
    condition = headers.get("If-Range")
    if not condition:
        return True
    if condition.startswith('"') or condition.startswith("W/"):
        return condition.strip() == etag
    try:
        return int(mtime) <= email.utils.parsedate_to_datetime(condition).timestamp()
    except (TypeError, ValueError):
        return False


def log_answer(
    access_log: Any,
    client: str,
    method: str,
    path: str,
    headers: Mapping[str, str] | Any,
    reply: Answer,
    sent: int,
) -> None:
    """One line of ``access_log`` (a :class:`~podcast.publish.accesslog.AccessLog`, or None for
    none) for ``reply`` to a request from ``client`` with ``headers``, ``sent`` bytes of it sent:
    the one way both servers log."""
    if access_log is None:
        return
    served = (reply.first, reply.first + reply.length - 1) if reply.status == 206 else None
    access_log.write(client, method, path, reply.status, sent, headers.get("Referer", ""),
                     headers.get("User-Agent", ""), served)  # fmt: skip


def read_chunks(path: Path, first: int, length: int) -> Iterator[bytes]:
    """The bytes ``first`` … ``first + length - 1`` of ``path``, a chunk at a time."""
    with path.open("rb") as handle:
        handle.seek(first)
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


class SiteHandler(http.server.BaseHTTPRequestHandler):
    """GET, HEAD and OPTIONS for the files under ``root``, and the oEmbed endpoint; each
    request a line in ``access_log`` when there is one."""

    root: Path
    access_log: Any = None
    server_version = "audio-edition"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        _LOGGER.info("%s %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_OPTIONS(self) -> None:
        self._send(preflight(), head=True)

    def _respond(self, head: bool) -> None:
        target = urllib.parse.urlsplit(self.path)
        if target.path.strip("/") == ENDPOINT:
            found = answer_oembed(self.root, dict(urllib.parse.parse_qsl(target.query)))
            headers = {**CORS, "Content-Type": found.content_type,
                       "Content-Length": str(len(found.body))}  # fmt: skip
            self._send(Answer(found.status, headers, body=found.body), head)
            return
        self._send(answer(self.root, target.path, self.headers), head)

    def _send(self, reply: Answer, head: bool) -> None:
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.end_headers()
        sent = 0
        try:
            if head:
                return
            if reply.path is not None:
                for chunk in read_chunks(reply.path, reply.first, reply.length):
                    self.wfile.write(chunk)
                    sent += len(chunk)
            else:
                self.wfile.write(reply.body)
                sent = len(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            return
        finally:
            log_answer(self.access_log, self.client_address[0], self.command,
                       urllib.parse.urlsplit(self.path).path, self.headers, reply, sent)  # fmt: skip


class SiteServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """A threaded HTTP server for one site folder."""

    daemon_threads = True
    allow_reuse_address = True
    #: Connections the kernel holds while they wait to be accepted (the kernel may cap it at
    #: ``net.core.somaxconn``). socketserver's 5 left 90 of 300 simultaneous listeners waiting
    #: 30 s for a connection; each accepted one has a thread of its own.
    request_queue_size = 1024


#: Seconds a connection may sit idle (between or inside requests) before the server closes it.
IDLE_TIMEOUT = 30.0


def make_server(
    site: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    idle_timeout: float = IDLE_TIMEOUT,
    access_log: Any = None,
) -> SiteServer:
    """A server for ``site`` bound to ``host:port`` (port 0 picks a free one), writing a line a
    request to ``access_log`` (a :class:`~podcast.publish.accesslog.AccessLog`) if given.

    A connection idle for ``idle_timeout`` seconds is closed, so idle keep-alive
    connections (or a client that stops sending mid-request) hold no thread for ever.
    """
    root = site.resolve()
    bound = {"root": root, "timeout": idle_timeout, "access_log": access_log}
    handler = type("BoundSiteHandler", (SiteHandler,), bound)
    return SiteServer((host, port), handler)


def url_of(server: SiteServer) -> str:
    """The base URL the server answers on."""
    address, port = server.server_address[:2]
    host = address.decode() if isinstance(address, bytes) else str(address)
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"
