"""Loudness on the whole episode, then a constant-bitrate MP3.

Speech has a high peak-to-loudness ratio (piper's raw output is about 20 dB),
so one linear gain cannot reach −16 LUFS without breaking the −1 dBTP ceiling.
The chain is a gentle compressor, one gain, and a limiter running at
88.2 kHz (so it catches inter-sample peaks), then LAME at a constant
bitrate. The gain comes from the compressed programme's integrated loudness,
measured while the episode is still being assembled (:class:`Analyzer` is fed
the samples as they are written), plus the loudness the limiter and the
encoder are known to take away. The MP3 itself is then measured (BS.1770
integrated loudness and true peak, ffmpeg's ``ebur128``) and, only if it
missed, the gain is corrected and the MP3 made again: what is checked is what
ships.
"""

from __future__ import annotations

import logging
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import FFmpegFailed
from .ffmpeg import ffmpeg_exe, run_ffmpeg

_LOGGER = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class Loudness:
    """BS.1770 measurements: the compressed programme before the gain, and the finished MP3."""

    input_lufs: float
    output_lufs: float
    output_true_peak: float
    passes: int
    """Encode-and-measure passes it took."""


#: BS.1770's absolute gate: at or below this, a programme counts as silent.
SILENT_LUFS = -69.0
#: Loudness the limiter and the MP3 encoder take away from speech at the default
#: ceiling, so the first encode usually lands within tolerance (measured on the
#: bundled voice: bench/RESULTS.md).
EXPECTED_LOSS = 1.0

COMPRESSOR = "acompressor=threshold=-24dB:ratio=2.5:attack=5:release=150:knee=4"


def _parse_summary(stderr: bytes) -> tuple[float, float | None]:
    text = stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:") :]
    loud = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if loud is None:  # pragma: no cover - ebur128 always prints its summary
        raise FFmpegFailed("ffmpeg printed no loudness summary")
    return float(loud.group(1)), float(peak.group(1)) if peak else None


def measure(path: Path, pre_filter: str = "") -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of an audio file, with ffmpeg's ebur128."""
    chain = (pre_filter + "," if pre_filter else "") + "ebur128=peak=true"
    result = run_ffmpeg(["-nostats", "-i", str(path), "-af", chain, "-f", "null", "-"])
    loudness, peak = _parse_summary(result.stderr)
    return loudness, float("-inf") if peak is None else peak


class Analyzer:
    """Measures the compressed programme's loudness while it is being written.

    Feed it 16-bit mono samples as they are assembled; an ffmpeg process runs
    the compressor and ``ebur128`` on them on the other core, so the
    measurement is ready the moment assembly ends.
    """

    def __init__(self, rate: int) -> None:
        self._process = subprocess.Popen(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-f", "s16le", "-ar", str(rate),
             "-ac", "1", "-i", "pipe:0", "-af", f"{COMPRESSOR},ebur128", "-f", "null", "-"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self._stderr = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stderr is not None
        self._stderr = self._process.stderr.read()

    def feed(self, samples: np.ndarray) -> None:
        """Add samples to the programme."""
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(samples.astype("<i2").tobytes())
        except BrokenPipeError:
            pass  # reported by result()

    def result(self) -> float:
        """Integrated loudness (LUFS) of everything fed, compressed."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait()
        self._reader.join()
        if self._process.returncode != 0:
            raise FFmpegFailed("ffmpeg could not measure the episode's loudness")
        return _parse_summary(self._stderr)[0]

    def close(self) -> None:
        """Stop the measuring process (when the episode was abandoned)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._reader.join()


def _encode(wav: Path, mp3: Path, gain: float, ceiling: float, s: MasterSettings) -> None:
    limit = 10 ** (ceiling / 20)
    # Speech from piper has nothing above 11 kHz, so 88.2 kHz is ample to catch the
    # peaks between samples; the MP3's true peak is measured afterwards all the same.
    over = 88200
    chain = (
        f"{COMPRESSOR},volume={gain:.2f}dB,aresample={over},"
        f"alimiter=limit={limit:.4f}:attack=1:release=50:level=disabled,aresample={s.sample_rate}"
    )
    run_ffmpeg(
        ["-y", "-i", str(wav), "-af", chain, "-ac", "1", "-c:a", "libmp3lame",
         "-b:a", f"{s.bitrate_kbps}k", "-compression_level", "7", "-write_xing", "1", "-id3v2_version", "0",
         "-f", "mp3", str(mp3)]
    )  # fmt: skip


def master(
    wav: Path,
    mp3: Path,
    settings: MasterSettings | None = None,
    *,
    compressed_lufs: float | None = None,
) -> Loudness:
    """Normalise ``wav`` to the loudness target and encode it to ``mp3`` (CBR).

    ``compressed_lufs`` is the :class:`Analyzer`'s measurement, when the caller
    had one running; otherwise it is measured here.
    """
    s = settings or MasterSettings()
    if compressed_lufs is None:
        compressed_lufs, _ = _parse_summary(
            run_ffmpeg(
                ["-nostats", "-i", str(wav), "-af", f"{COMPRESSOR},ebur128", "-f", "null", "-"]
            ).stderr
        )
    silent = compressed_lufs <= SILENT_LUFS
    gain = 0.0 if silent else s.target_lufs - compressed_lufs + EXPECTED_LOSS
    ceiling = s.max_true_peak - 1.2
    lufs, peak = float("-inf"), 0.0
    previous: tuple[float, float] | None = None  # (gain, lufs) of the pass before
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
        if abs(lufs - s.target_lufs) <= s.tolerance and peak <= s.max_true_peak:
            break
        # Under limiting, a dB more gain gives less than a dB more loudness: step by the
        # slope the last two passes showed (secant), never less than 0.3 LU per dB.
        slope = 1.0
        if previous is not None and abs(gain - previous[0]) > 0.05:
            slope = min(1.0, max(0.3, (lufs - previous[1]) / (gain - previous[0])))
        previous = (gain, lufs)
        gain += (s.target_lufs - lufs) / slope
        if peak > s.max_true_peak:
            ceiling -= peak - s.max_true_peak + 0.2
    loudness = Loudness(compressed_lufs, lufs, peak, passes)
    _LOGGER.info("loudness %s", loudness)
    return loudness
