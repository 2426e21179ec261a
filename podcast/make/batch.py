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
import json
import logging
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

from audio.errors import AudioError
from podcast.errors import ExitStatus, PodcastError, os_error_text
from podcast.fsutil import atomic_write_text
from podcast.make.build import Plan, Rendered
from podcast.make.ownership import check_site_is_ours
from podcast.make.runner import ArticleRunner, Synthesizers
from podcast.publish.artwork import Artwork
from podcast.publish.site import needs_publish, publish
from podcast.read.sources import SourceError, SourceItem, expand
from podcast.settings import Settings
from podcast.store import Store
from voices.catalogue import VoiceInfo
from voices.errors import VoiceError

_LOGGER = logging.getLogger(__name__)

#: Sentences handed to a worker process at a time.
CHUNK = 6
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


def default_jobs() -> int:
    """One job per core."""
    return os.cpu_count() or 1


def threads_per_job(jobs: int) -> int:
    """onnxruntime threads for each of ``jobs`` processes, so that threads × processes ≤ cores."""
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


# -- worker processes ----------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}
#: How often a worker looks whether the batch that started it is still there.
PARENT_POLL = 0.5


def _die_with_parent(parent: int) -> None:
    """In a worker: exit at once when the batch process dies, however it dies.

    Linux's ``PR_SET_PDEATHSIG`` sends SIGKILL when the parent goes; a thread that
    watches ``getppid`` covers other systems and the moment before the call.
    """
    import ctypes
    import threading

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _init_worker(settings: Settings, threads: int, parent: int) -> None:
    # Ctrl-C on a terminal reaches the whole process group: the batch decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    _WORKER["synthesizers"] = Synthesizers(settings, threads)


def _synthesize(voice: VoiceInfo, spoken: Sequence[str]) -> int:
    """In a worker: say each sentence into the shared cache; returns how many were synthesised."""
    synth = _WORKER["synthesizers"](voice)
    before = synth.cache.misses
    for sentence in spoken:
        synth.synthesize(sentence)
    return int(synth.cache.misses - before)


# -- the batch -----------------------------------------------------------------------------------


def _fail(label: str, error: BaseException, started: float, title: str = "") -> Outcome:
    return Outcome(label, "failed", title, reason=reason(error), seconds=time.monotonic() - started)


def _load(
    items: Sequence[SourceItem],
    runner: ArticleRunner,
    report: BatchReport,
    progress: Progress,
    total: int,
) -> list[Plan]:
    plans = []
    for item in items:
        started = time.monotonic()
        try:
            article = item.load()
            plans.append(runner.plan(article))
        except Exception as error:  # noqa: BLE001 - whatever one article raises is its own failure
            outcome = _fail(item.label, error, started)
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
    expand_source: Callable[[str], list[SourceItem]] = expand,
    dry_run: bool = False,
) -> BatchReport:
    """Build every article of ``sources``; see the module docstring for how.

    Whatever one article raises while it is read or built is that article's failure. Ctrl-C
    (KeyboardInterrupt) stops the run: queued work is cancelled, running work dropped, and
    what was built before is published; the report says ``interrupted``. With ``dry_run``
    every article is read and planned, and nothing is made or published.
    """
    jobs = jobs or default_jobs()
    progress = progress or NoProgress()
    report = BatchReport(started=datetime.now(UTC), jobs=jobs, dry_run=dry_run)
    if dry_run:
        check_site_is_ours(store, settings)
    runner = ArticleRunner(settings, store, artwork, prepare=not dry_run)
    items = _expand(sources, expand_source, report)
    total = len(items)
    progress.start(total)
    run = _Run(runner, report, progress, total, publish_every)
    try:
        plans = _load(items, runner, report, progress, total)
        todo = _todo(plans, runner, report, progress, total, force)
        if dry_run:
            for the_plan in todo:
                run.record(Outcome(the_plan.article.source, "planned", the_plan.article.title))
        elif todo and jobs <= 1:
            _run_here(todo, run)
        elif todo:
            _run_pool(todo, run, jobs)
    except KeyboardInterrupt as stop:
        report.interrupted = True
        report.stopped_by = stop
        # Every render of this run has ended (the pool waited for them): a work folder left
        # now is one the interruption caught between its render and its commit. Drop it.
        settings.folders.sweep_leftovers()
        _LOGGER.info("interrupted: %d episode(s) built before it", run.committed)
    finally:
        if not dry_run and (run.committed or needs_publish(store, settings)):
            publish(store, settings, artwork)
        report.finished = datetime.now(UTC)
        progress.finish(report)
        write_report(report, settings)
    if not dry_run and not report.interrupted:
        store.backup()
    return report


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
    ) -> None:
        """Commit a finished render (or record its failure); publish every few episodes."""
        article = the_plan.article
        if error is None and rendered is not None:
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
                    words=[w.word for w in review.guessed],
                ))  # fmt: skip
                if self.publish_every and self.committed % self.publish_every == 0:
                    runner = self.runner
                    publish(runner.store, runner.settings, runner.artwork)
                return
        assert error is not None
        self.record(_fail(article.source, error, started, article.title))


