"""Access logs, read: each line a :class:`Request`, whatever wrote it.

- The combined format (nginx's ``combined``, Apache's ``%h %l %u %t "%r" %>s %b "%{Referer}i"
  "%{User-Agent}i"``), optionally with one more quoted field: the ``Content-Range`` the server
  sent (nginx: ``"$sent_http_content_range"``), which ``serve`` and ``service`` write too, so
  the ranges of one download are joined by where they are, not only by their sizes.
- Caddy's JSON access log (``"logger": "http.log.access…"``; ``ts`` a number or a time).
- Either, gzip-compressed (a rotated ``access.log.2.gz``), found by its first bytes.

A line none of them reads is counted, never fatal: :class:`Lines` says how many were skipped.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from podcast.core.errors import StatsError


@dataclass(frozen=True)
class Request:
    """One request, as a log line tells it."""

    when: datetime
    """UTC-aware."""
    client: str
    """The address the log gives (or the pseudonym ``serve`` writes in its place)."""
    method: str
    path: str
    """The URL's path, without its query."""
    status: int
    sent: int
    """Bytes of the body sent."""
    user_agent: str
    referrer: str = ""
    range: tuple[int, int] | None = None
    """(first, last) byte sent, when the log says where (a ``Content-Range``, or a ``Range``
    asked for); None when it gives only a size."""


_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_COMBINED = re.compile(
    r"(\S+) \S+ \S+ \[([^\]]+)\] " + _QUOTED + r" (\d{3}) (\d+|-)"
    rf"(?: {_QUOTED} {_QUOTED}(?: {_QUOTED})?)?\s*$"
)
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)
_RANGE = re.compile(r"bytes=(\d+)-(\d*)$", re.IGNORECASE)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text) if "\\" in text else text


def _path_of(target: str) -> str:
    return target.split("?", 1)[0].split("#", 1)[0]


def parse_combined(line: str) -> Request | None:
    """A combined-format line (with an optional ``Content-Range`` field); None if it is not."""
    found = _COMBINED.match(line)
    if found is None:
        return None
    client, stamp, request, status, sent, referrer, agent, served = found.groups()
    parts = _unescape(request).split()
    if len(parts) < 2:
        return None
    try:
        when = datetime.strptime(stamp, "%d/%b/%Y:%H:%M:%S %z").astimezone(UTC)
    except ValueError:
        return None
    where = _CONTENT_RANGE.match(served or "")
    return Request(
        when=when,
        client=client,
        method=parts[0].upper(),
        path=_path_of(parts[1]),
        status=int(status),
        sent=0 if sent == "-" else int(sent),
        user_agent=_unescape(agent or ""),
        referrer="" if referrer in (None, "-") else _unescape(referrer),
        range=(int(where.group(1)), int(where.group(2))) if where else None,
    )


def _header(headers: object, name: str) -> str:
    if not isinstance(headers, dict):
        return ""
    for key, value in headers.items():
        if str(key).lower() == name.lower():
            return str(value[0] if isinstance(value, list) and value else value)
    return ""


def parse_caddy(line: str) -> Request | None:
    """A line of Caddy's JSON access log; None if it is not one."""
    try:
        entry = json.loads(line)
        request = entry["request"]
        stamp = entry["ts"]
        if isinstance(stamp, int | float):
            when = datetime.fromtimestamp(float(stamp), UTC)
        else:
            when = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).astimezone(UTC)
        status, sent = int(entry["status"]), int(entry.get("size", 0))
        client = str(request.get("client_ip") or request["remote_ip"])
        method, uri = str(request["method"]).upper(), str(request["uri"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    span = None
    served = _CONTENT_RANGE.match(_header(entry.get("resp_headers"), "Content-Range"))
    asked = _RANGE.match(_header(request.get("headers"), "Range").strip())
    if served:
        span = (int(served.group(1)), int(served.group(2)))
    elif asked and status == 206 and sent:
        span = (int(asked.group(1)), int(asked.group(1)) + sent - 1)
    return Request(
        when=when,
        client=client,
        method=method,
        path=_path_of(uri),
        status=status,
        sent=sent,
        user_agent=_header(request.get("headers"), "User-Agent"),
        referrer=_header(request.get("headers"), "Referer"),
        range=span,
    )


def parse_line(line: str) -> Request | None:
    """A line of any log this reads; None for one it cannot."""
    text = line.strip()
    if not text:
        return None
    if text.startswith("{"):
        return parse_caddy(text)
    return parse_combined(text)


@dataclass
class Lines:
    """The requests of some logs, read lazily, and a count of the lines none could read."""

    paths: tuple[Path, ...]
    read: int = 0
    skipped: int = 0

    def __iter__(self) -> Iterator[Request]:
        for path in self.paths:
            for line in _lines(path):
                self.read += 1
                request = parse_line(line)
                if request is None:
                    self.skipped += 1
                else:
                    yield request


def _lines(path: Path) -> Iterable[str]:
    try:
        with path.open("rb") as handle:
            compressed = handle.read(2) == b"\x1f\x8b"
        if compressed:
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as text:
                yield from text
        else:
            with path.open(encoding="utf-8", errors="replace") as text:
                yield from text
    except (OSError, EOFError) as error:
        reason = getattr(error, "strerror", None) or error
        raise StatsError(f"cannot read the log {path}: {reason}") from None
