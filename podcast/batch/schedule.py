"""How a batch's articles are made once planned: here one after another, or over a pool.

With a pool, the :class:`Scheduler` sends every sentence no cache holds to the pool once
(deduplicated across articles, :data:`CHUNK` at a time) and starts each article's render as
soon as its sentences are said. Where the render runs is the strategy: :class:`LocalRenders`
runs it on this machine's threads (ffmpeg does the work) once the sentences are in the cache;
:class:`RemoteRenders` sends the article whole to a cluster's worker, with the sentences the
batch has, after only the sentences several articles share were said on their own. Either
way this process commits each finished episode (:class:`BatchRun`).
"""

from __future__ import annotations

import concurrent.futures as futures
import contextlib
import logging
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from podcast.batch.pool import SynthesisPool
from podcast.batch.report import BatchReport, Outcome, Progress, reason
from podcast.core.errors import PublishError
from podcast.make.plan import Plan
from podcast.make.render import Rendered
from podcast.make.runner import ArticleRunner, RenderJob
from podcast.publish.site import publish
from voices.synth import Synthesizer

_LOGGER = logging.getLogger(__name__)

#: Sentences handed to a worker process at a time.
CHUNK = 6

#: How often the scheduler looks whether the pool can still work, when nothing finishes.
POOL_CHECK = 1.0

Future = futures.Future[Any]


def failed(label: str, error: BaseException, started: float, title: str = "") -> Outcome:
    """The outcome of an article that failed with ``error``."""
    return Outcome(label, "failed", title, reason=reason(error), seconds=time.monotonic() - started)


@dataclass
class BatchRun:
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
            with signals_held():  # committed and counted, or neither: the report tells the truth
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
        self.record(failed(article.source, error, started, article.title))


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
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
                handler(caught[0], None)  # KeyboardInterrupt, or the lifecycle's Terminated
            elif handler == signal.SIG_DFL:
                signal.raise_signal(caught[0])


def run_here(todo: list[Plan], run: BatchRun) -> None:
    """Make each article in turn, on this thread."""
    for the_plan in todo:
        started = time.monotonic()
        try:
            rendered = run.runner.render(run.runner.job(the_plan))
        except Exception as error:  # noqa: BLE001 - this article's failure alone
            run.finish(the_plan, None, error, started)
            continue
        run.finish(the_plan, rendered, None, started)


def run_pool(todo: list[Plan], run: BatchRun, pool: SynthesisPool, renderers_count: int) -> None:
    """Make the articles over ``pool``, with ``renderers_count`` render threads here."""
    renderers = futures.ThreadPoolExecutor(renderers_count)
    cancel = threading.Event()
    strategy: Renders = RemoteRenders(todo, run.runner) if pool.renders else LocalRenders()
    scheduler = Scheduler(todo, run, pool, renderers, cancel, strategy)
    rendering = scheduler.rendering
    try:
        scheduler.run()
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


class Renders(Protocol):
    """Where the scheduler's renders run."""

    watched: bool
    """Whether a render in flight depends on the pool (a lost pool fails it)."""

    def said_alone(self, key: str) -> bool:
        """Whether an uncached sentence is sent to the pool on its own, before the render."""

    def start(self, scheduler: Scheduler, index: int, job: RenderJob) -> Future:
        """Start the render of article ``index``."""

    def finished(self, scheduler: Scheduler, future: Future, index: int) -> None:
        """Act on a finished render of article ``index`` (its error, if any, is handled)."""


class LocalRenders:
    """Renders on this machine's threads, once every sentence is in the sentence cache."""

    watched = False

    def said_alone(self, key: str) -> bool:
        return True

    def start(self, scheduler: Scheduler, index: int, job: RenderJob) -> Future:
        runner = scheduler.batch.runner
        return scheduler.renderers.submit(runner.render, job, cancel=scheduler.cancel)

    def finished(self, scheduler: Scheduler, future: Future, index: int) -> None:
        rendered = cast(Rendered, future.result())
        scheduler.finish(index, rendered, None, scheduler.sent(index), scheduler.workers_of(index))


class RemoteRenders:
    """Renders on a cluster's workers: a sentence only one article says is said by the worker
    that renders it; those several articles share are said once, on their own, first. What a
    worker sends back is kept (cache, files, review) on a thread here, and committed."""

    watched = True

    def __init__(self, todo: list[Plan], runner: ArticleRunner) -> None:
        self.shared: Counter[str] = Counter()
        for the_plan in todo:
            synth = runner.synthesizers(the_plan.voice)
            self.shared.update({synth.cache_key(s.spoken) for _, s in the_plan.script.sentences()})

    def said_alone(self, key: str) -> bool:
        return self.shared[key] >= 2

    def start(self, scheduler: Scheduler, index: int, job: RenderJob) -> Future:
        runner = scheduler.batch.runner
        audio = _cached_audio(job.plan, runner.synthesizers(job.plan.voice))
        return scheduler.pool.submit_render(job, audio, runner.artwork)

    def finished(self, scheduler: Scheduler, future: Future, index: int) -> None:
        synth = scheduler.batch.runner.synthesizers(scheduler.todo[index].voice)
        job = scheduler.jobs[index]
        kept = scheduler.renderers.submit(scheduler.pool.settle_render, future, job, synth)
        scheduler.keeping[kept] = (index, scheduler.workers_of(index))


