"""Loudness on the whole episode, then a constant-bitrate MP3 made of pieces.

Speech has a high peak-to-loudness ratio (piper's raw output is about 20 dB),
so one linear gain cannot reach −16 LUFS without breaking the −1 dBTP ceiling.
The chain is a gentle compressor, one gain, and a limiter running at
88.2 kHz (so it catches inter-sample peaks), then LAME at a constant bitrate.

The episode is encoded in pieces cut at pauses (:mod:`audio.pieces`): in
parallel, and a piece already encoded with the same samples and gain is
reused. The gain comes from the compressed programme's integrated loudness,
measured piece by piece (in parallel, and kept), plus the
loudness the limiter and the encoder are known to take away. The MP3's own
loudness (each piece decoded as it is encoded) decides whether that gain
landed; only if it missed is the gain corrected and the pieces made again.
The true peak is held by the limiter's ceiling, 1.2 dB under the limit to
leave room for the encoder; ``audio-edition check`` and the tests measure it
on the finished MP3 (:func:`audio.meter.measure`).

An episode that quotes others (a daily briefing reads its stories' opening
paragraphs) keeps each quoted piece at the gain its own episode gave it, so
the piece is not encoded again: each story sounds as loud as in its own
episode, and the briefing's own lines get a gain of their own. The whole is
still measured, and mastered as one programme if it misses the target.
"""

from __future__ import annotations

import logging
import math
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .loudness import SILENT_LUFS, integrated
from .piececache import PieceCache
from .pieces import (
    COMPRESSOR,
    FRAME,
    EncodeSettings,
    Piece,
    WavReader,
    analyse,
    balanced,
    cut,
    encode,
    join,
    run_parallel,
)
from .targets import MasterSettings

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loudness:
    """What mastering measured and did."""

    input_lufs: float
    """The compressed programme before the gain."""
    output_lufs: float
    """The MP3, decoded."""
    gain: float
    """Gain applied after the compressor, in dB."""
    ceiling: float
    """The limiter's ceiling in dBTP: the true peak stays under it, less the encoder's overshoot."""
    passes: int
    """Encode-and-measure passes it took."""
    pieces: int = 1
    """Pieces the MP3 was made of."""
    encoded: int = 1
    """Pieces of the MP3 encoded in this run (the rest came from the cache)."""
    cache_keys: tuple[str, ...] = ()
    """The piece-cache entries the MP3 and its measurement came from."""
    quoted: int = 0
    """Pieces kept at the gain of the episode they were quoted from (``gain`` is the rest's)."""


#: Loudness the limiter and the MP3 encoder take away from speech at the default
#: ceiling, so the first encode usually lands within tolerance: with 1.0, the 23 MP3s
#: of a benchmark run (bundled voice, bench/run.py) measured -16.5 to -16.3 LUFS.
EXPECTED_LOSS = 1.4
#: When the compressed programme's loudness moved by no more than this since the
#: episode's last build, that build's gain is used as it was, so the unchanged pieces
#: of an edited episode come from the cache.
SAME_PROGRAMME_LU = 0.2
#: Most audio one measuring process is given (its input and output are held in memory: with
#: 300 s, a 60-minute article peaked at 600 MB instead of 500).
ANALYSIS_SECONDS = 200.0

__all__ = ["COMPRESSOR", "SILENT_LUFS", "Loudness", "MasterSettings", "master"]


def master(
    wav: Path,
    mp3: Path,
    settings: MasterSettings | None = None,
    *,
    boundaries: Sequence[int] = (),
    cache: PieceCache | None = None,
    previous: tuple[float, float] | None = None,
    workers: int = 1,
    quoted: Mapping[str, float] | None = None,
) -> Loudness:
    """Normalise ``wav`` (16-bit mono) to the loudness target and encode it to ``mp3`` (CBR).

    ``boundaries`` are the sample indices where the assembler cut the episode
    at pauses aligned to MP3 frames (none: one piece). ``cache`` keeps pieces
    and their loudness between builds. ``previous`` is (gain, input loudness) of this
    episode's last build: the gain that landed then, moved by however much the
    compressed programme's loudness moved, is a better start than the
    prediction; unmoved, it is used as it was, so unchanged pieces are reused.
    ``workers`` pieces are encoded at once.

    ``quoted`` maps the checksum of a piece's samples to the gain it was mastered at in
    another episode (a briefing quotes its stories' opening paragraphs): such a piece keeps
    that gain, so its encoded MP3 comes from the cache, and the rest get a gain of their own.
    When the whole then misses the target, it is mastered as one programme after all.
    """
    s = settings or MasterSettings()
    reader = WavReader(wav)
    pieces = cut(reader, boundaries)
    work = Path(tempfile.mkdtemp(prefix="pieces-", dir=mp3.parent))
    try:
        landed = None
        if quoted and any(p.digest in quoted for p in pieces):
            landed = _master_quoting(reader, pieces, quoted, s, cache, previous, workers, work)
            if landed is None:
                _LOGGER.info("quoted pieces at their own gains missed the target: one gain for all")
        loudness, made = landed or _master_whole(reader, pieces, s, cache, previous, workers, work)
        join(made, s.sample_rate, mp3)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _LOGGER.info("loudness %s", loudness)
    return loudness


