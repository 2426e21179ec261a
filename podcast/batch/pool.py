"""Where a batch's sentences are said: a pool of local worker processes, or a cluster.

A pool takes a voice and some sentences and hands back a future. The batch
process *settles* each future when it is done, on its own thread: the local
processes have already put their audio into the sentence cache (they share
the machine's disk), a cluster's workers send theirs back and the batch
process puts it there (:mod:`podcast.batch.cluster`). Either way the batch
process is the only one that decides what is published.
"""

from __future__ import annotations

import concurrent.futures as futures
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

from podcast.core.settings import Settings
from podcast.make.render import Rendered
from podcast.make.runner import RenderJob, Synthesizers
from podcast.publish.artwork import Artwork
from voices.catalogue import VoiceInfo
from voices.synth import Synthesizer

_LOGGER = logging.getLogger(__name__)


def default_jobs() -> int:
    """One job per core."""
    return os.cpu_count() or 1


def threads_per_job(jobs: int) -> int:
    """onnxruntime threads for each of ``jobs`` processes, so that threads × processes ≤ cores."""
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


class SynthesisPool(Protocol):
    """Says sentences somewhere else than the batch's own thread."""

    workers: Counter[str]
    """Sentences said, by worker."""
    seconds: dict[str, float]
    """Seconds spent saying them, by worker (where the pool knows it)."""

    @property
    def renders(self) -> bool:
        """Whether its workers make whole episodes (``submit_render``), not only speech."""

    def submit(self, voice: VoiceInfo, spoken: Sequence[str]) -> futures.Future[Any]:
        """Start saying ``spoken`` with ``voice``."""

    def settle(self, future: futures.Future[Any], keys: Sequence[str], synth: Synthesizer) -> str:
        """After ``future`` is done, on the batch's thread: raise its error, or see that its
        sentences are in ``synth``'s cache under ``keys``. Returns the worker that said them."""

    def submit_render(
        self, job: RenderJob, audio: dict[str, bytes], artwork: Artwork
    ) -> futures.Future[Any]:
        """With :attr:`renders`: make ``job``'s episode on a worker."""

    def settle_render(
        self, future: futures.Future[Any], job: RenderJob, synth: Synthesizer
    ) -> tuple[Rendered, str]:
        """With :attr:`renders`, on the batch's thread: the render, kept here, and its worker."""

    def check(self) -> None:
        """Raise when the pool can no longer say anything (every worker gone)."""

    def close(self) -> None:
        """Stop: queued work cancelled, work under way dropped."""


# -- local worker processes ----------------------------------------------------------------------

_WORKER: dict[str, Any] = {}
#: How often a worker looks whether the batch that started it is still there.
PARENT_POLL = 0.5


def _die_with_parent(parent: int) -> None:
    """In a worker: exit at once when the batch process dies, however it dies.

    Linux's ``PR_SET_PDEATHSIG`` sends SIGKILL when the parent goes; a thread that
    watches ``getppid`` covers other systems and the moment before the call.
    """
    import ctypes

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


def init_worker(settings: Settings, threads: int, parent: int) -> None:
    """In a local worker: ignore Ctrl-C (the batch decides), die with the batch, one
    synthesizer per voice."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    _WORKER["synthesizers"] = Synthesizers(settings, threads)


def synthesize_into_cache(voice: VoiceInfo, spoken: Sequence[str]) -> int:
    """In a local worker: say each sentence into the shared cache; returns how many were said."""
    synth = _WORKER["synthesizers"](voice)
    before = synth.cache.misses
    for sentence in spoken:
        synth.synthesize(sentence)
    return int(synth.cache.misses - before)


class LocalPool:
    """Worker processes on this machine, sharing its sentence cache."""

    renders = False

    def __init__(self, settings: Settings, jobs: int) -> None:
        count = min(jobs, default_jobs())
        threads = threads_per_job(count)
        _LOGGER.info("%d worker processes, %d onnxruntime threads each", count, threads)
        self.workers: Counter[str] = Counter()
        self.seconds: dict[str, float] = {}
        self.size = count
        self._pool = futures.ProcessPoolExecutor(
            count, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker,
            initargs=(settings, threads, os.getpid()),
        )  # fmt: skip

    def submit(self, voice: VoiceInfo, spoken: Sequence[str]) -> futures.Future[Any]:
        return self._pool.submit(synthesize_into_cache, voice, list(spoken))

    def settle(self, future: futures.Future[Any], keys: Sequence[str], synth: Synthesizer) -> str:
        future.result()
        self.workers["local"] += len(keys)
        return "local"

    def submit_render(
        self, job: RenderJob, audio: dict[str, bytes], artwork: Artwork
    ) -> futures.Future[Any]:
        raise NotImplementedError("a local pool's episodes are rendered by the batch process")

    def settle_render(
        self, future: futures.Future[Any], job: RenderJob, synth: Synthesizer
    ) -> tuple[Rendered, str]:
        raise NotImplementedError("a local pool's episodes are rendered by the batch process")

    def check(self) -> None:
        """A local pool replaces a worker that dies (the future fails with the reason)."""

    def close(self) -> None:
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        # Queued sentences are cancelled; what the workers are saying now is dropped with them.
        for process in processes:
            if process.is_alive():
                process.terminate()
        self._pool.shutdown(wait=True)
