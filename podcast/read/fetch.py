"""Fetching a feed or an image over HTTP: http(s) only, redirects only to http(s), within one
deadline for the whole exchange and a size limit, and (for images) only from public addresses."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from podcast.core.errors import PodcastError

#: Largest feed or manifest fetched or read.
MAX_SOURCE_BYTES = 50 * 1024 * 1024


#: Seconds to wait for a feed URL.
FETCH_TIMEOUT = 30.0


class SourceError(PodcastError):
    """A batch source cannot be read at all."""


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


@dataclass(frozen=True)
class Fetched:
    """What a GET answered."""

    status: int
    """200, or 304 when the validators sent say it has not changed (no body then)."""
    body: bytes = b""
    etag: str = ""
    modified: str = ""
    """Its ``Last-Modified``, as sent."""


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
    return fetch_if_changed(url, timeout=timeout, limit=limit, public_only=public_only).body


def fetch_if_changed(
    url: str,
    *,
    etag: str = "",
    modified: str = "",
    timeout: float = FETCH_TIMEOUT,
    limit: int = MAX_SOURCE_BYTES,
    public_only: bool = False,
) -> Fetched:
    """:func:`fetch`, conditional on the validators a previous answer gave (``If-None-Match``,
    ``If-Modified-Since``): an unchanged resource costs one ``304 Not Modified``."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceError(f"{url}: only http and https sources are fetched")
    headers = {"User-Agent": "audio-edition"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    request = urllib.request.Request(url, headers=headers)
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
                answered = response.headers
                while size <= limit and not deadline.expired:
                    chunk = response.read1(min(64 * 1024, limit + 1 - size))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
        except SourceError:
            raise
        except urllib.error.HTTPError as error:
            if error.code == 304 and (etag or modified):
                return Fetched(304, b"", error.headers.get("ETag") or etag,
                               error.headers.get("Last-Modified") or modified)  # fmt: skip
            raise SourceError(f"{url}: cannot fetch: HTTP {error.code} {error.reason}") from None
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
    return Fetched(200, b"".join(chunks), answered.get("ETag") or "",
                   answered.get("Last-Modified") or "")  # fmt: skip
