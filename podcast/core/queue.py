"""The service's durable queue of jobs, in the episode store: accepted work survives any kill.

A job is one article to build (``build``, or ``rebuild`` even if unchanged) or one episode to
unpublish (``delete``). Jobs run in the order they came; one that failed for a passing reason
waits (:attr:`Job.not_before`) and the next ones run meanwhile. An article sent again while
its job is still queued replaces that job's content in place (it keeps its place and its id).
Every change is one SQLite statement in autocommit: written before the HTTP answer is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from podcast.core.store import Store

#: A job's states: waiting its turn, being made, done, failed for good.
STATUSES = ("queued", "building", "published", "deleted", "failed")
#: What a job does.
KINDS = ("build", "rebuild", "delete")


def now_text(now: datetime | None = None) -> str:
    """A time as the queue stores it: UTC, ISO 8601, sortable as text."""
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Job:
    """One unit of the service's work."""

    id: int
    kind: str
    """One of :data:`KINDS`."""
    key: str
    """The article's key ('' when its payload could not be read: it fails when it runs)."""
    payload: dict[str, Any]
    """The article in our JSON shape (``build``), or ``{"guid": …}``."""
    source: str
    """Where it came from: ``api``, ``ghost``, ``wordpress``, ``watch:URL``."""
    status: str
    """One of :data:`STATUSES`."""
    attempts: int = 0
    not_before: str = ""
    reason: str = ""
    """Why it failed (or why it waits for a retry)."""
    guid: str = ""
    """The episode it made or removed."""
    created: str = ""
    updated: str = ""

    @classmethod
    def from_row(cls, row: Any) -> Job:
        values = dict(row)
        values["payload"] = json.loads(values["payload"])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """What the API shows of it (not its payload)."""
        return {
            "id": self.id, "kind": self.kind, "status": self.status, "source": self.source,
            "attempts": self.attempts, "reason": self.reason, "guid": self.guid,
            "created": self.created, "updated": self.updated,
        }  # fmt: skip


class JobQueue:
    """The jobs table of ``store``, used from one thread (each thread opens its own store)."""

    def __init__(self, store: Store) -> None:
        self.db = store.db

    def add(self, kind: str, key: str, payload: dict[str, Any], source: str) -> tuple[Job, bool]:
        """Queue a job, or replace the content of the queued job of the same article; returns
        the job and whether it replaced one."""
        stamp = now_text()
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        if key:
            row = self.db.execute(
                "UPDATE jobs SET kind = ?, payload = ?, source = ?, updated = ?, attempts = 0, "
                "not_before = '', reason = '' WHERE key = ? AND status = 'queued' RETURNING *",
                (kind, body, source, stamp, key),
            ).fetchone()
            if row is not None:
                return Job.from_row(row), True
        row = self.db.execute(
            "INSERT INTO jobs (kind, key, payload, source, status, created, updated) "
            "VALUES (?, ?, ?, ?, 'queued', ?, ?) RETURNING *",
            (kind, key, body, source, stamp, stamp),
        ).fetchone()
        return Job.from_row(row), False

    def get(self, job_id: int) -> Job | None:
        row = self.db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return Job.from_row(row) if row else None

    def claim(self, now: datetime | None = None) -> Job | None:
        """The first due queued job, now marked ``building``; None when none is due."""
        row = self.db.execute(
            "UPDATE jobs SET status = 'building', updated = ?, attempts = attempts + 1 "
            "WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND not_before <= ? "
            "ORDER BY id LIMIT 1) RETURNING *",
            (now_text(), now_text(now)),
        ).fetchone()
        return Job.from_row(row) if row else None

    def finish(self, job: Job, status: str, *, guid: str = "", reason: str = "") -> None:
        """Record a job's end (``published``, ``deleted`` or ``failed``). A published job
        keeps only itself of its article's finished jobs (it holds the newest content)."""
        self.db.execute(
            "UPDATE jobs SET status = ?, guid = ?, reason = ?, updated = ? WHERE id = ?",
            (status, guid, reason, now_text(), job.id),
        )
        if status == "published" and job.key:
            self.db.execute(
                "DELETE FROM jobs WHERE key = ? AND id < ? AND status IN ('published', 'failed')",
                (job.key, job.id),
            )

    def retry(self, job: Job, reason: str, after: float) -> None:
        """Put a job that failed for a passing reason back, due in ``after`` seconds."""
        due = now_text(datetime.now(UTC) + timedelta(seconds=after))
        self.db.execute(
            "UPDATE jobs SET status = 'queued', not_before = ?, reason = ?, updated = ? "
            "WHERE id = ?",
            (due, reason, now_text(), job.id),
        )

    def put_back(self, job: Job) -> None:
        """A job the service was stopped in the middle of: queued again, as if never tried."""
        self.db.execute(
            "UPDATE jobs SET status = 'queued', attempts = max(attempts - 1, 0), updated = ? "
            "WHERE id = ? AND status = 'building'",
            (now_text(), job.id),
        )

    def recover(self) -> int:
        """Queue again every job a killed service left ``building``; returns how many."""
        return self.db.execute(
            "UPDATE jobs SET status = 'queued', updated = ? WHERE status = 'building'",
            (now_text(),),
        ).rowcount

    def depth(self) -> int:
        """Jobs queued or being made."""
        row = self.db.execute(
            "SELECT count(*) FROM jobs WHERE status IN ('queued', 'building')"
        ).fetchone()
        return int(row[0])

    def due_soon(self, now: datetime | None = None) -> bool:
        """Whether a queued job is due now (publishing may wait for it)."""
        row = self.db.execute(
            "SELECT 1 FROM jobs WHERE status = 'queued' AND not_before <= ? LIMIT 1",
            (now_text(now),),
        ).fetchone()
        return row is not None

    def latest_article(self, key: str) -> dict[str, Any] | None:
        """The newest article content accepted for ``key`` (what a rebuild makes again)."""
        row = self.db.execute(
            "SELECT payload FROM jobs WHERE key = ? AND kind IN ('build', 'rebuild') "
            "ORDER BY id DESC LIMIT 1",
            (key,),
        ).fetchone()
        return json.loads(row[0]) if row else None
