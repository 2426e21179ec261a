"""The speech package's exceptions: one base, one subclass per failure."""


class VoiceError(Exception):
    """Base class for every error raised by the speech package."""


class UnknownVoice(VoiceError):
    """The requested voice is not in the catalogue."""


class VoiceLoadError(VoiceError):
    """A voice's model or config file is missing or cannot be loaded."""


class SynthesisError(VoiceError):
    """Piper failed to synthesise a sentence."""


class EmptyScript(VoiceError):
    """Nothing speakable is left in the article after cleaning."""
