"""An episode's MP3 made of pieces cut at pauses, each encoded on its own and kept.

Why: encoding the whole episode in one process leaves a core idle after the
last sentence, and an edit to one sentence would re-encode everything. Cut at
pauses, the pieces encode in parallel, and a piece whose samples and gain are
unchanged is taken from the cache instead of being encoded again.

How pieces join without a seam (MPEG-1 Layer III, 1152 samples per frame):

* A cut sits in a pause, at a multiple of 1152 output samples from the start
  (the assembler pads that pause by under one frame to put it there).
* LAME, given ``K`` samples, writes ``K / 1152 + 1`` frames when ``K`` is a
  multiple of 1152, and puts its 1105 samples of start-up delay in front.
  So a piece that spans ``L`` output samples is encoded from its first
  ``L - 1152`` samples and fills exactly ``L / 1152`` frames; the frame's
  worth it drops is the end of a pause, silent either way.
* The frames are joined as they are (:mod:`audio.frames`, as ffmpeg's muxer would);
  the file's Xing/LAME header takes the start delay from the first piece and
  the end padding from the last, so players trim exactly as for one encode.
  Every sentence lands at the same sample as in a single encode.

Loudness is measured on what ships: each piece's MP3 is decoded in the same
ffmpeg process (a loopback decoder), and BS.1770 gating blocks (400 ms, every
100 ms: the momentary loudness) are kept per piece, so the whole
episode's integrated loudness is computed from the blocks of all pieces,
cached ones included, without measuring anything twice. The compressed
programme before the gain is measured the same way, piece by piece (one
ffmpeg per worker, with a compressor for each piece), in parallel once the
episode is assembled (measuring during synthesis only took CPU from piper:
bench/RESULTS.md). The blocks come from libebur128
(pyebur128) on the samples ffmpeg hands back: it costs a quarter of ffmpeg's
own ebur128 filter, and keeps every block unrounded.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import AudioError, FFmpegFailed
from .ffmpeg import run_ffmpeg
from .loudness import blocks_of
from .piececache import CHAIN_VERSION

_LOGGER = logging.getLogger(__name__)

#: Samples per MPEG-1 Layer III frame.
FRAME = 1152
#: The gentle compressor in front of the gain (speech from piper peaks about 20 dB over
#: its loudness, which one gain cannot fit under the ceiling).
COMPRESSOR = "acompressor=threshold=-24dB:ratio=2.5:attack=5:release=150:knee=4"

#: Regroups samples into bigger frames before the filters. ffmpeg (7 and later) hands every
#: frame from thread to thread, so 1024-sample frames cost more in switching than in work;
#: the samples are the same (the MP3 is byte-identical), the CPU time about 5 % less.
_BIG_FRAMES = "asetnsamples=n=8192:p=0"


def frame_align(rate_in: int, rate_out: int) -> int:
    """Input samples per MP3 frame, or 0 when a frame is not a whole number of them."""
    samples, remainder = divmod(FRAME * rate_in, rate_out)
    return 0 if remainder else samples


@dataclass(frozen=True)
class Piece:
    """A stretch of the assembled episode, between two cuts."""

    start: int
    end: int
    """Input samples, end exclusive."""
    digest: str
    """Checksum of its samples and sample rate."""
    last: bool
    """The episode's final piece: encoded whole (the others are fed one frame short)."""


class WavReader:
    """Stretches of a 16-bit mono WAV, read when needed: the episode is never all in memory."""

    def __init__(self, wav: Path) -> None:
        import wave

        with wave.open(str(wav)) as handle:
            if handle.getnchannels() != 1 or handle.getsampwidth() != 2:
                raise AudioError(f"{wav} is not 16-bit mono")
            self.rate = handle.getframerate()
            self.frames = handle.getnframes()
        self.path = wav
        self._offset = wav.stat().st_size - self.frames * 2  # the data chunk ends the file

    def read(self, start: int, end: int) -> bytes:
        """Samples ``start`` to ``end`` (exclusive) as little-endian int16 bytes."""
        with self.path.open("rb") as handle:
            handle.seek(self._offset + start * 2)
            return handle.read((end - start) * 2)


def cut(wav: WavReader, boundaries: Sequence[int]) -> list[Piece]:
    """The pieces of ``wav`` between ``boundaries`` (sample indices)."""
    edges = [0, *(b for b in boundaries if 0 < b < wav.frames), wav.frames]
    pieces = []
    for index, (start, end) in enumerate(zip(edges, edges[1:], strict=False)):
        digest = hashlib.sha256(f"{wav.rate}:".encode() + wav.read(start, end)).hexdigest()
        pieces.append(Piece(start, end, digest, index == len(edges) - 2))
    return pieces


def _ffmpeg(args: list[str], data: bytes, seconds: float) -> bytes:
    """Run ffmpeg on ``data`` (stdin, ``seconds`` of audio) and return what it wrote to stdout.

    A run that takes longer than a minute plus the audio's own length (about a
    hundred times the usual) is stopped: a stuck ffmpeg fails the build, it
    does not hold up a night's batch.
    """
    result = run_ffmpeg(
        ["-nostats", "-loglevel", "error", *args], input_bytes=data, timeout=60.0 + seconds
    )
    return result.stdout


