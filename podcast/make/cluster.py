"""The batch on a Dask cluster: workers say sentences, the batch process keeps them.

``batch --cluster tcp://HOST:8786`` joins a running Dask scheduler; ``local`` or
``local:N`` starts a ``LocalCluster`` of N worker processes here. Workers are
stateless: each is sent the voice's identity (its name and the SHA-256 of its
model file), the synthesis settings and the sentences no cache holds, and sends
back the audio. The batch process puts that audio into the sentence cache and
does everything else (assembly, mastering, the store, the site), so what a
local batch promises holds unchanged: one writer, incremental, crash-safe.

A worker loads each voice once and keeps it. A worker whose voice differs
(another version of the package, a user voice it lacks) refuses with an error
naming itself and the voice, before it says anything.
"""

from __future__ import annotations

import concurrent.futures as futures
import hashlib
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podcast.errors import ClusterError, ConfigError
from podcast.make.voicing import synthesis_settings
from podcast.settings import Settings
from voices.catalogue import VoiceInfo, find_voice
from voices.synth import SynthesisSettings, Synthesizer

_LOGGER = logging.getLogger(__name__)

#: How long joining a scheduler, and waiting for its first worker, may take.
CONNECT_TIMEOUT = 30.0
#: How long the batch waits, with work to do, for a cluster that has no worker left.
NO_WORKERS_GRACE = 30.0
#: Environment variable: seconds to wait for a worker when none is left (default 30).
ENV_CLUSTER_GRACE = "AUDIO_EDITION_CLUSTER_GRACE"
#: Environment variable: on a worker, the folder of user voices (default: the batch's folder).
ENV_WORKER_VOICES = "AUDIO_EDITION_WORKER_VOICES"
#: Environment variable: on a worker, onnxruntime threads per voice (default: the batch's choice).
ENV_WORKER_THREADS = "AUDIO_EDITION_WORKER_THREADS"

_ADDRESS = re.compile(r"(?:tcp|tls|ucx|inproc|ws|wss)://\S+")


@dataclass(frozen=True)
class ClusterAddress:
    """Where the workers are: a running scheduler, or a local cluster of ``workers``."""

    address: str
    """The scheduler's address; empty for a local cluster."""
    workers: int = 0
    """Worker processes of a local cluster."""

    @classmethod
    def parse(cls, text: str, where: str = "--cluster") -> ClusterAddress:
        """``tcp://HOST:PORT``, ``local`` (one worker per core) or ``local:N``."""
        text = text.strip()
        if text == "local":
            return cls("", os.cpu_count() or 1)
        if text.startswith("local:"):
            count = text.removeprefix("local:")
            if not count.isdigit() or not 1 <= int(count) <= 512:
                raise ConfigError(f"{where}: {text!r}: local:N needs N from 1 to 512")
            return cls("", int(count))
        if _ADDRESS.fullmatch(text):
            return cls(text)
        raise ConfigError(
            f"{where}: {text!r} is not a scheduler address (tcp://HOST:8786), local or local:N"
        )

    def __str__(self) -> str:
        return self.address or f"local:{self.workers}"


@dataclass(frozen=True)
class VoiceRef:
    """What a worker needs to say sentences exactly as the batch would: which voice (by the
    hash of its model), with what settings, and where user voices may be."""

    name: str
    model_sha256: str
    settings: SynthesisSettings
    folder: str = ""
    """The batch's user-voice folder (a worker looks there unless told otherwise)."""
    threads: int = 0
    """onnxruntime threads for the voice on a worker; 0 lets onnxruntime choose."""


@dataclass(frozen=True)
class Said:
    """A worker's answer: the 16-bit samples of each sentence, in the order sent."""

    worker: str
    audio: tuple[bytes, ...]
    sample_rate: int
    seconds: float
    """Time the worker spent saying them."""


_HASHES: dict[tuple[str, int, int], str] = {}


def model_hash(model: Path) -> str:
    """SHA-256 of a voice's model file (computed once per file and version of it)."""
    stat = model.stat()
    key = (str(model), stat.st_size, stat.st_mtime_ns)
    if key not in _HASHES:
        digest = hashlib.sha256()
        with model.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _HASHES[key] = digest.hexdigest()
    return _HASHES[key]


def voice_ref(voice: VoiceInfo, settings: Settings, threads: int = 0) -> VoiceRef:
    """The reference a worker is sent for ``voice``."""
    return VoiceRef(voice.name, model_hash(voice.model), synthesis_settings(settings),
                    str(settings.voices_folder.resolve()), threads)  # fmt: skip


# -- on a worker ---------------------------------------------------------------------------------

_SYNTHESIZERS: dict[tuple[str, str], Synthesizer] = {}


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except ValueError:  # not inside a worker (a test calling the function directly)
        return f"pid {os.getpid()}"


def worker_voice(ref: VoiceRef, where: str) -> VoiceInfo:
    """On a worker: its copy of the voice ``ref`` names, or a :class:`ClusterError` that names
    the worker and the voice when it has none or another one."""
    folder = os.environ.get(ENV_WORKER_VOICES) or ref.folder
    try:
        voice = find_voice(ref.name, Path(folder) if folder else None)
        found = model_hash(voice.model)
    except Exception as error:  # noqa: BLE001 - the voice is unknown or unreadable here
        raise ClusterError(f"worker {where} cannot use voice {ref.name}: {error}") from None
    if found != ref.model_sha256:
        raise ClusterError(
            f"worker {where} has another voice {ref.name} (model {found[:12]}, the batch's is "
            f"{ref.model_sha256[:12]}): install the same voice on every worker"
        )
    return voice


