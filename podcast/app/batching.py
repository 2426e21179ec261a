"""The ``batch`` use case: every article of some sources, then the briefing and retention.

The batch run itself (:func:`podcast.batch.run.run_batch`) publishes as it goes and at its end,
saying which articles a full disk kept from the feeds; this layer chains it with the briefing
and the pruning inside the one lifecycle (:func:`podcast.app.lifecycle.session`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from podcast.app.lifecycle import Stopped, session
from podcast.app.making import BriefingChoice, Made, briefing_in, made_of, selection_of
from podcast.batch.report import BatchReport, Progress
from podcast.core.errors import PodcastError
from podcast.core.settings import Settings
from podcast.publish.prune import Pruned


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs (None: the ``[batch]`` setting)."""

    jobs: int | None = None
    cluster: str | None = None
    force: bool = False
    briefing: bool = False
    """Then make the daily briefing from the newest episodes."""
    dry_run: bool = False
    """Read and plan every article; make and publish nothing."""
    report: Path | None = None
    """Also write the JSON report here."""
    wait: bool = False


@dataclass(frozen=True)
class Batched:
    """What a batch did."""

    report: BatchReport
    briefing: Made | None = None
    no_briefing: str = ""
    """Why there is no briefing, when one was asked for and could not be made."""
    pruned: Pruned | None = None
    feed: Path | None = None


def batch(
    settings: Settings,
    sources: Sequence[str],
    options: BatchOptions = BatchOptions(),
    progress: Progress | None = None,
) -> Batched:
    """Build every article of ``sources``, doing only what is new; then the briefing (when
    asked for) and the retention (``batch.retention``). A stop leaves as
    :class:`~podcast.app.lifecycle.Stopped`, after the report is written."""
    from podcast.batch.report import write_report
    from podcast.batch.run import run_batch
    from podcast.core.cluster_address import ClusterAddress
    from podcast.core.config import parse_age
    from podcast.publish.prune import prune
    from podcast.publish.site import FEED_FILE

    jobs = settings.batch.jobs if options.jobs is None else options.jobs
    cluster = options.cluster or settings.batch.cluster or None
    if cluster:
        ClusterAddress.parse(cluster)  # a bad address fails before the lock is taken
    dry_run = options.dry_run
    # The run publishes as it goes and at its end, and says which articles a full disk kept
    # from the feeds: the session does not publish again (it would fail the batch instead).
    with session(settings, wait=options.wait, publish=False) as here:
        here.backup = not dry_run
        report = run_batch(
            sources, settings, here.store, here.artwork, jobs=jobs, force=options.force,
            progress=progress, publish_every=settings.batch.publish_every,
            dry_run=dry_run, cluster=cluster,
        )  # fmt: skip
        if options.report is not None:
            write_report(report, settings, options.report)
        if report.interrupted:
            raise Stopped(report.stopped_by or KeyboardInterrupt(), report.count("built"))
        made, why = None, ""
        if options.briefing and not dry_run:
            try:
                made = made_of(briefing_in(here, selection_of(settings, BriefingChoice()), None,
                                       prepare=False), settings)  # fmt: skip
                here.publish()
            except PodcastError as error:  # never the batch's failure: its articles stand
                why = str(error)
        pruned = None
        if settings.batch.retention and not dry_run:
            pruned = prune(here.store, settings, here.artwork, parse_age(settings.batch.retention))
    return Batched(report, made, why, pruned, None if dry_run else settings.site / FEED_FILE)
