"""The sound package's exceptions: one base, one subclass per failure."""


class AudioError(Exception):
    """Base class for every error raised by the sound package."""


class FFmpegMissing(AudioError):
    """No ffmpeg executable could be found."""


class FFmpegFailed(AudioError):
    """ffmpeg exited with an error."""


class MusicError(AudioError):
    """The intro music file cannot be read."""


class TagError(AudioError):
    """The MP3's ID3 tags cannot be written."""
