"""What an episode's sound is made to: pauses, intro music, loudness and encoding.

These values are light (no numpy), so the application's settings take their
defaults from here: one place for each default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Pauses:
    """Silence, in milliseconds, between the parts of an episode."""

    sentence: int = 350
    """After a sentence inside a paragraph."""

    paragraph: int = 750
    """After the last sentence of a paragraph."""

    heading: int = 1000
    """Before and after a heading."""

    intro: int = 900
    """After the intro, before the article starts."""

    lead: int = 250
    """Silence at the very start."""

    tail: int = 1000
    """Silence at the very end."""


@dataclass(frozen=True)
class Music:
    """Intro music: a file (any format ffmpeg reads) or the generated chime."""

    path: Path | None = None
    """The music file; None for the generated chime."""

    mode: str = "before"
    """``before``: music, then the first words; ``under``: a bed ducked under the intro."""

    max_seconds: float = 8.0
    """Music longer than this is cut with a fade."""

    duck_db: float = 18.0
    """How far the bed is lowered under speech (``under`` mode)."""


@dataclass(frozen=True)
class MasterSettings:
    """Loudness and encoding targets."""

    target_lufs: float = -16.0
    """Integrated loudness (Apple's spoken-word guidance)."""

    max_true_peak: float = -1.0
    """True-peak ceiling of the finished MP3, in dBTP."""

    tolerance: float = 0.5
    """How close to ``target_lufs`` the MP3 must land, in LU."""

    bitrate_kbps: int = 64
    """Constant MP3 bitrate; 64 kbit/s mono is plenty for speech."""

    sample_rate: int = 44100
    """Output sample rate, the same for every episode of the show."""

    max_passes: int = 4
    """Encode-and-measure passes before giving up on a closer match."""

    headroom: float = 1.2
    """The limiter's ceiling sits this far under ``max_true_peak``, for the encoder."""
