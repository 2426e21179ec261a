"""Running the service: the one lifecycle (lock → store → signals) around uvicorn and the
service's threads, for as long as it runs.

SIGTERM (or Ctrl-C) stops it as ``build`` stops: uvicorn stops taking requests and lets those
under way finish, the episode being made is dropped cleanly (its job queued again, for the next
start), what was made is published, and the process exits with 143 (or 130).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

from podcast.app.lifecycle import session
from podcast.app.service import Edition
from podcast.core.settings import Settings

_LOGGER = logging.getLogger(__name__)

#: Seconds the requests under way may take to finish once the service is told to stop.
GRACE = 10


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound and listening (port 0: a free one), so the address is known at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def run(
    settings: Settings, *, host: str, port: int, say: Callable[[str], None], wait: bool = False
) -> None:
    """Serve until stopped; ``say`` is told the address once the service takes work;
    ``wait`` waits for a build or batch holding the working folder."""
    import uvicorn

    from podcast.publish.accesslog import AccessLog
    from podcast.service.web import make_app

    with session(settings, wait=wait) as here:
        sock = listening_socket(host, port)
        edition = Edition(settings)
        log = AccessLog(settings.folders.access_log, settings.folders.log_key)
        try:
            edition.start()
            config = uvicorn.Config(
                make_app(edition, log), log_level="warning", access_log=False, lifespan="off",
                timeout_graceful_shutdown=GRACE,
            )  # fmt: skip
            server = uvicorn.Server(config)
            say(url_of(sock))
            server.run(sockets=[sock])
        finally:
            edition.close()
            sock.close()
            log.close()
            here.made = edition.tally.counts[("jobs", "published")]
