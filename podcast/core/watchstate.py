"""What the service knows of each feed it watches: validators for conditional GET, backoff
after failures, and a fingerprint of every item seen (only new and changed items are queued)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from podcast.core.queue import now_text
from podcast.core.store import Store


@dataclass(frozen=True)
class FeedState:
    """One watched feed."""

    url: str
    etag: str = ""
    modified: str = ""
    """The ``Last-Modified`` the feed last sent, for ``If-Modified-Since``."""
    failures: int = 0
    """Polls that failed in a row."""
    next_at: str = ""
    """When it is polled next."""
    last_error: str = ""
    checked: str = ""
    """When it was last polled."""


class WatchState:
    """The watch tables of ``store`` (one thread each)."""

    def __init__(self, store: Store) -> None:
        self.db = store.db

    def feed(self, url: str) -> FeedState:
        row = self.db.execute("SELECT * FROM watched_feeds WHERE url = ?", (url,)).fetchone()
        return FeedState(**dict(row)) if row else FeedState(url)

    def feeds(self) -> list[FeedState]:
        return [FeedState(**dict(r)) for r in self.db.execute("SELECT * FROM watched_feeds")]

    def polled(self, state: FeedState, interval: float, *, etag: str, modified: str) -> None:
        """A poll that worked: the validators kept, the next poll in ``interval`` seconds."""
        self._save(state.url, etag, modified, 0, interval, "")

    def failed(self, state: FeedState, interval: float, error: str) -> float:
        """A poll that failed: the next waits twice as long each time (at most a day);
        returns the wait."""
        failures = state.failures + 1
        wait = float(min(interval * 2**failures, 86400.0))
        self._save(state.url, state.etag, state.modified, failures, wait, error)
        return wait

    def _save(
        self, url: str, etag: str, modified: str, failures: int, wait: float, error: str
    ) -> None:
        stamp = datetime.now(UTC)
        self.db.execute(
            "INSERT OR REPLACE INTO watched_feeds VALUES (?, ?, ?, ?, ?, ?, ?)",
            (url, etag, modified, failures, now_text(stamp + timedelta(seconds=wait)), error,
             now_text(stamp)),
        )  # fmt: skip

    def fingerprints(self, feed: str) -> dict[str, str]:
        rows = self.db.execute(
            "SELECT item, fingerprint FROM watched_items WHERE feed = ?", (feed,)
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    def seen(self, feed: str, item: str, fingerprint: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO watched_items VALUES (?, ?, ?)", (feed, item, fingerprint)
        )
