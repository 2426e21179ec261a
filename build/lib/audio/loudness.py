"""Loudness from BS.1770 gating blocks: each piece's blocks measured once, the episode's
integrated loudness computed from the blocks of all its pieces (libebur128, via pyebur128)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

#: BS.1770's absolute gate: at or below this, a programme counts as silent.
SILENT_LUFS = -69.0

#: Loudness given to a gating block with no energy at all (kept as a number, for JSON).
_NO_ENERGY = -200.0


def blocks_of(samples: np.ndarray, rate: int) -> list[float]:
    """The loudness (LUFS) of every 400 ms block of mono ``samples``, one every 100 ms.

    These are BS.1770's gating blocks (libebur128's momentary loudness once
    400 ms are in); :func:`integrated` gates and averages them.
    """
    import pyebur128

    state = pyebur128.R128State(1, rate, pyebur128.MeasurementMode.MODE_M)
    step = rate // 10
    blocks = []
    for start in range(0, len(samples) - step + 1, step):
        state.add_frames(samples[start : start + step], step)
        if start >= 3 * step:  # a block is 400 ms: the first ends after the fourth step
            blocks.append(round(max(pyebur128.get_loudness_momentary(state), _NO_ENERGY), 4))
    return blocks


def integrated(blocks: Iterable[float]) -> float:
    """BS.1770 integrated loudness from gating-block loudnesses (absolute and relative gates)."""
    loud = np.array([b for b in blocks if b > -70.0], dtype=np.float64)
    if loud.size == 0:
        return -70.0
    energy = 10 ** ((loud + 0.691) / 10)
    relative = -0.691 + 10 * math.log10(float(energy.mean())) - 10.0
    kept = energy[loud > relative]
    return -0.691 + 10 * math.log10(float(kept.mean()))