def say_on_worker(ref: VoiceRef, spoken: Sequence[str]) -> Said:
    """On a worker: say each sentence with the voice ``ref`` names (loaded once, then kept)."""
    started = time.monotonic()
    key = (ref.model_sha256, ref.settings.key())
    synth = _SYNTHESIZERS.get(key)
    if synth is None:
        threads = int(os.environ.get(ENV_WORKER_THREADS, "0") or 0) or ref.threads
        synth = Synthesizer(
            worker_voice(ref, _worker_name()), ref.settings, cache=None, threads=threads
        )
        _SYNTHESIZERS[key] = synth
    audio = tuple(synth.synthesize(sentence).astype("<i2").tobytes() for sentence in spoken)
    return Said(_worker_name(), audio, synth.sample_rate, time.monotonic() - started)


def check_worker_voice(ref: VoiceRef, dask_worker: Any = None) -> str:
    """On a worker (``Client.run`` passes it): the error its copy of the voice would give,
    or an empty string."""
    try:
        worker_voice(ref, str(dask_worker.address) if dask_worker is not None else _worker_name())
    except ClusterError as error:
        return str(error)
    return ""


# -- in the batch process ------------------------------------------------------------------------


class ClusterPool:
    """Sentences said on a Dask cluster's workers; their audio kept by the batch process."""

    def __init__(self, client: Any, cluster: Any, where: ClusterAddress, settings: Settings,
                 threads: int, grace: float = NO_WORKERS_GRACE) -> None:  # fmt: skip
        self.client = client
        self._cluster = cluster  # a LocalCluster this pool started, else None
        self.where = where
        self.settings = settings
        self.threads = threads
        self.grace = grace
        self.workers: Counter[str] = Counter()
        self._executor = client.get_executor(pure=False)
        self._refs: dict[str, VoiceRef] = {}
        self._no_workers_since: float | None = None
        self._closed = False

    @classmethod
    def connect(
        cls, text: str, settings: Settings, *, timeout: float = CONNECT_TIMEOUT
    ) -> ClusterPool:
        """Join the scheduler (or start the local cluster) and check the workers' voice.

        Raises :class:`ClusterError`, one line, when the scheduler cannot be reached or
        has no worker within ``timeout`` seconds, or a worker has another voice.
        """
        where = ClusterAddress.parse(text)
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ClusterError(
                "--cluster needs Dask: pip install 'audio-edition[cluster]'"
            ) from None
        if not _LOGGER.isEnabledFor(logging.DEBUG):  # Dask's own chatter only with -vv
            for name in ("distributed", "tornado"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        cluster = None
        try:
            if where.address:
                client = Client(where.address, timeout=f"{timeout}s", set_as_default=False)
            else:
                cluster = LocalCluster(
                    n_workers=where.workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.CRITICAL,
                )  # fmt: skip
                client = Client(cluster, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {where} within {timeout:g} s: "
                f"{' '.join(str(error).split())[:200]}"
            ) from None
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError):
            client.close()
            raise ClusterError(
                f"the Dask scheduler at {where} has no worker after {timeout:g} s"
            ) from None
        cores = os.cpu_count() or 1
        threads = max(1, cores // where.workers) if not where.address else 0
        grace = float(os.environ.get(ENV_CLUSTER_GRACE) or NO_WORKERS_GRACE)
        pool = cls(client, cluster, where, settings, threads, grace)
        try:
            pool.check_voice(find_voice(settings.voice.name, settings.voices_folder))
        except BaseException:
            pool.close()
            raise
        _LOGGER.info("cluster %s: %d worker(s)", where, pool.worker_count())
        return pool

    def ref(self, voice: VoiceInfo) -> VoiceRef:
        if voice.name not in self._refs:
            self._refs[voice.name] = voice_ref(voice, self.settings, self.threads)
        return self._refs[voice.name]

    def check_voice(self, voice: VoiceInfo) -> None:
        """Every worker now in the cluster has ``voice`` as the batch has it, or ClusterError."""
        answers = self.client.run(check_worker_voice, self.ref(voice))
        refusals = [answer for answer in answers.values() if answer]
        if refusals:
            more = f" (and {len(refusals) - 1} more)" if len(refusals) > 1 else ""
            raise ClusterError(refusals[0] + more)

    def worker_count(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1).get("workers", {}))

    def submit(self, voice: VoiceInfo, spoken: Sequence[str]) -> futures.Future[Any]:
        future: futures.Future[Any] = self._executor.submit(
            say_on_worker, self.ref(voice), list(spoken)
        )
        return future

    def settle(self, future: futures.Future[Any], keys: Sequence[str], synth: Synthesizer) -> str:
        import numpy as np

        said: Said = future.result()
        if synth.cache is not None:
            for key, pcm in zip(keys, said.audio, strict=True):
                synth.cache.put(key, np.frombuffer(pcm, dtype="<i2").astype(np.int16))
        self.workers[said.worker] += len(keys)
        return said.worker

    def check(self) -> None:
        """Raise :class:`ClusterError` when the cluster has had no worker for ``grace`` s."""
        try:
            count = self.worker_count()
        except Exception as error:  # noqa: BLE001 - the scheduler itself is gone
            raise ClusterError(f"lost the Dask scheduler at {self.where}: {error}") from None
        if count:
            self._no_workers_since = None
            return
        now = time.monotonic()
        self._no_workers_since = self._no_workers_since or now
        if now - self._no_workers_since >= self.grace:
            raise ClusterError(
                f"every worker of the cluster at {self.where} is gone; "
                "run the batch again when workers are back"
            )

    def close(self) -> None:
        """Cancel what is queued and leave the cluster (a local one is stopped)."""
        if self._closed:
            return
        self._closed = True
        self._executor.shutdown(wait=False)
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
