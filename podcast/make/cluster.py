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
import dataclasses
import hashlib
import logging
import os
import re
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podcast.errors import ClusterError, ConfigError
from podcast.make.build import Rendered
from podcast.make.runner import RenderJob
from podcast.make.voicing import synthesis_settings
from podcast.publish.artwork import Artwork
from podcast.settings import ENV_VOICE_CACHE, Settings, default_voice_cache
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

#: Dask settings for workers this batch starts (``local``); the README gives them for others.
WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}

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


_RENDER_LOCK = threading.Lock()


def _synthesizer(ref: VoiceRef) -> Synthesizer:
    """On a worker: the synthesizer for ``ref``, made once (its model loads on first use)."""
    key = (ref.model_sha256, ref.settings.key())
    synth = _SYNTHESIZERS.get(key)
    if synth is None:
        threads = int(os.environ.get(ENV_WORKER_THREADS, "0") or 0) or ref.threads
        # The quicker prepared copy of the model, kept in this machine's voice cache (made and
        # checked to sound the same on first use: voices/prepare.py), as a local batch uses.
        prepared = Path(os.environ.get(ENV_VOICE_CACHE) or default_voice_cache(os.environ))
        synth = Synthesizer(worker_voice(ref, _worker_name()), ref.settings, cache=None,
                            threads=threads, prepared=prepared)  # fmt: skip
        _SYNTHESIZERS[key] = synth
    return synth


def say_on_worker(ref: VoiceRef, spoken: Sequence[str]) -> Said:
    """On a worker: say each sentence with the voice ``ref`` names (loaded once, then kept)."""
    started = time.monotonic()
    synth = _synthesizer(ref)
    audio = tuple(synth.synthesize(sentence).astype("<i2").tobytes() for sentence in spoken)
    return Said(_worker_name(), audio, synth.sample_rate, time.monotonic() - started)


@dataclass(frozen=True)
class RemoteRender:
    """A worker's render of one article: its files, what was made, and the new sentences."""

    worker: str
    files: dict[str, bytes]
    """Work-folder name (``episode.mp3``…) → contents."""
    rendered: Rendered
    """What :func:`~podcast.make.build.render` returned there (its work folder is gone)."""
    said: dict[str, bytes]
    """The sentences the worker said, by sentence-cache key (16-bit samples)."""
    seconds: float