def _start_gain(
    compressed: float, s: MasterSettings, previous: tuple[float, float] | None
) -> float:
    """The first pass's gain: the prediction, or the last build's gain moved with the programme."""
    if compressed <= SILENT_LUFS:
        return 0.0
    if previous is None:
        return s.target_lufs - compressed + EXPECTED_LOSS
    moved = compressed - previous[1]
    return previous[0] if abs(moved) <= SAME_PROGRAMME_LU else previous[0] - moved


def _settings(gain: float, s: MasterSettings) -> EncodeSettings:
    return EncodeSettings(
        round(gain, 2), round(s.max_true_peak - s.headroom, 2), s.bitrate_kbps, s.sample_rate
    )


def _landed(lufs: float, s: MasterSettings) -> bool:
    return lufs <= SILENT_LUFS or abs(lufs - s.target_lufs) <= s.tolerance


@dataclass(frozen=True)
class _Passes:
    """Pieces encoded at one gain until they landed (or the passes ran out)."""

    settings: EncodeSettings
    lufs: float
    passes: int
    made: list[tuple[Path, int]]
    blocks: list[float]
    keys: list[str]
    fresh: set[str]


def _at_one_gain(
    reader: WavReader,
    pieces: list[Piece],
    gain: float,
    s: MasterSettings,
    cache: PieceCache | None,
    workers: int,
    work: Path,
) -> _Passes:
    """``pieces`` at one gain, from ``gain`` on, corrected pass by pass until they land."""
    lufs = float("-inf")
    before: tuple[float, float] | None = None  # (gain, lufs) of the pass before
    passes = 0
    made: list[tuple[Path, int]] = []
    blocks: list[float] = []
    keys: list[str] = []
    fresh: set[str] = set()
    missed: list[str] = []  # pieces encoded for passes that missed, kept by no episode
    used = _settings(gain, s)
    for passes in range(1, s.max_passes + 1):
        missed += [k for k in keys if k in fresh]
        used = _settings(gain, s)
        made, blocks, fresh, keys = _encode_pieces(
            reader, pieces, [used] * len(pieces), cache, work, workers
        )
        lufs = integrated(blocks)
        _LOGGER.debug(
            "pass %d: gain %.2f dB, %d of %d pieces encoded → %.2f LUFS",
            passes, gain, len(fresh), len(pieces), lufs,
        )  # fmt: skip
        if _landed(lufs, s):
            break
        # Under limiting, a dB more gain gives less than a dB more loudness: step by the
        # slope the last two passes showed (secant), never less than 0.3 LU per dB.
        slope = 1.0
        if before is not None and abs(gain - before[0]) > 0.05:
            slope = min(1.0, max(0.3, (lufs - before[1]) / (gain - before[0])))
        before = (gain, lufs)
        gain += (s.target_lufs - lufs) / slope
    if cache is not None:
        for key in set(missed) - set(keys):
            cache.remove(key)
    return _Passes(used, lufs, passes, made, blocks, keys, fresh)


def _master_whole(
    reader: WavReader,
    pieces: list[Piece],
    s: MasterSettings,
    cache: PieceCache | None,
    previous: tuple[float, float] | None,
    workers: int,
    work: Path,
) -> tuple[Loudness, list[tuple[Path, int]]]:
    """One gain for the whole programme."""
    compressed = _compressed_loudness(reader, pieces, cache, workers)
    done = _at_one_gain(
        reader, pieces, _start_gain(compressed, s, previous), s, cache, workers, work
    )
    loudness = Loudness(
        compressed,
        done.lufs,
        done.settings.gain,
        done.settings.ceiling,
        done.passes,
        len(pieces),
        len(done.fresh),
        tuple(done.keys) + tuple(PieceCache.analysis_key(p.digest) for p in pieces),
    )
    return loudness, done.made


