"""Events for the newsroom's webhooks, kept in the episode store until each is delivered.

An event is written here in the same process step that makes it (an episode committed, a job
failed); the service's sender delivers what is due, on its own thread, and a failure is tried
again later, waiting twice as long each time. An endpoint that is down never slows a build.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from podcast.core.queue import now_text
from podcast.core.store import Store

#: The longest wait between two deliveries of one event.
MAX_WAIT = 3600.0


@dataclass(frozen=True)
class Event:
    """One event for one endpoint."""

    id: int
    url: str
    event: str
    body: str
    """The JSON body, exactly as it is signed and sent."""
    attempts: int = 0

    @classmethod
    def from_row(cls, row: Any) -> Event:
        return cls(row["id"], row["url"], row["event"], row["body"], row["attempts"])


class Outbox:
    """The outbox table of ``store`` (one thread each)."""

    def __init__(self, store: Store) -> None:
        self.db = store.db

    def add(self, url: str, event: str, body: str) -> None:
        stamp = now_text()
        self.db.execute(
            "INSERT INTO outbox (url, event, body, next_at, created) VALUES (?, ?, ?, ?, ?)",
            (url, event, body, stamp, stamp),
        )

    def due(self, limit: int = 20, now: datetime | None = None) -> list[Event]:
        rows = self.db.execute(
            "SELECT * FROM outbox WHERE status = 'pending' AND next_at <= ? ORDER BY id LIMIT ?",
            (now_text(now), limit),
        ).fetchall()
        return [Event.from_row(row) for row in rows]

    def delivered(self, event: Event) -> None:
        self.db.execute(
            "UPDATE outbox SET status = 'delivered', delivered = ?, attempts = attempts + 1 "
            "WHERE id = ?",
            (now_text(), event.id),
        )

    def failed(self, event: Event, error: str, base: float, attempts: int) -> bool:
        """Record a failed delivery: tried again after ``base`` × 2^attempts seconds (at most
        an hour), or given up after ``attempts``; returns whether it was given up."""
        tried = event.attempts + 1
        if tried >= attempts:
            self.db.execute(
                "UPDATE outbox SET status = 'given-up', attempts = ?, last_error = ? WHERE id = ?",
                (tried, error, event.id),
            )
            return True
        wait = min(base * 2 ** (tried - 1), MAX_WAIT)
        self.db.execute(
            "UPDATE outbox SET attempts = ?, last_error = ?, next_at = ? WHERE id = ?",
            (tried, error, now_text(datetime.now(UTC) + timedelta(seconds=wait)), event.id),
        )
        return False

    def next_due(self) -> datetime | None:
        """When the next pending event is due (None when none is pending)."""
        row = self.db.execute("SELECT min(next_at) FROM outbox WHERE status = 'pending'").fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def pending(self) -> int:
        row = self.db.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()
        return int(row[0])
