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
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audio.errors import AudioError
from voices.catalogue import VoiceInfo
from voices.errors import VoiceError

from .artwork import Artwork
from .build import (
    Plan,
    Rendered,
    commit,
    is_current,
    make_synthesizer,
    plan,
    render,
    sweep_leftovers,
)
from .errors import ExitStatus, PodcastError
from .fsutil import atomic_write_text
from .publish import needs_publish, publish
from .settings import Settings
from .sources import SourceError, SourceItem, expand
from .store import Store

_LOGGER = logging.getLogger(__name__)

#: Sentences handed to a worker process at a time.
CHUNK = 6
_ERRORS = (PodcastError, VoiceError, AudioError, OSError)


@dataclass
class Outcome:
    """What happened to one article."""

    label: str
    status: str
    """``built``, ``skipped`` or ``failed``."""
    title: str = ""
    guid: str = ""
    reason: str = ""
    seconds: float = 0.0
    audio_seconds: float = 0.0
    sentences: int = 0
    synthesized: int = 0


@dataclass
class BatchReport:
    """A batch run: every article's outcome, with reasons and timings."""

    started: datetime
    jobs: int
    outcomes: list[Outcome] = field(default_factory=list)
    finished: datetime | None = None
    source_errors: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many articles ended with ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def exit_status(self) -> ExitStatus:
        """0 when all went well, 3 when some failed, 1 when nothing could be done."""
        failed = self.count("failed") + len(self.source_errors)
        done = self.count("built") + self.count("skipped")
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
            "counts": {s: self.count(s) for s in ("built", "skipped", "failed")},
            "source_errors": self.source_errors,
            "built": [asdict(o) for o in self.outcomes if o.status == "built"],
            "skipped": [asdict(o) for o in self.outcomes if o.status == "skipped"],
            "failed": [asdict(o) for o in self.outcomes if o.status == "failed"],
        }


class Progress:
    """Told about each article as it ends; the CLI shows a bar or log lines."""

    def start(self, total: int) -> None:
        """The batch knows how many articles it has."""

    def update(self, outcome: Outcome, report: BatchReport, total: int) -> None:
        """One article ended."""

    def finish(self, report: BatchReport, synthesized: int | None = None) -> None:
        """The batch ended."""


def default_jobs() -> int:
    """One job per core."""
    return os.cpu_count() or 1


def threads_per_job(jobs: int) -> int:
    """onnxruntime threads for each of ``jobs`` processes, so that threads × processes ≤ cores."""
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


# -- worker processes ----------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(settings: Settings, threads: int) -> None:
    _WORKER["settings"] = settings
    _WORKER["threads"] = threads
    _WORKER["synths"] = {}


def _synthesize(voice: VoiceInfo, spoken: Sequence[str]) -> int:
    """In a worker: say each sentence into the shared cache; returns how many were synthesised."""
    synths = _WORKER["synths"]
    if voice.name not in synths:
        synths[voice.name] = make_synthesizer(_WORKER["settings"], voice, _WORKER["threads"])
    synth = synths[voice.name]
    before = synth.cache.misses
    for sentence in spoken:
        synth.synthesize(sentence)
    return int(synth.cache.misses - before)


# -- the batch -----------------------------------------------------------------------------------


def _load(
    items: Sequence[SourceItem],
    settings: Settings,
    artwork: Artwork,
    report: BatchReport,
    progress: Progress,
    total: int,
) -> list[Plan]:
    plans = []
    for item in items:
        started = time.monotonic()
        try:
            article = item.load()
            plans.append(plan(article, settings, artwork))
        except _ERRORS as error:
            outcome = Outcome(
                item.label, "failed", reason=str(error), seconds=time.monotonic() - started
            )
            report.outcomes.append(outcome)
            progress.update(outcome, report, total)
    return plans


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
) -> BatchReport:
    """Build every article of ``sources``; see the module docstring for how."""
    sweep_leftovers(settings)
    jobs = jobs or default_jobs()
    progress = progress or Progress()
    report = BatchReport(started=datetime.now(UTC), jobs=jobs)
    items: list[SourceItem] = []
    for source in sources:
        try:
            items += expand_source(source)
        except (SourceError, OSError) as error:
            report.source_errors.append(str(error))
            _LOGGER.error("%s", error)
    total = len(items)
    progress.start(total)
    plans = _load(items, settings, artwork, report, progress, total)
    todo: list[Plan] = []
    seen: set[str] = set()
    for the_plan in plans:
        key = the_plan.article.key
        existing = None if force else is_current(the_plan, store, settings)
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

    committed = 0

    def finish(
        the_plan: Plan,
        rendered: Rendered | None,
        error: BaseException | None,
        started: float,
        synthesized: int | None = None,
    ) -> None:
        nonlocal committed
        article = the_plan.article
        if error is None and rendered is not None:
            try:
                episode = commit(rendered, store, settings)
                outcome = Outcome(
                    article.source, "built", article.title, episode.guid, seconds=time.monotonic() - started,
                    audio_seconds=episode.duration, sentences=len(rendered.cues),
                    synthesized=rendered.synthesized if synthesized is None else synthesized,
                )  # fmt: skip
                committed += 1
                if publish_every and committed % publish_every == 0:
                    publish(store, settings, artwork)
            except _ERRORS as commit_error:
                error = commit_error
        if error is not None:
            outcome = Outcome(article.source, "failed", article.title, reason=str(error),
                              seconds=time.monotonic() - started)  # fmt: skip
        report.outcomes.append(outcome)
        progress.update(outcome, report, total)

    try:
        if todo and jobs <= 1:
            _run_here(todo, settings, store, artwork, finish, threads=0)
        elif todo:
            _run_pool(todo, settings, store, artwork, finish, jobs)
    finally:
        if committed or needs_publish(store, settings):
            publish(store, settings, artwork)
        report.finished = datetime.now(UTC)
        progress.finish(report)
        write_report(report, settings)
    return report


