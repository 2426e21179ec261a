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

import concurrent.futures as futures
import contextlib
import functools
import logging
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, cast

from podcast.errors import PublishError
from podcast.make.build import Plan, Rendered
from podcast.make.ownership import check_site_is_ours, published_guids
from podcast.make.pool import LocalPool, SynthesisPool, default_jobs
from podcast.make.report import BatchReport, NoProgress, Outcome, Progress, reason, write_report
from podcast.make.runner import ArticleRunner, RenderJob
from podcast.publish.artwork import Artwork
from podcast.publish.site import needs_publish, publish
from podcast.read.model import Article
from podcast.read.sources import ImageFetcher, SourceError, SourceItem, expand
from podcast.settings import Settings
from podcast.store import Store
from voices.synth import Synthesizer

_LOGGER = logging.getLogger(__name__)

#: Sentences handed to a worker process at a time.
CHUNK = 6


def _fail(label: str, error: BaseException, started: float, title: str = "") -> Outcome:
    return Outcome(label, "failed", title, reason=reason(error), seconds=time.monotonic() - started)


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
            outcome = _fail(item.label, error, started)
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
            outcome = _fail(label, error, started)
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
    of a Dask cluster (:mod:`podcast.make.cluster`); everything else stays in this process.
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
        from podcast.make.cluster import ClusterPool

        pool = ClusterPool.connect(cluster, settings)  # a one-line error before any work
    if expand_source is None:  # one image fetcher, so one budget, for the whole batch
        images = ImageFetcher(private=settings.batch.private_images)
        expand_source = functools.partial(expand, images=images, read=settings.read)
    items = _expand(sources, expand_source, report)
    total = len(items)
    progress.start(total)
    run = _Run(runner, report, progress, total, publish_every)
    try:
        plans = _load(items, runner, report, progress, total, None if dry_run else store)
        todo = _todo(plans, runner, report, progress, total, force)
        if dry_run:
            for the_plan in todo:
                run.record(Outcome(the_plan.article.source, "planned", the_plan.article.title))
        elif todo and pool is not None:
            _run_pool(todo, run, pool, default_jobs())
        elif todo and jobs <= 1:
            _run_here(todo, run)
        elif todo:
            local = LocalPool(settings, jobs)
            _run_pool(todo, run, local, local.size)
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
    if not dry_run and not report.interrupted:
        store.backup()
    return report


def _publish_at_the_end(
    report: BatchReport, store: Store, settings: Settings, artwork: Artwork
) -> None:
    """Publish what the batch built; when the site cannot be written (a full disk), every
    episode built but not in the published feeds is that article's failure, with the reason,
    and the error is the report's: the store keeps them, and the next run publishes them."""
    try:
        publish(store, settings, artwork)
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


@dataclass
class _Run:
    """What one batch shares between its articles: the runner, where outcomes go, and how
    many episodes were committed."""

    runner: ArticleRunner
    report: BatchReport
    progress: Progress
    total: int
    publish_every: int
    committed: int = 0

    def record(self, outcome: Outcome) -> None:
        self.report.outcomes.append(outcome)
        self.progress.update(outcome, self.report, self.total)

    def finish(
        self,
        the_plan: Plan,
        rendered: Rendered | None,
        error: BaseException | None,
        started: float,
        synthesized: int | None = None,
        workers: list[str] | None = None,
    ) -> None:
        """Commit a finished render (or record its failure); publish every few episodes."""
        article = the_plan.article
        if error is None and rendered is not None:
            with _signals_held():  # committed and counted, or neither: the report tells the truth
                try:
                    episode = self.runner.commit(rendered)
                except Exception as commit_error:  # noqa: BLE001 - this article's failure alone
                    error = commit_error
                else:
                    self.committed += 1
                    review = rendered.review
                    self.record(Outcome(
                        article.source, "built", article.title, episode.guid,
                        seconds=time.monotonic() - started, audio_seconds=episode.duration,
                        sentences=len(rendered.cues),
                        synthesized=rendered.synthesized if synthesized is None else synthesized,
                        coverage=review.coverage, findings=review.counts,
                        words=[w.word for w in review.guessed], workers=workers or [],
                    ))  # fmt: skip
            if error is None:
                if self.publish_every and self.committed % self.publish_every == 0:
                    runner = self.runner
                    try:
                        publish(runner.store, runner.settings, runner.artwork)
                    except PublishError as publish_error:  # a full site disk: go on, say so
                        _LOGGER.warning("cannot publish yet: %s", publish_error)
                return
        assert error is not None
        self.record(_fail(article.source, error, started, article.title))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while this block runs on the main thread, and act on them
    as it ends: an interruption between an episode's commit and its outcome left it published
    and uncounted ("1 episode(s) published" over a feed of 2). The handlers are swapped, not
    the signal mask: a signal sent to the process may reach any of its threads."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous: dict[int, Any] = {
        number: signal.signal(number, lambda n, _: caught.append(n)) for number in held
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if caught:
            handler = previous[caught[0]]
            if callable(handler):
                handler(caught[0], None)  # KeyboardInterrupt, or the CLI's Terminated
            elif handler == signal.SIG_DFL:
                signal.raise_signal(caught[0])


