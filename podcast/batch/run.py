"""The nightly batch: only new work, spread over processes, safe to kill and run again.

Articles are loaded and planned first (cheap); unchanged ones are skipped.
With more than one job, the sentences no cache holds are synthesised by a
pool of worker processes (each with ``cores // jobs`` onnxruntime threads, so
threads × processes never exceeds the cores), deduplicated across articles;
as soon as an article's sentences are all cached its assembly and mastering
run on a thread (ffmpeg does the work), and the main process commits each
finished episode to the store and publishes the feeds every few episodes and
at the end. Every file reaches the site by rename, so a kill at any moment
leaves the published site valid, and the next run resumes: finished articles
are skipped and synthesised sentences come from the cache.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from podcast.batch.pool import LocalPool, SynthesisPool, default_jobs
from podcast.batch.report import BatchReport, NoProgress, Outcome, Progress, reason, write_report
from podcast.batch.schedule import BatchRun, failed, run_here, run_pool
from podcast.core.errors import PublishError
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.make.plan import Plan
from podcast.make.runner import ArticleRunner
from podcast.publish.artwork import Artwork
from podcast.publish.ownership import check_site_is_ours, published_guids
from podcast.publish.site import needs_publish, publish
from podcast.read.fetch import SourceError
from podcast.read.model import Article
from podcast.read.sources import ImageFetcher, SourceItem, expand

_LOGGER = logging.getLogger(__name__)


def _load(
    items: Sequence[SourceItem],
    runner: ArticleRunner,
    report: BatchReport,
    progress: Progress,
    total: int,
    store: Store | None = None,
) -> list[Plan]:
    """Read every item, take each site's own furniture out (paragraphs its articles repeat:
    :mod:`podcast.read.furniture`, with what the store saw before, and the store told of these
    when ``store`` is given), then plan each article."""
    from podcast.read.furniture import learn_and_strip

    loaded: list[tuple[str, Article]] = []
    for item in items:
        started = time.monotonic()
        try:
            loaded.append((item.label, item.load()))
        except Exception as error:  # noqa: BLE001 - whatever one article raises is its own failure
            outcome = failed(item.label, error, started)
            report.outcomes.append(outcome)
            progress.update(outcome, report, total)
    identities = [article.url or article.source or label for label, article in loaded]
    stripped = learn_and_strip(
        zip(identities, (article for _, article in loaded), strict=True),
        store.site_paragraphs if store is not None else None,
        store.remember_paragraphs if store is not None else None,
    )
    plans = []
    for identity, (label, article) in zip(identities, loaded, strict=True):
        started = time.monotonic()
        try:
            plans.append(runner.plan(stripped.get(identity, article)))
        except Exception as error:  # noqa: BLE001 - whatever one article raises is its own failure
            outcome = failed(label, error, started)
            report.outcomes.append(outcome)
            progress.update(outcome, report, total)
    return plans


def _expand(
    sources: Sequence[str], expand_source: Callable[[str], list[SourceItem]], report: BatchReport
) -> list[SourceItem]:
    items: list[SourceItem] = []
    for source in sources:
        try:
            items += expand_source(source)
        except Exception as error:  # noqa: BLE001 - one bad source never stops the others
            report.source_errors.append(
                str(error) if isinstance(error, SourceError) else f"{source}: {reason(error)}"
            )
            _LOGGER.error("%s", report.source_errors[-1])
    return items


def run_batch(
    sources: Sequence[str],
    settings: Settings,
    store: Store,
    artwork: Artwork,
    *,
    jobs: int = 0,
    force: bool = False,
    progress: Progress | None = None,
    publish_every: int = 10,
    expand_source: Callable[[str], list[SourceItem]] | None = None,
    dry_run: bool = False,
    cluster: str | None = None,
    synthesis: SynthesisPool | None = None,
) -> BatchReport:
    """Build every article of ``sources``; see the module docstring for how.

    Whatever one article raises while it is read or built is that article's failure. Ctrl-C
    (KeyboardInterrupt) stops the run: queued work is cancelled, running work dropped, and
    what was built before is published; the report says ``interrupted``. With ``dry_run``
    every article is read and planned, and nothing is made or published. With ``cluster``
    (``local``, ``local:N`` or ``tcp://HOST:PORT``) the sentences are said by the workers
    of a Dask cluster (:mod:`podcast.batch.cluster`); everything else stays in this process.
    ``synthesis`` is a pool to use instead (``bench/cluster.py`` passes simulated workers).
    """
    jobs = jobs or default_jobs()
    progress = progress or NoProgress()
    report = BatchReport(started=datetime.now(UTC), jobs=jobs, dry_run=dry_run,
                         cluster=cluster or "")  # fmt: skip
    if dry_run:
        check_site_is_ours(store, settings)
    runner = ArticleRunner(settings, store, artwork, prepare=not dry_run)
    pool: SynthesisPool | None = synthesis
    if cluster and not dry_run:
        from podcast.batch.cluster import ClusterPool

        pool = ClusterPool.connect(cluster, settings)  # a one-line error before any work
    if expand_source is None:  # one image fetcher, so one budget, for the whole batch
        images = ImageFetcher(private=settings.batch.private_images)
        expand_source = functools.partial(expand, images=images, read=settings.read)
    items = _expand(sources, expand_source, report)
    total = len(items)
    progress.start(total)
    run = BatchRun(runner, report, progress, total, publish_every)
    try:
        plans = _load(items, runner, report, progress, total, None if dry_run else store)
        todo = _todo(plans, runner, report, progress, total, force)
        if dry_run:
            for the_plan in todo:
                run.record(Outcome(the_plan.article.source, "planned", the_plan.article.title))
        elif todo and pool is not None:
            run_pool(todo, run, pool, default_jobs())
        elif todo and jobs <= 1:
            run_here(todo, run)
        elif todo:
            local = LocalPool(settings, jobs)
            run_pool(todo, run, local, local.size)
    except KeyboardInterrupt as stop:
        report.interrupted = True
        report.stopped_by = stop
        # Every render of this run has ended (the pool waited for them): a work folder left
        # now is one the interruption caught between its render and its commit. Drop it.
        settings.folders.sweep_leftovers()
        _LOGGER.info("interrupted: %d episode(s) built before it", run.committed)
    finally:
        if pool is not None:
            pool.close()
        if not dry_run and (run.committed or needs_publish(store, settings)):
            _publish_at_the_end(report, store, settings, artwork)
        report.finished = datetime.now(UTC)
        progress.finish(report)
        write_report(report, settings)
    return report


def _publish_at_the_end(
    report: BatchReport, store: Store, settings: Settings, artwork: Artwork
) -> None:
    """Publish what the batch built; when the site cannot be written (a full disk), every
    episode built but not in the published feeds is that article's failure, with the reason,
    and the error is the report's: the store keeps them, and the next run publishes them."""
    try:
        publish(store, settings, artwork, full=True)  # and so repair and sweep the whole site
    except PublishError as error:
        try:
            listed = published_guids(settings.site)
        except PublishError:
            listed = set()
        for index, outcome in enumerate(report.outcomes):
            if outcome.status == "built" and outcome.guid not in listed:
                report.outcomes[index] = replace(
                    outcome, status="failed",
                    reason=f"built, but not published: {error}; the next run publishes it",
                )  # fmt: skip
        report.source_errors.append(f"cannot publish: {error}")


def _todo(
    plans: list[Plan],
    runner: ArticleRunner,
    report: BatchReport,
    progress: Progress,
    total: int,
    force: bool,
) -> list[Plan]:
    """The plans to build: unchanged articles are skipped, an article given twice fails."""
    todo: list[Plan] = []
    seen: set[str] = set()
    for the_plan in plans:
        key = the_plan.article.key
        existing = None if force else runner.current(the_plan)
        if key in seen:
            outcome = Outcome(the_plan.article.source, "failed", the_plan.article.title,
                              reason=f"the same article ({key}) appears twice in this batch")  # fmt: skip
        elif existing is not None:
            outcome = Outcome(the_plan.article.source, "skipped", existing.title, existing.guid,
                              audio_seconds=existing.duration)  # fmt: skip
        else:
            todo.append(the_plan)
            seen.add(key)
            continue
        seen.add(key)
        report.outcomes.append(outcome)
        progress.update(outcome, report, total)
    return todo
