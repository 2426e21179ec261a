"""What a cluster's workers run: speech, or a whole episode, for the batch process.

Workers are stateless. Each is sent a :class:`VoiceRef` (the voice's name, the SHA-256 of its
model file, the synthesis settings) and either sentences to say (:func:`say_on_worker`) or an
article to make whole (:func:`render_on_worker`, with the sentences the batch already has), and
sends back the audio or the files. A worker loads each voice once and keeps it; a worker whose
voice differs refuses (:func:`worker_voice`), naming itself and the voice, before it says anything.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podcast.core.errors import ClusterError
from podcast.core.settings import ENV_VOICE_CACHE, Settings, default_voice_cache
from podcast.make.render import Rendered
from podcast.make.runner import RenderJob
from podcast.publish.artwork import Artwork
from podcast.speech.voicing import synthesis_settings
from voices.catalogue import VoiceInfo, find_voice
from voices.synth import SynthesisSettings, Synthesizer

_LOGGER = logging.getLogger(__name__)

#: Environment variable: on a worker, onnxruntime threads per voice (default: the batch's choice).
ENV_WORKER_THREADS = "AUDIO_EDITION_WORKER_THREADS"

#: Environment variable: on a worker, the folder of user voices (default: the batch's folder).
ENV_WORKER_VOICES = "AUDIO_EDITION_WORKER_VOICES"


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
    """What :func:`~podcast.make.render.render` returned there (its work folder is gone)."""
    said: dict[str, bytes]
    """The sentences the worker said, by sentence-cache key (16-bit samples)."""
    seconds: float


def _scratch() -> str | None:
    """The Dask worker's own folder when there is one: a worker killed mid-render (``kill -9``
    cannot clean up) leaves its render there, and Dask purges a dead worker's folder when the
    next worker starts. Outside a worker, the system's temporary folder."""
    try:
        from distributed import get_worker

        return str(get_worker().local_directory)
    except (ImportError, ValueError):
        return None


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
    from podcast.make.render import WORK_NAMES, render
    from voices.cache import SentenceCache

    started = time.monotonic()
    base = _synthesizer(ref)
    with _RENDER_LOCK, tempfile.TemporaryDirectory(prefix="audio-edition-", dir=_scratch()) as tmp:
        local = dataclasses.replace(settings, state=Path(tmp) / "state", site=Path(tmp) / "site")
        if music is not None:
            (Path(tmp) / "music").write_bytes(music)
            local = dataclasses.replace(
                local, audio=dataclasses.replace(local.audio, intro_music=str(Path(tmp) / "music"))
            )
        cache = SentenceCache(local.folders.sentences)
        for key, pcm in audio.items():
            cache.put_pcm(key, pcm)
        synth = Synthesizer(base.voice, ref.settings, cache, threads=base.threads,
                            prepared=base.prepared)  # fmt: skip
        synth.share_model(base)
        plan = dataclasses.replace(job.plan, voice=base.voice)
        if image is not None:  # the article's own image, sent: it becomes the artwork here too
            (Path(tmp) / "image").write_bytes(image)
            article = dataclasses.replace(plan.article, image_file=str(Path(tmp) / "image"))
            plan = dataclasses.replace(plan, article=article)
        rendered = render(
            plan, local, artwork, synth, previous=job.previous,
            workers=max(1, base.threads or os.cpu_count() or 1), review=False,
        )  # fmt: skip
        files = {name: (rendered.work / name).read_bytes() for name in WORK_NAMES.values()
                 if (rendered.work / name).is_file()}  # fmt: skip
        said = {}
        for key in set(rendered.sentence_keys) - set(audio):
            made = cache.get_pcm(key)
            if made is not None:
                said[key] = made
    return RemoteRender(_worker_name(), files, rendered, said, time.monotonic() - started)


def check_worker_voice(ref: VoiceRef, dask_worker: Any = None) -> str:
    """On a worker (``Client.run`` passes it): the error its copy of the voice would give,
    or an empty string."""
    try:
        worker_voice(ref, str(dask_worker.address) if dask_worker is not None else _worker_name())
    except ClusterError as error:
        return str(error)
    return ""