def _run_here(todo: list[Plan], run: _Run) -> None:
    for the_plan in todo:
        started = time.monotonic()
        try:
            rendered = run.runner.render(run.runner.job(the_plan))
        except Exception as error:  # noqa: BLE001 - this article's failure alone
            run.finish(the_plan, None, error, started)
            continue
        run.finish(the_plan, rendered, None, started)


def _run_pool(todo: list[Plan], run: _Run, pool: SynthesisPool, renderers_count: int) -> None:
    renderers = futures.ThreadPoolExecutor(renderers_count)
    cancel = threading.Event()
    rendering: dict[futures.Future[Any], int] = {}
    try:
        _schedule(todo, run, pool, renderers, rendering, cancel)
    finally:
        cancel.set()
        pool.close()
        renderers.shutdown(wait=True, cancel_futures=True)
        for future in rendering:  # renders finished but not committed: dropped
            if future.done() and not future.cancelled() and future.exception() is None:
                result = future.result()
                if isinstance(result, Rendered):  # a cluster's renders left nothing here
                    shutil.rmtree(result.work, ignore_errors=True)
        run.report.workers.update(pool.workers)
        for worker, seconds in pool.seconds.items():
            run.report.worker_seconds[worker] = run.report.worker_seconds.get(worker, 0.0) + seconds


#: How often the scheduler looks whether the pool can still work, when nothing finishes.
POOL_CHECK = 1.0


