"""The batch on a Dask cluster: workers say sentences, the batch process keeps them.

(What the workers run is in :mod:`podcast.batch.worker`.)

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
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from podcast.batch.worker import (
    RemoteRender,
    Said,
    VoiceRef,
    check_worker_voice,
    render_on_worker,
    say_on_worker,
    voice_ref,
)
from podcast.core.cluster_address import ClusterAddress
from podcast.core.errors import ClusterError
from podcast.core.settings import Settings
from podcast.make.render import Rendered
from podcast.make.runner import RenderJob
from podcast.publish.artwork import Artwork
from voices.catalogue import VoiceInfo, find_voice
from voices.synth import Synthesizer

_LOGGER = logging.getLogger(__name__)

#: How long joining a scheduler, and waiting for its first worker, may take.
CONNECT_TIMEOUT = 30.0
#: How long the batch waits, with work to do, for a cluster that has no worker left.
NO_WORKERS_GRACE = 30.0
#: Environment variable: seconds to wait for a worker when none is left (default 30).
ENV_CLUSTER_GRACE = "AUDIO_EDITION_CLUSTER_GRACE"

#: Dask settings for workers this batch starts (``local``); the README gives them for others.
WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def _probe(address: str, where: ClusterAddress, timeout: float) -> None:
    """Ask ``address`` who it is, Dask's way, within ``timeout`` seconds in all.

    Dask's own client waits without end on an address that accepts a connection and never
    answers, and fails with a traceback after a minute on one that answers garbage, HTTP or a
    frame length no memory holds: this one question settles it first, as one line.
    """
    import asyncio

    async def identity() -> Any:
        from distributed.comm.core import connect

        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    try:
        reply = asyncio.run(asyncio.wait_for(identity(), timeout))
    except (TimeoutError, OSError) as error:
        detail = " ".join(str(error).split())[:200]
        raise ClusterError(
            f"cannot reach the Dask scheduler at {where} within {timeout:g} s"
            + (f": {detail}" if detail else ": it accepted the connection and never answered")
        ) from None
    except Exception as error:  # noqa: BLE001 - whatever a stranger sends breaks Dask's reader
        raise ClusterError(
            f"{where} does not answer as a Dask scheduler ({type(error).__name__})"
        ) from None
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        raise ClusterError(f"{where} does not answer as a Dask scheduler")


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
                _probe(where.address, where, timeout)
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
        from podcast.make.render import music_from

        intro = music_from(self.settings)  # a file of the newsroom's, sent; the chime is made
        music = intro.path.read_bytes() if intro is not None and intro.path else None
        image_file = job.plan.article.image_file
        image = Path(image_file).read_bytes() if image_file else None
        return self._submit(render_on_worker, self.ref(job.plan.voice), job, self.settings,
                            artwork, audio, music, image)  # fmt: skip

    def settle_render(
        self, future: futures.Future[Any], job: RenderJob, synth: Synthesizer
    ) -> tuple[Rendered, str]:
        """A worker's render, kept here: its new sentences in the cache, its files in a work
        folder, and the review made with this newsroom's lexicon."""
        from podcast.make.render import build_review

        remote: RemoteRender = future.result()
        if synth.cache is not None:
            for key, pcm in remote.said.items():
                synth.cache.put_pcm(key, pcm)
        work = self.settings.folders.make_work()
        for name, data in remote.files.items():
            (work / name).write_bytes(data)
        measured = list(remote.rendered.measured)
        review = build_review(job.plan, self.settings, measured, synth.sample_rate)
        rendered = dataclasses.replace(remote.rendered, plan=job.plan, work=work, review=review,
                                       measured=())  # fmt: skip
        self._tally(remote.worker, len(remote.said), remote.seconds)
        return rendered, remote.worker

    def settle(self, future: futures.Future[Any], keys: Sequence[str], synth: Synthesizer) -> str:
        said: Said = future.result()
        if synth.cache is not None:
            for key, pcm in zip(keys, said.audio, strict=True):
                synth.cache.put_pcm(key, pcm)
        self._tally(said.worker, len(keys), said.seconds)
        return said.worker

    def _tally(self, worker: str, sentences: int, seconds: float) -> None:
        """Count what ``worker`` said (settle_render runs on several threads)."""
        with self._counting:
            self.workers[worker] += sentences
            self.seconds[worker] = self.seconds.get(worker, 0.0) + seconds

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