def analyse(pieces: Sequence[bytes], rate: int) -> list[list[float]]:
    """Loudness blocks of each of ``pieces`` (16-bit mono samples) after the compressor.

    One ffmpeg process for them all (a process costs about 30 ms of CPU to
    start): ``asegment`` splits the stream where one piece ends, each piece gets
    a compressor of its own, so each is compressed exactly as if alone.
    """
    lengths = [len(p) // 2 for p in pieces]
    if len(pieces) == 1:
        graph = f"[0:a]{_BIG_FRAMES},{COMPRESSOR},{_BIG_FRAMES}[out]"
    else:
        ends = "|".join(str(end) for end in np.cumsum(lengths)[:-1])
        labels = range(len(pieces))
        graph = (
            f"[0:a]{_BIG_FRAMES},asegment=samples={ends}{''.join(f'[s{i}]' for i in labels)};"
            + "".join(f"[s{i}]{COMPRESSOR}[c{i}];" for i in labels)
            + "".join(f"[c{i}]" for i in labels)
            + f"concat=n={len(pieces)}:v=0:a=1,{_BIG_FRAMES}[out]"
        )
    output = _ffmpeg(
        ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
         "-filter_complex", graph, "-map", "[out]", "-f", "s16le", "-"],
        b"".join(pieces),
        sum(lengths) / rate,
    )  # fmt: skip
    # 16 bits are plenty to measure: the compressor only lowers the level, so nothing clips
    compressed = np.frombuffer(output, dtype="<i2")
    if len(compressed) != sum(lengths):
        raise FFmpegFailed(f"ffmpeg returned {len(compressed)} samples for {sum(lengths)}")
    starts = [0, *np.cumsum(lengths)]
    return [blocks_of(compressed[a:b], rate) for a, b in zip(starts, starts[1:], strict=False)]


def balanced(sizes: Sequence[int], groups: int) -> list[list[int]]:
    """Indices of ``sizes`` in at most ``groups`` groups of about equal total, longest first."""
    bins: list[tuple[int, list[int]]] = [(0, []) for _ in range(max(1, groups))]
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        total, members = min(bins, key=lambda b: b[0])
        bins.remove((total, members))
        bins.append((total + sizes[index], [*members, index]))
    return [sorted(members) for _, members in bins if members]


@dataclass(frozen=True)
class EncodeSettings:
    """What an encoded piece depends on besides its samples."""

    gain: float
    ceiling: float
    bitrate_kbps: int
    sample_rate: int

    def key(self, piece: Piece, out_samples: int) -> str:
        """The cache key of ``piece`` encoded with these settings."""
        text = (
            f"{CHAIN_VERSION}|{piece.digest}|{self.gain:.2f}|{self.ceiling:.2f}|"
            f"{self.bitrate_kbps}|{self.sample_rate}|{out_samples}|{piece.last}"
        )
        return hashlib.sha256(text.encode()).hexdigest()


def encode(
    samples: bytes, rate: int, out_samples: int, s: EncodeSettings, mp3: Path
) -> list[float]:
    """Encode one piece to ``mp3`` and return the loudness blocks of the MP3 itself."""
    limit = 10 ** (s.ceiling / 20)
    # Speech from piper has nothing above 11 kHz, so 88.2 kHz is ample for the limiter to
    # catch the peaks between samples.
    chain = (
        f"{_BIG_FRAMES},{COMPRESSOR},volume={s.gain:.2f}dB,aresample=88200,"
        f"alimiter=limit={limit:.4f}:attack=1:release=50:level=disabled,"
        f"aresample={s.sample_rate},apad=whole_len={out_samples},atrim=end_sample={out_samples}"
    )
    decoded = _ffmpeg(
        ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-af", chain,
         "-ac", "1", "-c:a", "libmp3lame", "-b:a", f"{s.bitrate_kbps}k", "-compression_level", "7",
         "-write_xing", "1", "-id3v2_version", "0", "-f", "mp3", "-y", str(mp3),
         # decode what was just encoded, in the same process, and measure that
         "-dec", "0:0", "-filter_complex", f"[dec:0]{_BIG_FRAMES}[m]", "-map", "[m]",
         "-f", "s16le", "-"],
        samples,
        len(samples) / 2 / rate,
    )  # fmt: skip
    return blocks_of(np.frombuffer(decoded, dtype="<i2"), s.sample_rate)


def join(parts: Sequence[tuple[Path, int]], out_rate: int, mp3: Path) -> None:
    """Join encoded pieces (path, output samples spanned) into ``mp3`` frame by frame.

    In Python (:mod:`audio.frames`); with ffmpeg's concat demuxer only if a
    piece is not the MP3 that :func:`encode` writes.
    """
    from .frames import NotJoinable
    from .frames import join as join_frames

    if len(parts) == 1:
        shutil.copyfile(parts[0][0], mp3)
        return
    try:
        chunks = join_frames([path.read_bytes() for path, _ in parts])
    except NotJoinable as error:
        _LOGGER.info("joining the pieces with ffmpeg: %s", error)
        join_with_ffmpeg(parts, out_rate, mp3)
        return
    with mp3.open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)


def join_with_ffmpeg(parts: Sequence[tuple[Path, int]], out_rate: int, mp3: Path) -> None:
    """Join encoded pieces with ffmpeg's concat demuxer and stream copy."""
    listing = mp3.with_suffix(".pieces.txt")
    lines = []
    for path, span in parts:
        quoted = str(path.resolve()).replace("'", "'\\''")
        lines.append(f"file '{quoted}'")
        lines.append(f"duration {span / out_rate:.9f}")
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        run_ffmpeg(
            ["-y", "-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy",
             "-write_xing", "1", "-id3v2_version", "0", "-f", "mp3", str(mp3)]
        )  # fmt: skip
    finally:
        listing.unlink(missing_ok=True)


def run_parallel(jobs: Sequence[Callable[[], None]], workers: int) -> None:
    """Run ``jobs`` on ``workers`` threads (each job mostly waits on ffmpeg)."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            job()
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="encode") as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()
