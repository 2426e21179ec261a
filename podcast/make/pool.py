"""The batch's worker processes: how many, how they die with the batch, what they run.

Each worker holds one synthesizer per voice (a :class:`~podcast.make.runner.Synthesizers`)
and says the sentences it is sent into the sentence cache.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Sequence
from typing import Any

from podcast.make.runner import Synthesizers
from podcast.settings import Settings
from voices.catalogue import VoiceInfo


def default_jobs() -> int:
    """One job per core."""
    return os.cpu_count() or 1


def threads_per_job(jobs: int) -> int:
    """onnxruntime threads for each of ``jobs`` processes, so that threads × processes ≤ cores."""
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


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
    # Ctrl-C on a terminal reaches the whole process group: the batch decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    _WORKER["synthesizers"] = Synthesizers(settings, threads)


def synthesize_into_cache(voice: VoiceInfo, spoken: Sequence[str]) -> int:
    """In a worker: say each sentence into the shared cache; returns how many were synthesised."""
    synth = _WORKER["synthesizers"](voice)
    before = synth.cache.misses
    for sentence in spoken:
        synth.synthesize(sentence)
    return int(synth.cache.misses - before)