@dataclass
class Scheduler:
    """Sends every uncached sentence to the pool once; renders each article when its are said."""

    todo: list[Plan]
    batch: BatchRun
    pool: SynthesisPool
    renderers: futures.ThreadPoolExecutor
    cancel: threading.Event
    strategy: Renders
    inflight: dict[str, Future] = field(default_factory=dict)
    """Sentence key → the pool's future that says it."""
    keys_of: dict[Future, list[str]] = field(default_factory=dict)
    """The sentence keys each pool future says."""
    settled: dict[Future, str | BaseException] = field(default_factory=dict)
    """Each settled pool future: the worker that said it, or the error."""
    waiting: dict[int, set[Future]] = field(default_factory=dict)
    """Article → the pool futures its render waits for."""
    own: dict[int, set[Future]] = field(default_factory=dict)
    """Article → the pool futures it sent itself."""
    started: dict[int, float] = field(default_factory=dict)
    jobs: dict[int, RenderJob] = field(default_factory=dict)
    rendering: dict[Future, int] = field(default_factory=dict)
    """Render future → its article."""
    keeping: dict[Future, tuple[int, list[str]]] = field(default_factory=dict)
    """A remote render being kept here → its article and the workers that said it."""

    def run(self) -> None:
        """Send everything, then launch, finish and commit until no article is left."""
        for index, the_plan in enumerate(self.todo):
            self._send(index, the_plan)
        self._launch_ready()
        while self.waiting or self.rendering or self.keeping:
            pending = {d for deps in self.waiting.values() for d in deps if not d.done()}
            pending |= set(self.rendering) | set(self.keeping)
            done = futures.wait(pending, timeout=POOL_CHECK, return_when=futures.FIRST_COMPLETED)
            if not done[0] and (self.waiting or (self.strategy.watched and self.rendering)):
                self._check_pool()
            for future in done[0]:
                if future in self.rendering:
                    self._finished_render(future, self.rendering.pop(future))
                elif future in self.keeping:
                    self._kept(future)
            self._launch_ready()

    def finish(
        self, index: int, rendered: Rendered | None, error: BaseException | None,
        synthesized: int | None = None, workers: list[str] | None = None,
    ) -> None:  # fmt: skip
        """Commit article ``index``'s render, or record its failure."""
        self.batch.finish(self.todo[index], rendered, error, self.started[index], synthesized,
                        workers)  # fmt: skip

    def workers_of(self, index: int) -> list[str]:
        """The workers that said the sentences article ``index`` sent."""
        said = [self.settled.get(f) for f in self.own[index]]
        return sorted({w for w in said if isinstance(w, str)})

    def sent(self, index: int) -> int:
        """How many sentences article ``index`` sent to the pool itself."""
        return len([k for f in self.own[index] for k in self.keys_of[f]])

    def _send(self, index: int, the_plan: Plan) -> None:
        synth = self.batch.runner.synthesizers(the_plan.voice)
        self.started[index] = time.monotonic()
        needed: dict[str, str] = {}
        deps: set[Future] = set()
        for _, sentence in the_plan.script.sentences():
            key = synth.cache_key(sentence.spoken)
            if key in self.inflight:
                deps.add(self.inflight[key])
            elif key not in needed and not (synth.cache is not None and synth.cache.has(key)):
                if self.strategy.said_alone(key):
                    needed[key] = sentence.spoken
        chunks = list(needed.items())
        self.own[index] = set()
        for start in range(0, len(chunks), CHUNK):
            chunk = chunks[start : start + CHUNK]
            future = self.pool.submit(the_plan.voice, [spoken for _, spoken in chunk])
            self.keys_of[future] = [key for key, _ in chunk]
            for key, _ in chunk:
                self.inflight[key] = future
            deps.add(future)
            self.own[index].add(future)
        self.waiting[index] = deps

    def _settle(self, future: Future, index: int) -> str | BaseException:
        if future not in self.settled:
            synth = self.batch.runner.synthesizers(self.todo[index].voice)
            try:
                self.settled[future] = self.pool.settle(future, self.keys_of[future], synth)
            except Exception as error:  # noqa: BLE001 - the articles that need it fail
                self.settled[future] = error
        return self.settled[future]

    def _launch_ready(self) -> None:
        for index in [i for i, deps in self.waiting.items() if all(d.done() for d in deps)]:
            results = [self._settle(d, index) for d in self.waiting.pop(index)]
            error = next((r for r in results if isinstance(r, BaseException)), None)
            if error is not None:
                self.finish(index, None, error)
                continue
            job = self.jobs[index] = self.batch.runner.job(self.todo[index])
            self.rendering[self.strategy.start(self, index, job)] = index

    def _check_pool(self) -> None:
        """Fail every article still waiting for a pool that can no longer work, and the
        renders in flight on it."""
        try:
            self.pool.check()
        except Exception as lost:  # noqa: BLE001 - every article still waiting fails with it
            for index in list(self.waiting):
                self.waiting.pop(index)
                self.finish(index, None, lost)
            for future in list(self.rendering) if self.strategy.watched else ():
                if not future.done():
                    future.cancel()
                    self.finish(self.rendering.pop(future), None, lost)

    def _finished_render(self, future: Future, index: int) -> None:
        error = future.exception()
        if error is not None:
            self.finish(index, None, error, self.sent(index), self.workers_of(index))
            return
        self.strategy.finished(self, future, index)

    def _kept(self, future: Future) -> None:
        index, workers = self.keeping.pop(future)
        try:
            rendered, worker = future.result()
        except Exception as error:  # noqa: BLE001 - this article's failure alone
            self.finish(index, None, error, None, workers)
            return
        self.finish(index, rendered, None, None, sorted({*workers, worker}))


def _cached_audio(the_plan: Plan, synth: Synthesizer) -> dict[str, bytes]:
    """The 16-bit samples of each of the plan's sentences the sentence cache holds, by key."""
    audio = {}
    for _, sentence in the_plan.script.sentences():
        key = synth.cache_key(sentence.spoken)
        pcm = synth.cache.get_pcm(key) if synth.cache is not None else None
        if pcm is not None:
            audio[key] = pcm
    return audio