def _run_here(todo: list[Plan], run: _Run) -> None:
    for the_plan in todo:
        started = time.monotonic()
        try:
            rendered = run.runner.render(run.runner.job(the_plan))
        except Exception as error:  # noqa: BLE001 - this article's failure alone
            run.finish(the_plan, None, error, started)
            continue
        run.finish(the_plan, rendered, None, started)


def _run_pool(todo: list[Plan], run: _Run, jobs: int) -> None:
    workers = min(jobs, default_jobs())
    threads = threads_per_job(workers)
    _LOGGER.info("%d worker processes, %d onnxruntime threads each", workers, threads)
    context = multiprocessing.get_context("spawn")
    pool = futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker,
        initargs=(run.runner.settings, threads, os.getpid()),
    )  # fmt: skip
    renderers = futures.ThreadPoolExecutor(workers)
    cancel = threading.Event()
    rendering: dict[futures.Future[Any], int] = {}
    try:
        _schedule(todo, run, pool, renderers, rendering, cancel)
    finally:
        cancel.set()
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        # Queued sentences are cancelled; what the workers are saying now is dropped with them.
        for process in processes:
            if process.is_alive():
                process.terminate()
        renderers.shutdown(wait=True, cancel_futures=True)
        pool.shutdown(wait=True)
        for future in rendering:  # renders finished but not committed: dropped
            if future.done() and not future.cancelled() and future.exception() is None:
                shutil.rmtree(future.result().work, ignore_errors=True)


def _schedule(
    todo: list[Plan],
    run: _Run,
    pool: futures.ProcessPoolExecutor,
    renderers: futures.ThreadPoolExecutor,
    rendering: dict[futures.Future[Any], int],
    cancel: threading.Event,
) -> None:
    """Send every uncached sentence to the workers once; render each article when its are cached."""
    inflight: dict[str, futures.Future[int]] = {}
    waiting: dict[int, set[futures.Future[int]]] = {}
    started: dict[int, float] = {}
    own: dict[int, int] = {}  # sentences each article sent to the workers
    for index, the_plan in enumerate(todo):
        synth = run.runner.synthesizers(the_plan.voice)
        started[index] = time.monotonic()
        needed: dict[str, str] = {}
        deps: set[futures.Future[int]] = set()
        for _, sentence in the_plan.script.sentences():
            key = synth.cache_key(sentence.spoken)
            if key in inflight:
                deps.add(inflight[key])
            elif key not in needed and not (synth.cache is not None and synth.cache.has(key)):
                needed[key] = sentence.spoken
        chunks = list(needed.items())
        for start in range(0, len(chunks), CHUNK):
            chunk = chunks[start : start + CHUNK]
            future = pool.submit(_synthesize, the_plan.voice, [spoken for _, spoken in chunk])
            for key, _ in chunk:
                inflight[key] = future
            deps.add(future)
        waiting[index] = deps
        own[index] = len(needed)

    def launch_ready() -> None:
        for index in [i for i, deps in waiting.items() if all(d.done() for d in deps)]:
            deps = waiting.pop(index)
            failed = next((d.exception() for d in deps if d.exception() is not None), None)
            if failed is not None:
                run.finish(todo[index], None, failed, started[index])
                continue
            job = run.runner.job(todo[index])
            rendering[renderers.submit(run.runner.render, job, cancel=cancel)] = index

    launch_ready()
    while waiting or rendering:
        pending: set[futures.Future[Any]] = {
            d for deps in waiting.values() for d in deps if not d.done()
        }
        pending |= set(rendering)
        finished: set[futures.Future[Any]] = futures.wait(
            pending, return_when=futures.FIRST_COMPLETED
        )[0]
        for future in finished:
            if future in rendering:
                index = rendering.pop(future)
                error = future.exception()
                rendered = None if error else cast(Rendered, future.result())
                run.finish(todo[index], rendered, error, started[index], own[index])
        launch_ready()


def write_report(report: BatchReport, settings: Settings, path: Path | None = None) -> Path:
    """Write the JSON report into ``STATE/reports`` (and to ``path`` if given)."""
    data = json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
    stamp = report.started.strftime("%Y%m%dT%H%M%SZ")
    target = path or settings.folders.reports / f"batch-{stamp}-{os.getpid()}.json"
    atomic_write_text(target, data)
    return target
