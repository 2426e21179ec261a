"""Say sentences with piper, one voice loaded once per process and only when needed."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import SentenceCache
from .catalogue import VoiceInfo
from .errors import SynthesisError, VoiceLoadError

if TYPE_CHECKING:
    import numpy as np
    from piper import PiperVoice

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class SynthesisSettings:
    """How piper speaks. None keeps the voice's own value."""

    length_scale: float | None = None
    """Speaking rate: above 1 is slower, below 1 faster."""

    noise_scale: float | None = None
    """Variation in the generated audio."""

    noise_w_scale: float | None = None
    """Variation in phoneme durations."""

    speaker_id: int | None = None
    """Speaker of a multi-speaker voice."""

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain dict."""
        return asdict(self)

    def key(self) -> str:
        """A stable text form, for cache keys."""
        return ",".join(f"{k}={v}" for k, v in sorted(self.to_dict().items()))


def voice_identity(voice: VoiceInfo) -> str:
    """What identifies a voice's sound: its name, model size and config checksum."""
    try:
        config_sum = hashlib.sha256(voice.config.read_bytes()).hexdigest()
        size = voice.model.stat().st_size
    except OSError as error:
        raise VoiceLoadError(f"cannot read voice {voice.name}: {error}") from None
    return f"{voice.name}:{size}:{config_sum}"


def _load_piper(voice: VoiceInfo, threads: int, prepared: Path | None = None) -> PiperVoice:
    """A piper voice with its onnxruntime session limited to ``threads`` (0: its default).

    With ``prepared`` (a folder), the model is the quicker-to-run copy that
    :mod:`voices.prepare` keeps there (made on first use); without, the file as it is.
    """
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    from .prepare import forget, prepared_model  # numpy and onnx: only when a voice loads

    options = onnxruntime.SessionOptions()
    if threads > 0:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    config = PiperConfig.from_dict(json.loads(voice.config.read_text(encoding="utf-8")))

    def session(model: Path | bytes) -> Any:
        source = str(model) if isinstance(model, Path) else model
        return onnxruntime.InferenceSession(
            source, sess_options=options, providers=["CPUExecutionProvider"]
        )

    model: Path | bytes = voice.model
    if prepared is not None:
        try:
            model = prepared_model(voice.model, prepared)
        except Exception as error:  # onnx raises its own types; the voice itself may still load
            _LOGGER.info("cannot prepare voice %s, using it as it is: %s", voice.name, error)
    try:
        loaded = session(model)
    except Exception:
        if model is voice.model:
            raise
        _LOGGER.warning(
            "the prepared copy of voice %s did not load; using the original", voice.name
        )
        if isinstance(model, Path):
            forget(model)
        loaded = session(voice.model)
    return PiperVoice(session=loaded, config=config)


class Synthesizer:
    """Turns spoken sentences into 16-bit mono samples at the voice's sample rate.

    The piper model loads on the first sentence that is not in the cache, so a
    build whose sentences are all cached never pays for loading the voice.
    """

    def __init__(
        self,
        voice: VoiceInfo,
        settings: SynthesisSettings | None = None,
        cache: SentenceCache | None = None,
        threads: int = 0,
        prepared: Path | None = None,
        on_said: Callable[[int], None] | None = None,
    ) -> None:
        self.voice = voice
        self.settings = settings or SynthesisSettings()
        self.cache = cache
        self.threads = threads
        """onnxruntime intra-op threads; 0 lets onnxruntime choose (all cores)."""
        self.prepared = prepared
        """Folder of prepared (quicker) voice models; None loads the model as it is."""
        self._piper: PiperVoice | None = None
        self._voice_id = voice_identity(voice)
        self._lock = threading.Lock()
        self._said = 0  # sentences piper said in this synthesizer
        self._shared: Synthesizer | None = None
        self.on_said = on_said
        """Told how many sentences piper has said, after each one (the launcher uses it)."""

    @property
    def sample_rate(self) -> int:
        """Samples per second of everything this synthesizer returns."""
        return self.voice.sample_rate

    def _load(self) -> PiperVoice:
        with self._lock:
            return self._load_locked()

    def load(self) -> None:
        """Load the voice now, not at the first sentence no cache holds (a long-running
        service, so its first article does not wait for it)."""
        self._load()

    def share_model(self, other: Synthesizer) -> None:
        """Use ``other``'s model (the same voice), loaded when either first needs it: one copy
        in memory for both (a cluster worker renders each article with its own cache)."""
        if other._voice_id != self._voice_id:
            raise ValueError(f"{other.voice.name} is not {self.voice.name}")
        self._shared = other

    def _load_locked(self) -> PiperVoice:
        if self._piper is None and self._shared is not None:
            self._piper = self._shared._load()
        if self._piper is None:
            _LOGGER.info("loading voice %s from %s", self.voice.name, self.voice.model)
            try:
                self._piper = _load_piper(self.voice, self.threads, self.prepared)
            except Exception as error:  # onnxruntime raises its own types
                raise VoiceLoadError(
                    f"cannot load voice {self.voice.name}: {str(error).splitlines()[0]}"
                ) from None
        return self._piper

    def phonemes(self, spoken: str) -> str:
        """The phonemes piper will say for ``spoken`` (loads the voice)."""
        piper = self._load()
        return " ".join("".join(sentence) for sentence in piper.phonemize(spoken))

    def cache_key(self, spoken: str) -> str:
        """The sentence-cache key for ``spoken`` with this voice and these settings."""
        return SentenceCache.key(self._voice_id, self.settings.key(), spoken)

    def synthesize(self, spoken: str) -> np.ndarray:
        """Samples (int16) for one sentence, from the cache when possible."""
        key = self.cache_key(spoken) if self.cache is not None else ""
        if self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        samples = self._run_piper(spoken)
        if self.cache is not None:
            try:
                self.cache.put(key, samples)
            except OSError as error:  # a full disk costs the cache entry, not the episode
                _LOGGER.warning("cannot cache a sentence: %s", error)
        return samples

    def _run_piper(self, spoken: str) -> np.ndarray:
        import numpy as np  # lazily, as piper itself is
        from piper import SynthesisConfig

        piper = self._load()
        config = SynthesisConfig(
            speaker_id=self.settings.speaker_id,
            length_scale=self.settings.length_scale,
            noise_scale=self.settings.noise_scale,
            noise_w_scale=self.settings.noise_w_scale,
            # Loudness is set on the whole episode; per-sentence peak
            # normalisation would make the level jump between sentences.
            normalize_audio=False,
        )
        try:
            chunks = [chunk.audio_float_array for chunk in piper.synthesize(spoken, config)]
        except Exception as error:  # piper and onnxruntime raise their own types
            raise SynthesisError(f"piper failed on {spoken[:60]!r}: {error}") from None
        if not chunks:
            return np.zeros(0, dtype=np.int16)
        audio = np.concatenate(chunks)
        samples: np.ndarray = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)
        self._said += 1
        if self.on_said is not None:
            self.on_said(self._said)
        return samples
