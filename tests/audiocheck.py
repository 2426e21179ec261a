"""Independent measurements for the tests: decode with ffmpeg, measure with pyloudnorm and pyebur128.

Nothing here uses the code under test, so a test that measures with these
cannot pass just because the code agrees with itself.
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np


def decode(path: Path, rate: int | None = None) -> tuple[np.ndarray, int]:
    """Decode any audio file to mono float64 samples with ffmpeg; returns (samples, rate)."""
    args = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-ac", "1"]
    if rate:
        args += ["-ar", str(rate)]
    args += ["-f", "f32le", "-acodec", "pcm_f32le", "-"]
    result = subprocess.run(args, capture_output=True, check=True)
    samples = np.frombuffer(result.stdout, dtype="<f4").astype(np.float64)
    if rate is None:
        probe = subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
            capture_output=True,
            text=True,
            check=False,
        ).stderr
        rate = int(probe.split(" Hz")[0].rsplit(" ", 1)[-1])
    return samples, rate


def integrated_lufs(samples: np.ndarray, rate: int) -> float:
    """BS.1770 integrated loudness with pyloudnorm."""
    import pyloudnorm

    return float(pyloudnorm.Meter(rate).integrated_loudness(samples))


def true_peak_dbtp(samples: np.ndarray, rate: int) -> float:
    """True peak in dBTP with libebur128 (pyebur128)."""
    import pyebur128

    state = pyebur128.R128State(1, rate, pyebur128.MeasurementMode.MODE_TRUE_PEAK)
    state.add_frames(np.ascontiguousarray(samples), len(samples))
    peak = pyebur128.get_true_peak(state, 0)
    return 20 * math.log10(peak) if peak > 0 else float("-inf")


def rms_db(samples: np.ndarray) -> float:
    """RMS level in dBFS."""
    if samples.size == 0:
        return float("-inf")
    value = float(np.sqrt(np.mean(samples**2)))
    return 20 * math.log10(value) if value > 0 else float("-inf")


_MPEG1_L3_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_MPEG1_RATES = (44100, 48000, 32000)


def frame_bitrates(path: Path) -> tuple[set[int], int]:
    """Walk an MP3's frames (MPEG-1 Layer III) from their headers: the bitrates (kbit/s) and frames seen."""
    data = path.read_bytes()
    offset = 0
    if data[:3] == b"ID3":
        size = data[6:10]
        offset = 10 + (size[0] << 21 | size[1] << 14 | size[2] << 7 | size[3])
    rates: set[int] = set()
    frames = 0
    while offset + 4 <= len(data):
        header = int.from_bytes(data[offset : offset + 4], "big")
        if header >> 21 != 0x7FF or (header >> 17) & 0xF != 0b1101:  # sync, MPEG-1, Layer III
            raise AssertionError(f"no MP3 frame header at byte {offset}")
        kbps = _MPEG1_L3_KBPS[(header >> 12) & 0xF]
        rate = _MPEG1_RATES[(header >> 10) & 0x3]
        padding = (header >> 9) & 1
        rates.add(kbps)
        frames += 1
        offset += 144 * kbps * 1000 // rate + padding
    return rates, frames