def _run_here(
    todo: list[Plan],
    settings: Settings,
    store: Store,
    artwork: Artwork,
    finish: Callable[..., None],
    threads: int,
) -> None:
    synths: dict[str, Any] = {}
    for the_plan in todo:
        started = time.monotonic()
        existing = store.get(the_plan.article.key)
        try:
            if the_plan.voice.name not in synths:
                synths[the_plan.voice.name] = make_synthesizer(settings, the_plan.voice, threads)
            synth = synths[the_plan.voice.name]
            rendered = render(the_plan, settings, artwork, synth,
                              published_default=existing.published if existing else None,
                              previous=existing,
                              workers=threads or default_jobs())  # fmt: skip
        except _ERRORS as error:
            finish(the_plan, None, error, started)
            continue
        finish(the_plan, rendered, None, started)


def _run_pool(
    todo: list[Plan],
    settings: Settings,
    store: Store,
    artwork: Artwork,
    finish: Callable[..., None],
    jobs: int,
) -> None:
    workers = min(jobs, default_jobs())
    threads = threads_per_job(workers)
    _LOGGER.info("%d worker processes, %d onnxruntime threads each", workers, threads)
    main_synths: dict[str, Any] = {}
    context = multiprocessing.get_context("spawn")
    with futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                     initargs=(settings, threads)) as pool, \
            futures.ThreadPoolExecutor(workers) as renderers:  # fmt: skip
        inflight: dict[str, futures.Future[int]] = {}
        waiting: dict[int, set[futures.Future[int]]] = {}
        started: dict[int, float] = {}
        own: dict[int, int] = {}  # sentences each article sent to the workers
        for index, the_plan in enumerate(todo):
            if the_plan.voice.name not in main_synths:
                main_synths[the_plan.voice.name] = make_synthesizer(settings, the_plan.voice)
            synth = main_synths[the_plan.voice.name]
            started[index] = time.monotonic()
            needed: list[str] = []
            deps: set[futures.Future[int]] = set()
            for _, sentence in the_plan.script.sentences():
                key = synth.cache_key(sentence.spoken)
                if key in inflight:
                    deps.add(inflight[key])
                elif not synth.cache.has(key) and sentence.spoken not in needed:
                    needed.append(sentence.spoken)
                    inflight[key] = None  # type: ignore[assignment]
            for start in range(0, len(needed), CHUNK):
                chunk = needed[start : start + CHUNK]
                future = pool.submit(_synthesize, the_plan.voice, chunk)
                for spoken in chunk:
                    inflight[synth.cache_key(spoken)] = future
                deps.add(future)
            waiting[index] = deps
            own[index] = len(needed)
        rendering: dict[futures.Future[Rendered], int] = {}

        def launch_ready() -> None:
            for index in [i for i, deps in waiting.items() if all(d.done() for d in deps)]:
                deps = waiting.pop(index)
                failed = next((d.exception() for d in deps if d.exception() is not None), None)
                the_plan = todo[index]
                if failed is not None:
                    finish(the_plan, None, failed, started[index])
                    continue
                existing = store.get(the_plan.article.key)
                synth = main_synths[the_plan.voice.name]
                rendering[renderers.submit(render, the_plan, settings, artwork, synth,
                                           published_default=existing.published if existing else None,
                                           previous=existing)] = index  # fmt: skip

        launch_ready()
        while waiting or rendering:
            pending = {d for deps in waiting.values() for d in deps if not d.done()} | set(
                rendering
            )
            done, _ = futures.wait(pending, return_when=futures.FIRST_COMPLETED)
            for future in done:
                if future in rendering:
                    index = rendering.pop(future)
                    error = future.exception()
                    finish(
                        todo[index],
                        None if error else future.result(),
                        error,
                        started[index],
                        own[index],
                    )
            launch_ready()


def write_report(report: BatchReport, settings: Settings, path: Path | None = None) -> Path:
    """Write the JSON report into ``STATE/reports`` (and to ``path`` if given)."""
    data = json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
    stamp = report.started.strftime("%Y%m%dT%H%M%SZ")
    target = path or settings.state / "reports" / f"batch-{stamp}-{os.getpid()}.json"
    atomic_write_text(target, data)
    return target