def _master_quoting(
    reader: WavReader,
    pieces: list[Piece],
    quoted: Mapping[str, float],
    s: MasterSettings,
    cache: PieceCache | None,
    previous: tuple[float, float] | None,
    workers: int,
    work: Path,
) -> tuple[Loudness, list[tuple[Path, int]]] | None:
    """Each quoted piece at its own episode's gain, the episode's own pieces mastered as a
    programme of their own; None (its new pieces dropped) when the whole misses the target."""
    own = [i for i, p in enumerate(pieces) if p.digest not in quoted]
    said = [i for i, p in enumerate(pieces) if p.digest in quoted]
    compressed = SILENT_LUFS
    done = None
    if own:
        mine = [pieces[i] for i in own]
        compressed = _compressed_loudness(reader, mine, cache, workers)
        start = _start_gain(compressed, s, previous)
        done = _at_one_gain(reader, mine, start, s, cache, workers, work)
    settings = [_settings(quoted[pieces[i].digest], s) for i in said]
    made, blocks, fresh, keys = _encode_pieces(
        reader, [pieces[i] for i in said], settings, cache, work, workers
    )
    by_index = dict(zip(said, zip(made, keys, strict=True), strict=True))
    if done is not None:
        blocks += done.blocks
        fresh |= done.fresh
        by_index |= dict(zip(own, zip(done.made, done.keys, strict=True), strict=True))
    lufs = integrated(blocks)
    _LOGGER.debug(
        "%d of %d pieces quoted, %d encoded → %.2f LUFS", len(said), len(pieces), len(fresh), lufs
    )
    if not _landed(lufs, s):
        if cache is not None:
            for key in fresh:
                cache.remove(key)
        return None
    used = done.settings if done is not None else _settings(0.0, s)
    loudness = Loudness(
        compressed,
        lufs,
        used.gain,
        used.ceiling,
        done.passes if done is not None else 1,
        len(pieces),
        len(fresh),
        tuple(by_index[i][1] for i in range(len(pieces)))
        + tuple(PieceCache.analysis_key(pieces[i].digest) for i in own),
        quoted=len(said),
    )
    return loudness, [by_index[i][0] for i in range(len(pieces))]


def _compressed_loudness(
    reader: WavReader,
    pieces: list[Piece],
    cache: PieceCache | None,
    workers: int,
) -> float:
    """Integrated loudness of the compressed programme, from every piece's blocks."""
    found: dict[str, list[float]] = {}
    missing: dict[str, Piece] = {}  # by digest: a piece that recurs is measured once
    for piece in pieces:
        if piece.digest in found or piece.digest in missing:
            continue
        cached = cache.analysis(piece.digest) if cache else None
        if cached is not None:
            found[piece.digest] = cached
        else:
            missing[piece.digest] = piece

    def job(group: list[Piece]) -> Callable[[], None]:
        def run() -> None:
            measured = analyse([reader.read(p.start, p.end) for p in group], reader.rate)
            for piece, blocks in zip(group, measured, strict=True):
                found[piece.digest] = blocks
                if cache is not None:
                    try:
                        cache.put_analysis(piece.digest, blocks)
                    except OSError as error:  # a full disk costs the cache entry, not the episode
                        _LOGGER.warning("cannot keep loudness blocks: %s", error)

        return run

    todo = list(missing.values())
    sizes = [p.end - p.start for p in todo]
    # one process per worker, but none holding more than ANALYSIS_SECONDS of audio in memory
    groups = max(workers, math.ceil(sum(sizes) / (ANALYSIS_SECONDS * reader.rate)))
    run_parallel([job([todo[i] for i in g]) for g in balanced(sizes, groups)], workers)
    return integrated(b for piece in pieces for b in found[piece.digest])


def _encode_pieces(
    reader: WavReader,
    pieces: list[Piece],
    settings: Sequence[EncodeSettings],
    cache: PieceCache | None,
    work: Path,
    workers: int,
) -> tuple[list[tuple[Path, int]], list[float], set[str], list[str]]:
    """Every piece encoded with its ``settings`` (from the cache when kept).

    Returns (path, span) of each piece, the loudness blocks of all, the keys of
    the pieces encoded now and the keys of all.
    """
    out: list[tuple[Path, list[float]] | None] = [None] * len(pieces)
    spans = [
        (p.end - p.start) * s.sample_rate // reader.rate
        for p, s in zip(pieces, settings, strict=True)
    ]
    todo = []
    keys = []
    for index, piece in enumerate(pieces):
        feed = spans[index] if piece.last else spans[index] - FRAME
        key = settings[index].key(piece, feed)
        keys.append(key)
        kept = cache.encoded(key) if cache else None
        if kept is not None:
            out[index] = kept
        else:
            todo.append((index, piece, feed, key))

    def job(index: int, piece: Piece, feed: int, key: str) -> Callable[[], None]:
        def run() -> None:
            path = work / f"{piece.start:012d}.mp3"  # unique in the episode, not the subset
            samples = reader.read(piece.start, piece.end)
            blocks = encode(samples, reader.rate, feed, settings[index], path)
            if cache is not None:
                try:
                    path = cache.put_encoded(key, path, blocks)
                except OSError as error:
                    _LOGGER.warning("cannot keep an encoded piece: %s", error)
            out[index] = (path, blocks)

        return run

    todo.sort(key=lambda t: t[1].start - t[1].end)  # longest first: the workers finish together
    run_parallel([job(*t) for t in todo], workers)
    made = [(entry[0], spans[i]) for i, entry in enumerate(out) if entry is not None]
    blocks = [b for entry in out if entry is not None for b in entry[1]]
    return made, blocks, {t[3] for t in todo}, keys
