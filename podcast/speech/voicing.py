"""Which voice reads an article, and the synthesizer that speaks with it."""

from __future__ import annotations

import logging

from podcast.core.errors import ArticleError
from podcast.core.settings import Settings
from voices.cache import SentenceCache
from voices.catalogue import VoiceInfo, find_voice, list_voices
from voices.language import primary
from voices.memory import huge_pages_gate
from voices.synth import SynthesisSettings, Synthesizer

_LOGGER = logging.getLogger(__name__)


def synthesis_settings(settings: Settings) -> SynthesisSettings:
    """How piper speaks, from the settings."""
    return SynthesisSettings(length_scale=settings.voice.length_scale)


def make_synthesizer(
    settings: Settings, voice: VoiceInfo | None = None, threads: int = 0
) -> Synthesizer:
    """A synthesizer with the sentence cache (the model loads only when needed)."""
    return Synthesizer(
        voice or find_voice(settings.voice.name, settings.voices_folder),
        synthesis_settings(settings),
        SentenceCache(settings.folders.sentences),
        threads=threads,
        prepared=settings.voice_cache,
        on_said=huge_pages_gate,
    )


def voice_for(settings: Settings, language: str, source: str = "article") -> VoiceInfo:
    """The configured voice if it speaks ``language``, else an installed voice that does.

    Raises :class:`ArticleError` when no installed voice speaks it, rather than
    reading the article with another language's rules.
    """
    configured = find_voice(settings.voice.name, settings.voices_folder)
    if primary(configured.language) == language:
        return configured
    installed = list_voices(settings.voices_folder)
    for voice in installed:
        if primary(voice.language) == language:
            _LOGGER.info("%s is in %s: reading it with %s", source, language, voice.name)
            return voice
    names = ", ".join(v.name for v in installed)
    raise ArticleError(
        f"{source} is in language {language!r}; no installed voice speaks it (installed: {names})"
    )