def _schedule(
    todo: list[Plan],
    run: _Run,
    pool: SynthesisPool,
    renderers: futures.ThreadPoolExecutor,
    rendering: dict[futures.Future[Any], int],
    cancel: threading.Event,
) -> None:
    """Send every uncached sentence to the pool once; render each article when its are cached.

    When the pool's workers render (a cluster), only the sentences several articles share
    are sent on their own (said once for all); each article then goes to a worker whole,
    with the sentences the batch has, and comes back as files to commit.
    """
    remote = pool.renders
    inflight: dict[str, futures.Future[Any]] = {}
    keys_of: dict[futures.Future[Any], list[str]] = {}
    settled: dict[futures.Future[Any], str | BaseException] = {}
    waiting: dict[int, set[futures.Future[Any]]] = {}
    started: dict[int, float] = {}
    own: dict[int, set[futures.Future[Any]]] = {}  # what each article sent to the pool
    jobs: dict[int, RenderJob] = {}
    shared: Counter[str] = Counter()
    if remote:
        for the_plan in todo:
            synth = run.runner.synthesizers(the_plan.voice)
            shared.update({synth.cache_key(s.spoken) for _, s in the_plan.script.sentences()})
    for index, the_plan in enumerate(todo):
        synth = run.runner.synthesizers(the_plan.voice)
        started[index] = time.monotonic()
        needed: dict[str, str] = {}
        deps: set[futures.Future[Any]] = set()
        for _, sentence in the_plan.script.sentences():
            key = synth.cache_key(sentence.spoken)
            if key in inflight:
                deps.add(inflight[key])
            elif key not in needed and not (synth.cache is not None and synth.cache.has(key)):
                if remote and shared[key] < 2:
                    continue  # said by the worker that renders the article
                needed[key] = sentence.spoken
        chunks = list(needed.items())
        own[index] = set()
        for start in range(0, len(chunks), CHUNK):
            chunk = chunks[start : start + CHUNK]
            future = pool.submit(the_plan.voice, [spoken for _, spoken in chunk])
            keys_of[future] = [key for key, _ in chunk]
            for key, _ in chunk:
                inflight[key] = future
            deps.add(future)
            own[index].add(future)
        waiting[index] = deps

    def settle(future: futures.Future[Any], index: int) -> str | BaseException:
        if future not in settled:
            synth = run.runner.synthesizers(todo[index].voice)
            try:
                settled[future] = pool.settle(future, keys_of[future], synth)
            except Exception as error:  # noqa: BLE001 - the articles that need it fail
                settled[future] = error
        return settled[future]

    def launch_ready() -> None:
        for index in [i for i, deps in waiting.items() if all(d.done() for d in deps)]:
            deps = waiting.pop(index)
            results = [settle(d, index) for d in deps]
            failed = next((r for r in results if isinstance(r, BaseException)), None)
            if failed is not None:
                run.finish(todo[index], None, failed, started[index])
                continue
            job = jobs[index] = run.runner.job(todo[index])
            if remote:
                audio = _cached_audio(todo[index], run.runner.synthesizers(todo[index].voice))
                rendering[pool.submit_render(job, audio, run.runner.artwork)] = index
            else:
                rendering[renderers.submit(run.runner.render, job, cancel=cancel)] = index

    def fail_waiting(error: BaseException) -> None:
        for index in list(waiting):
            waiting.pop(index)
            run.finish(todo[index], None, error, started[index])

    keeping: dict[futures.Future[Any], tuple[int, list[str]]] = {}

    def finished_render(future: futures.Future[Any], index: int) -> None:
        error = future.exception()
        said = [settled.get(f) for f in own[index]]
        workers = sorted({w for w in said if isinstance(w, str)})
        synthesized: int | None = len([k for f in own[index] for k in keys_of[f]])
        rendered = None
        if error is None and remote:
            # What the worker sent is kept (cache, files, review) on a thread; the commit, on
            # this one: one batch process keeps up with more workers so.
            synth = run.runner.synthesizers(todo[index].voice)
            kept = renderers.submit(pool.settle_render, future, jobs[index], synth)
            keeping[kept] = (index, workers)
            return
        if error is None:
            rendered = cast(Rendered, future.result())
        run.finish(todo[index], rendered, error, started[index], synthesized, workers)

    def kept(future: futures.Future[Any]) -> None:
        index, workers = keeping.pop(future)
        try:
            rendered, worker = future.result()
        except Exception as error:  # noqa: BLE001 - this article's failure alone
            run.finish(todo[index], None, error, started[index], None, workers)
            return
        run.finish(todo[index], rendered, None, started[index], None, sorted({*workers, worker}))

    launch_ready()
    while waiting or rendering or keeping:
        pending: set[futures.Future[Any]] = {
            d for deps in waiting.values() for d in deps if not d.done()
        }
        pending |= set(rendering) | set(keeping)
        finished: set[futures.Future[Any]] = futures.wait(
            pending, timeout=POOL_CHECK, return_when=futures.FIRST_COMPLETED
        )[0]
        if not finished and (waiting or (remote and rendering)):
            try:
                pool.check()
            except Exception as lost:  # noqa: BLE001 - every article still waiting fails with it
                fail_waiting(lost)
                for future in list(rendering):
                    if remote and not future.done():
                        future.cancel()
                        lost_index = rendering.pop(future)
                        run.finish(todo[lost_index], None, lost, started[lost_index])
        for future in finished:
            if future in rendering:
                finished_render(future, rendering.pop(future))
            elif future in keeping:
                kept(future)
        launch_ready()


def _cached_audio(the_plan: Plan, synth: Synthesizer) -> dict[str, bytes]:
    """The 16-bit samples of each of the plan's sentences the sentence cache holds, by key."""
    audio = {}
    for _, sentence in the_plan.script.sentences():
        key = synth.cache_key(sentence.spoken)
        pcm = synth.cache.get_pcm(key) if synth.cache is not None else None
        if pcm is not None:
            audio[key] = pcm
    return audio
