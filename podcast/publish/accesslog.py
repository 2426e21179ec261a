"""The access log ``serve`` and ``service`` write, for ``stats`` to count listeners from.

The combined format, as nginx and Apache write it, and one more quoted field: the
``Content-Range`` sent, so the ranges of one download are joined where they are. In place of
the address: ``k`` and a keyed hash (HMAC-SHA256, cut to 16 hex digits) of the address, an
IPv6 address cut to its /64 first. The key is made once in the state folder and never shown:
the log can tell one listener from another, as the IAB count needs, and cannot be read back to
an address.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path


def network(address: str) -> str:
    """The address a listener is known by: an IPv6 address's /64 (one home, one phone, its
    privacy addresses changing), an IPv4 address whole, anything else as it is."""
    try:
        parsed = ipaddress.ip_address(address.strip("[]").split("%")[0])
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(parsed) >> 64 << 64, 64)))
    return str(parsed)


def _quoted(text: str) -> str:
    return '"' + (text or "-").replace("\\", "\\\\").replace('"', '\\"') + '"'


def combined_line(
    when: datetime,
    client: str,
    method: str,
    path: str,
    status: int,
    sent: int,
    referrer: str,
    user_agent: str,
    served: tuple[int, int] | None,
) -> str:
    """One line of the combined format, with the ``Content-Range`` sent as a last field."""
    stamp = when.astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
    content_range = f"bytes {served[0]}-{served[1]}/*" if served else "-"
    return (
        f"{client} - - [{stamp}] {_quoted(f'{method} {path} HTTP/1.1')} {status} {sent} "
        f"{_quoted(referrer)} {_quoted(user_agent)} {_quoted(content_range)}"
    )


class AccessLog:
    """Appends a line a request to ``path`` (thread-safe); the key is read from, or made at,
    ``key_path``."""

    def __init__(self, path: Path, key_path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.key = _key(key_path)
        self.lock = threading.Lock()
        self.handle = path.open("a", encoding="utf-8", buffering=1)

    def pseudonym(self, address: str) -> str:
        digest = hmac.new(self.key, network(address).encode(), hashlib.sha256).hexdigest()
        return "k" + digest[:16]

    def write(
        self,
        address: str,
        method: str,
        path: str,
        status: int,
        sent: int,
        referrer: str = "",
        user_agent: str = "",
        served: tuple[int, int] | None = None,
    ) -> None:
        text = combined_line(datetime.now(UTC), self.pseudonym(address), method, path, status,
                             sent, referrer, user_agent, served)  # fmt: skip
        with self.lock:
            if not self.handle.closed:
                self.handle.write(text + "\n")

    def close(self) -> None:
        with self.lock:
            self.handle.close()


def _key(path: Path) -> bytes:
    try:
        key = path.read_bytes()
        if len(key) >= 16:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key
