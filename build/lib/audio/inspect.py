"""What a sentence's audio is like, measured: length, pauses inside it, its ending, clipping.

Cheap numbers from the samples (int16 or float), for the editor's review to compare
with the voice's usual: a sentence said far faster or slower than the others, a long
silence inside a sentence, a sentence that stops mid-sound, samples at full scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: Blocks (seconds) the level is measured in.
FRAME = 0.01
#: A frame quieter than this (dBFS) is silence.
SILENCE_DB = -45.0
#: The ending is measured over this many seconds.
TAIL = 0.03


@dataclass(frozen=True)
class SoundFeatures:
    """Measurements of one sentence's audio."""

    seconds: float
    """Length, edge silence included."""
    voiced_seconds: float
    """From the first sound to the last."""
    longest_pause: float
    """The longest silence between its first and last sound, in seconds."""
    tail_db: float
    """Level of its last 30 ms (dBFS): speech that was cut off ends loud."""
    clipped: int
    """Samples at (or within 0.1 % of) full scale."""


def features(samples: np.ndarray, rate: int) -> SoundFeatures:
    """Measure one sentence's ``samples`` (int16, or float in −1…1) at ``rate`` Hz."""
    import numpy as np

    data = samples.astype(np.float32)
    if samples.dtype == np.int16:
        data /= 32768.0
    count = len(data)
    if count == 0:
        return SoundFeatures(0.0, 0.0, 0.0, -120.0, 0)
    frame = max(1, int(rate * FRAME))
    usable = count // frame * frame
    blocks = data[:usable].reshape(-1, frame) if usable else data.reshape(1, -1)
    level = 10 * np.log10(np.mean(blocks**2, axis=1) + 1e-12)
    loud = np.flatnonzero(level > SILENCE_DB)
    if len(loud) == 0:
        voiced, pause = 0.0, 0.0
    else:
        first, last = int(loud[0]), int(loud[-1])
        voiced = (last - first + 1) * frame / rate
        gaps = np.diff(loud) - 1
        pause = float(gaps.max()) * frame / rate if len(gaps) else 0.0
    tail = data[-max(1, int(rate * TAIL)) :]
    tail_db = float(10 * np.log10(np.mean(tail**2) + 1e-12))
    clipped = int(np.count_nonzero(np.abs(data) >= 0.999))
    return SoundFeatures(count / rate, voiced, pause, tail_db, clipped)
