"""What a batch reports: each article's outcome, the counts, the exit status, the JSON report."""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from audio.atomic import write_text
from audio.errors import AudioError
from podcast.core.errors import ExitStatus, PodcastError, os_error_text
from podcast.core.settings import Settings
from voices.errors import VoiceError

_LOGGER = logging.getLogger(__name__)

#: What an article can end as, in the order the report lists them.
STATUSES = ("built", "skipped", "failed", "planned")
#: Longest reason kept for one article's failure.
MAX_REASON = 400


def reason(error: BaseException) -> str:
    """One line saying why an article failed, whatever was raised while reading or building it."""
    if isinstance(error, PodcastError | VoiceError | AudioError):
        text = str(error)
    elif isinstance(error, OSError):
        text = os_error_text(error)
    elif isinstance(error, RecursionError):
        text = "nested too deeply to read"
    else:  # a bug of ours or of a library: still this article's failure alone
        text = f"unexpected {type(error).__name__}: {error}"
        _LOGGER.debug("unexpected error", exc_info=error)
    text = " ".join(text.split()) or type(error).__name__
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


@dataclass
class Outcome:
    """What happened to one article."""

    label: str
    status: str
    """``built``, ``skipped``, ``failed``, or ``planned`` in a dry run."""
    title: str = ""
    guid: str = ""
    reason: str = ""
    seconds: float = 0.0
    audio_seconds: float = 0.0
    sentences: int = 0
    synthesized: int = 0
    coverage: float | None = None
    """Share of the page's article text spoken (the review's coverage)."""
    findings: dict[str, int] = field(default_factory=dict)
    """The review's findings by kind (removed, guessed, readings, sound)."""
    words: list[str] = field(default_factory=list)
    """The words the voice will guess (the report ranks them across articles)."""
    workers: list[str] = field(default_factory=list)
    """The cluster workers that said its new sentences."""


@dataclass
class BatchReport:
    """A batch run: every article's outcome, with reasons and timings."""

    started: datetime
    jobs: int
    outcomes: list[Outcome] = field(default_factory=list)
    finished: datetime | None = None
    source_errors: list[str] = field(default_factory=list)
    interrupted: bool = False
    """Stopped by Ctrl-C or SIGTERM: what was built before it is published, the rest is not."""
    dry_run: bool = False
    """Articles were read and planned; no audio was made and nothing published."""
    cluster: str = ""
    """The Dask cluster the sentences were said on (empty: this machine)."""
    workers: Counter[str] = field(default_factory=Counter)
    """Sentences said, by worker (``local`` for this machine's worker processes)."""
    worker_seconds: dict[str, float] = field(default_factory=dict)
    """Seconds each cluster worker spent saying them."""
    stopped_by: KeyboardInterrupt | None = field(default=None, repr=False, compare=False)
    """What interrupted the run (Ctrl-C, or SIGTERM raised as its subclass)."""

    @property
    def statuses(self) -> tuple[str, ...]:
        """The statuses its articles can have (``planned`` only in a dry run)."""
        return STATUSES if self.dry_run else STATUSES[:3]

    def count(self, status: str) -> int:
        """How many articles ended with ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def exit_status(self) -> ExitStatus:
        """0 when all went well, 3 when some failed, 1 when nothing could be done."""
        failed = self.count("failed") + len(self.source_errors)
        done = self.count("built") + self.count("skipped") + self.count("planned")
        if failed and not done:
            return ExitStatus.ERROR
        return ExitStatus.PARTIAL if failed else ExitStatus.OK

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        finished = self.finished or datetime.now(UTC)
        return {
            "started": self.started.isoformat(),
            "finished": finished.isoformat(),
            "seconds": round((finished - self.started).total_seconds(), 3),
            "jobs": self.jobs,
            "cluster": self.cluster,
            "workers": dict(self.workers),
            "worker_seconds": {w: round(s, 3) for w, s in self.worker_seconds.items()},
            "exit_status": int(self.exit_status),
            "interrupted": self.interrupted,
            "dry_run": self.dry_run,
            "counts": {s: self.count(s) for s in self.statuses},
            "source_errors": self.source_errors,
            **{s: [asdict(o) for o in self.outcomes if o.status == s] for s in self.statuses},
            "findings": {
                kind: sum(o.findings.get(kind, 0) for o in self.outcomes)
                for kind in ("removed", "guessed", "readings", "sound")
            },
            "words_to_check": [
                {"word": word, "articles": count} for word, count in self.words_to_check()
            ],
        }

    def words_to_check(self, limit: int = 50) -> list[tuple[str, int]]:
        """Words the voice will guess, ranked by how many built articles use them."""
        counts: Counter[str] = Counter(w for o in self.outcomes for w in set(o.words))
        return counts.most_common(limit)


class Progress(Protocol):
    """Told about each article as it ends; the CLI shows a bar or log lines."""

    def start(self, total: int) -> None:
        """The batch knows how many articles it has."""

    def update(self, outcome: Outcome, report: BatchReport, total: int) -> None:
        """One article ended."""

    def finish(self, report: BatchReport) -> None:
        """The batch ended."""


class NoProgress:
    """A :class:`Progress` that shows nothing."""

    def start(self, total: int) -> None:
        """Nothing to show."""

    def update(self, outcome: Outcome, report: BatchReport, total: int) -> None:
        """Nothing to show."""

    def finish(self, report: BatchReport) -> None:
        """Nothing to show."""


def write_report(report: BatchReport, settings: Settings, path: Path | None = None) -> Path:
    """Write the JSON report into ``STATE/reports`` (and to ``path`` if given)."""
    data = json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
    stamp = report.started.strftime("%Y%m%dT%H%M%SZ")
    target = path or settings.folders.reports / f"batch-{stamp}-{os.getpid()}.json"
    write_text(target, data)
    return target