def render_on_worker(
    ref: VoiceRef,
    job: RenderJob,
    settings: Settings,
    artwork: Artwork,
    audio: dict[str, bytes],
    music: bytes | None,
    image: bytes | None = None,
) -> RemoteRender:
    """On a worker: the whole render of one article (speech, assembly, mastering, encoding,
    tags, transcripts), in a temporary folder, from the sentences the batch sent (``audio``)
    and those the worker says itself. Nothing of it stays on the worker."""
    import numpy as np

    from podcast.make.build import WORK_NAMES, render
    from voices.cache import SentenceCache

    started = time.monotonic()
    base = _synthesizer(ref)
    with _RENDER_LOCK, tempfile.TemporaryDirectory(prefix="audio-edition-worker-") as tmp:
        local = dataclasses.replace(settings, state=Path(tmp) / "state", site=Path(tmp) / "site")
        if music is not None:
            (Path(tmp) / "music").write_bytes(music)
            local = dataclasses.replace(
                local, audio=dataclasses.replace(local.audio, intro_music=str(Path(tmp) / "music"))
            )
        cache = SentenceCache(local.folders.sentences)
        for key, pcm in audio.items():
            cache.put(key, np.frombuffer(pcm, dtype="<i2").astype(np.int16))
        synth = Synthesizer(base.voice, ref.settings, cache, threads=base.threads,
                            prepared=base.prepared)  # fmt: skip
        synth.share_model(base)
        plan = dataclasses.replace(job.plan, voice=base.voice)
        if image is not None:  # the article's own image, sent: it becomes the artwork here too
            (Path(tmp) / "image").write_bytes(image)
            article = dataclasses.replace(plan.article, image_file=str(Path(tmp) / "image"))
            plan = dataclasses.replace(plan, article=article)
        previous = job.previous
        rendered = render(
            plan, local, artwork, synth, previous=previous,
            published_default=previous.published if previous else None,
            workers=max(1, base.threads or os.cpu_count() or 1), review=False,
        )  # fmt: skip
        files = {name: (rendered.work / name).read_bytes() for name in WORK_NAMES.values()
                 if (rendered.work / name).is_file()}  # fmt: skip
        said = {}
        for key in set(rendered.sentence_keys) - set(audio):
            samples = cache.get(key)
            if samples is not None:
                said[key] = samples.astype("<i2").tobytes()
    return RemoteRender(_worker_name(), files, rendered, said, time.monotonic() - started)


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
        self.seconds: dict[str, float] = {}
        self._submitted: list[Any] = []  # Dask's futures, to cancel on close
        self._counting = threading.Lock()
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
        import dask

        # A worker's statistical profiler samples every thread's stack every 10 ms: on a
        # worker that does nothing but synthesis that is CPU taken from the voice.
        dask.config.set(WORKER_CONFIG)
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
        except Exception as error:  # noqa: BLE001 - Dask raises RuntimeError when a worker fails to start
            raise ClusterError(f"cannot start the Dask cluster {where}: {error}") from None
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
        return self._submit(say_on_worker, self.ref(voice), list(spoken))

    def _submit(self, function: Any, *args: Any) -> futures.Future[Any]:
        # Earlier work first (the scheduler's own order is not first-come): the first
        # articles finish early, and their commits overlap the rest.
        task = self.client.submit(function, *args, pure=False, priority=-len(self._submitted))
        self._submitted.append(task)
        result: futures.Future[Any] = futures.Future()

        def done(task: Any) -> None:
            if not result.set_running_or_notify_cancel():
                return
            try:
                result.set_result(task.result())
            except BaseException as error:  # noqa: BLE001 - handed to the batch as the task's error
                result.set_exception(error)

        task.add_done_callback(done)
        return result

    @property
    def renders(self) -> bool:
        """Whether the workers make whole episodes (speech to tagged MP3; the batch process
        commits them): on a scheduler's workers, yes (bench/cluster.py (b): a batch process
        that masters and encodes every episode itself feeds few workers); on a ``local``
        cluster, which shares this machine with the batch process, its render threads
        master while the workers speak, as with ``--jobs``."""
        return bool(self.where.address)

    def submit_render(
        self, job: RenderJob, audio: dict[str, bytes], artwork: Artwork
    ) -> futures.Future[Any]:
        """Render ``job`` on a worker, sending the sentences the batch already has."""
        choice = self.settings.audio.intro_music.strip()
        music = None
        if choice and choice != "chime":
            music = self.settings.resolve(choice).read_bytes()
        image_file = job.plan.article.image_file
        image = Path(image_file).read_bytes() if image_file else None
        return self._submit(render_on_worker, self.ref(job.plan.voice), job, self.settings,
                            artwork, audio, music, image)  # fmt: skip

    def settle_render(
        self, future: futures.Future[Any], job: RenderJob, synth: Synthesizer
    ) -> tuple[Rendered, str]:
        """A worker's render, kept here: its new sentences in the cache, its files in a work
        folder, and the review made with this newsroom's lexicon."""
        import numpy as np

        from podcast.make.build import build_review

        remote: RemoteRender = future.result()
        if synth.cache is not None:
            for key, pcm in remote.said.items():
                synth.cache.put(key, np.frombuffer(pcm, dtype="<i2").astype(np.int16))
        work = Path(tempfile.mkdtemp(prefix="build-", dir=self.settings.folders.work_root()))
        for name, data in remote.files.items():
            (work / name).write_bytes(data)
        measured = list(remote.rendered.measured)
        review = build_review(job.plan, self.settings, measured, synth.sample_rate)
        rendered = dataclasses.replace(remote.rendered, plan=job.plan, work=work, review=review,
                                       measured=())  # fmt: skip
        with self._counting:  # settle_render runs on several threads
            self.workers[remote.worker] += len(remote.said)
            self.seconds[remote.worker] = self.seconds.get(remote.worker, 0.0) + remote.seconds
        return rendered, remote.worker

    def settle(self, future: futures.Future[Any], keys: Sequence[str], synth: Synthesizer) -> str:
        import numpy as np

        said: Said = future.result()
        if synth.cache is not None:
            for key, pcm in zip(keys, said.audio, strict=True):
                synth.cache.put(key, np.frombuffer(pcm, dtype="<i2").astype(np.int16))
        self.workers[said.worker] += len(keys)
        self.seconds[said.worker] = self.seconds.get(said.worker, 0.0) + said.seconds
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
        try:
            self.client.cancel([task for task in self._submitted if not task.done()])
        except Exception as error:  # noqa: BLE001 - a lost scheduler has nothing to cancel
            _LOGGER.debug("cannot cancel the queued work: %s", error)
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
