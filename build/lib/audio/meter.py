"""A finished file's loudness and true peak, measured by ffmpeg's own ebur128 filter.

This is the meter ``audio-edition check`` and the tests hold the MP3s to: independent of the
BS.1770 blocks mastering computes with libebur128 (:mod:`audio.loudness`).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import FFmpegFailed
from .ffmpeg import run_ffmpeg


def _parse_summary(stderr: bytes) -> tuple[float, float | None]:
    text = stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:") :]
    loud = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if loud is None:  # pragma: no cover - ebur128 always prints its summary
        raise FFmpegFailed("ffmpeg printed no loudness summary")
    return float(loud.group(1)), float(peak.group(1)) if peak else None


def measure(
    path: Path, pre_filter: str = "", *, timeout: float | None = None
) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of an audio file, with ffmpeg's ebur128.

    ffmpeg is stopped after ``timeout`` seconds; by default a minute plus the file's own
    length (about a hundred times what it takes), so a stuck ffmpeg never holds a check up.
    """
    chain = (pre_filter + "," if pre_filter else "") + "ebur128=peak=true:framelog=verbose"
    limit = timeout if timeout is not None else 60.0 + _seconds(path)
    result = run_ffmpeg(
        ["-nostats", "-i", str(path), "-af", chain, "-f", "null", "-"], timeout=limit
    )
    loudness, peak = _parse_summary(result.stderr)
    return loudness, float("-inf") if peak is None else peak


def _seconds(path: Path) -> float:
    """The length of an audio file, as its header says (0 when it says nothing readable)."""
    from mutagen import File as MutagenFile
    from mutagen import MutagenError

    try:
        found = MutagenFile(str(path))
    except (MutagenError, OSError):
        return 0.0
    return float(getattr(getattr(found, "info", None), "length", 0.0) or 0.0)
