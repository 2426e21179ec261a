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
import json
import logging
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import AudioError, FFmpegFailed
from .ffmpeg import ffmpeg_exe, run_ffmpeg

_LOGGER = logging.getLogger(__name__)

#: Samples per MPEG-1 Layer III frame.
FRAME = 1152
#: Version of the encoding chain, part of every cache key: bump it when the chain changes.
CHAIN_VERSION = "2"
#: The gentle compressor in front of the gain (speech from piper peaks about 20 dB over
#: its loudness, which one gain cannot fit under the ceiling).
COMPRESSOR = "acompressor=threshold=-24dB:ratio=2.5:attack=5:release=150:knee=4"
#: BS.1770's absolute gate: at or below this, a programme counts as silent.
SILENT_LUFS = -69.0

#: Regroups samples into bigger frames before the filters. ffmpeg (7 and later) hands every
#: frame from thread to thread, so 1024-sample frames cost more in switching than in work;
#: the samples are the same (the MP3 is byte-identical), the CPU time about 5 % less.
_BIG_FRAMES = "asetnsamples=n=8192:p=0"


def frame_align(rate_in: int, rate_out: int) -> int:
    """Input samples per MP3 frame, or 0 when a frame is not a whole number of them."""
    samples, remainder = divmod(FRAME * rate_in, rate_out)
    return 0 if remainder else samples


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


class PieceCache:
    """Encoded pieces and loudness blocks in a folder, named by content.

    ``<key>.mp3`` + ``<key>.json`` for an encoded piece (its loudness blocks
    and the MP3's checksum, checked on every read), ``a<version>-<digest>.json`` for the
    loudness blocks of a piece before its gain. Entries are written to a
    temporary file and renamed, so a crash never leaves half of one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _write(self, path: Path, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("blocks"), list):
            return None
        return data

    @staticmethod
    def analysis_key(digest: str) -> str:
        """The entry holding a piece's blocks before its gain (the chain's version is in it)."""
        return f"a{CHAIN_VERSION}-{digest}"

    def analysis(self, digest: str) -> list[float] | None:
        """Blocks of the compressed piece before its gain, if measured before."""
        data = self._read(self.folder / f"{self.analysis_key(digest)}.json")
        return None if data is None else [float(x) for x in data["blocks"]]

    def put_analysis(self, digest: str, blocks: list[float]) -> None:
        """Keep the blocks of a compressed piece."""
        path = self.folder / f"{self.analysis_key(digest)}.json"
        self._write(path, json.dumps({"blocks": blocks}).encode())

    def encoded(self, key: str) -> tuple[Path, list[float]] | None:
        """The MP3 of an encoded piece and its loudness blocks, if kept and intact."""
        mp3 = self.folder / f"{key}.mp3"
        data = self._read(self.folder / f"{key}.json")
        if data is None:
            return None
        try:
            intact = hashlib.sha256(mp3.read_bytes()).hexdigest() == data.get("sha256")
        except OSError:
            intact = False
        if not intact:
            _LOGGER.warning("discarding damaged MP3 piece %s", mp3)
            self.remove(key)
            return None
        return mp3, [float(x) for x in data["blocks"]]

    def put_encoded(self, key: str, mp3: Path, blocks: list[float]) -> Path:
        """Keep an encoded piece (``mp3`` is moved into the cache)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(mp3.read_bytes()).hexdigest()
        target = self.folder / f"{key}.mp3"
        os.replace(mp3, target)
        entry = {"blocks": blocks, "sha256": digest}
        self._write(self.folder / f"{key}.json", json.dumps(entry).encode())
        return target

    def keys(self) -> set[str]:
        """Every entry's key (analysis entries as :meth:`analysis_key` names them)."""
        if not self.folder.is_dir():
            return set()
        return {p.stem for p in self.folder.glob("*.json")}

    def remove(self, key: str) -> None:
        """Drop one entry."""
        for suffix in (".json", ".mp3"):
            (self.folder / f"{key}{suffix}").unlink(missing_ok=True)


def _ffmpeg(args: list[str], data: bytes, seconds: float) -> bytes:
    """Run ffmpeg on ``data`` (stdin, ``seconds`` of audio) and return what it wrote to stdout.

    A run that takes longer than a minute plus the audio's own length (about a
    hundred times the usual) is stopped: a stuck ffmpeg fails the build, it
    does not hold up a night's batch.
    """
    limit = 60.0 + seconds
    try:
        result = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", *args],
            input=data, capture_output=True, check=False, timeout=limit,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise FFmpegFailed(f"ffmpeg did not finish in {limit:.0f} s; stopped it") from None
    if result.returncode != 0:
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise FFmpegFailed(f"ffmpeg failed: {' '.join(tail) or 'no message'}")
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
