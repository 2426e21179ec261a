"""Loudness on the whole episode, then a constant-bitrate MP3.

Speech has a high peak-to-loudness ratio (piper's raw output is about 20 dB),
so one linear gain cannot reach −16 LUFS without breaking the −1 dBTP ceiling.
The chain is a gentle compressor, one gain, and a limiter running at four times
the sample rate (so it catches inter-sample peaks). The MP3 itself is measured
(BS.1770 integrated loudness and true peak, ffmpeg's ``ebur128``) and the gain
corrected until it lands within tolerance: what is checked is what ships.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from .ffmpeg import run_ffmpeg

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class MasterSettings:
    """Loudness and encoding targets."""

    target_lufs: float = -16.0
    """Integrated loudness (Apple's spoken-word guidance)."""

    max_true_peak: float = -1.0
    """True-peak ceiling of the finished MP3, in dBTP."""

    tolerance: float = 0.4
    """How close to ``target_lufs`` the MP3 must land, in LU."""

    bitrate_kbps: int = 64
    """Constant MP3 bitrate; 64 kbit/s mono is plenty for speech."""

    sample_rate: int = 44100
    """Output sample rate, the same for every episode of the show."""

    max_passes: int = 4
    """Encode-and-measure passes before giving up on a closer match."""


@dataclass(frozen=True)
class Loudness:
    """BS.1770 measurements of the source and of the finished MP3."""

    input_lufs: float
    input_true_peak: float
    output_lufs: float
    output_true_peak: float
    passes: int
    """Encode-and-measure passes it took."""


#: BS.1770's absolute gate: at or below this, a programme counts as silent.
SILENT_LUFS = -69.0

_COMPRESSOR = "acompressor=threshold=-24dB:ratio=2.5:attack=5:release=150:knee=4"


def measure(path: Path, pre_filter: str = "") -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of an audio file, with ffmpeg's ebur128."""
    chain = (pre_filter + "," if pre_filter else "") + "ebur128=peak=true"
    result = run_ffmpeg(["-nostats", "-i", str(path), "-af", chain, "-f", "null", "-"])
    text = result.stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:") :]
    loud = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if loud is None or peak is None:  # pragma: no cover - ebur128 always prints its summary
        raise ValueError(f"no loudness summary for {path}")
    return float(loud.group(1)), float(peak.group(1))


def _encode(wav: Path, mp3: Path, gain: float, ceiling: float, s: MasterSettings) -> None:
    limit = 10 ** (ceiling / 20)
    over = s.sample_rate * 4
    chain = (
        f"{_COMPRESSOR},volume={gain:.2f}dB,aresample={over},"
        f"alimiter=limit={limit:.4f}:attack=1:release=50:level=disabled,aresample={s.sample_rate}"
    )
    run_ffmpeg(
        ["-y", "-i", str(wav), "-af", chain, "-ac", "1", "-c:a", "libmp3lame",
         "-b:a", f"{s.bitrate_kbps}k", "-write_xing", "1", "-id3v2_version", "0",
         "-f", "mp3", str(mp3)]
    )  # fmt: skip


def master(wav: Path, mp3: Path, settings: MasterSettings | None = None) -> Loudness:
    """Normalise ``wav`` to the loudness target and encode it to ``mp3`` (CBR)."""
    s = settings or MasterSettings()
    input_lufs, input_peak = measure(wav)
    compressed_lufs, _ = measure(wav, _COMPRESSOR)
    gain = 0.0 if compressed_lufs <= SILENT_LUFS else s.target_lufs - compressed_lufs
    ceiling = s.max_true_peak - 0.8
    lufs, peak = float("-inf"), 0.0
    passes = 0
    for passes in range(1, s.max_passes + 1):
        _encode(wav, mp3, gain, ceiling, s)
        lufs, peak = measure(mp3)
        _LOGGER.debug(
            "pass %d: gain %.2f dB, ceiling %.2f → %.2f LUFS, %.2f dBTP",
            passes,
            gain,
            ceiling,
            lufs,
            peak,
        )
        if lufs <= SILENT_LUFS:
            break  # nothing above BS.1770's absolute gate: no gain can help
        close = abs(lufs - s.target_lufs) <= s.tolerance
        if close and peak <= s.max_true_peak:
            break
        gain += s.target_lufs - lufs
        if peak > s.max_true_peak:
            ceiling -= peak - s.max_true_peak + 0.2
    loudness = Loudness(input_lufs, input_peak, lufs, peak, passes)
    _LOGGER.info("loudness %s", loudness)
    return loudness
