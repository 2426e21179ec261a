"""Mastering with real ffmpeg: loudness and true peak measured independently on the MP3."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mutagen.mp3 import MP3

from audio.master import MasterSettings, master
from tests.audiocheck import decode, frame_bitrates, integrated_lufs, true_peak_dbtp

RATE = 22050


def speechlike(level: float, seconds: float = 12.0, seed: int = 1) -> np.ndarray:
    """Syllable-rate bursts of filtered noise with sharp peaks: a high peak-to-loudness ratio like speech."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    noise = np.convolve(rng.standard_normal(n), np.ones(6) / 6, mode="same")
    envelope = np.clip(np.sin(2 * np.pi * 4 * np.arange(n) / RATE), 0, None) ** 3
    envelope *= np.repeat(rng.uniform(0.2, 1.0, n // RATE + 1), RATE)[:n]
    signal = noise * envelope
    signal[:: RATE // 3] *= 4  # plosive-like spikes
    signal = signal / np.max(np.abs(signal)) * level
    return (signal * 32767).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(samples.tobytes())
    return path


@pytest.mark.parametrize("level", [0.05, 0.5, 0.99], ids=["quiet", "normal", "hot"])
def test_mp3_lands_on_target_loudness_and_peak(tmp_path: Path, level: float) -> None:
    wav = write_wav(tmp_path / "in.wav", speechlike(level))
    mp3 = tmp_path / "out.mp3"
    report = master(wav, mp3)
    samples, rate = decode(mp3)
    assert rate == 44100
    assert integrated_lufs(samples, rate) == pytest.approx(-16.0, abs=1.0)
    assert true_peak_dbtp(samples, rate) <= -1.0
    assert report.output_lufs == pytest.approx(integrated_lufs(samples, rate), abs=0.5)
    info = MP3(mp3).info
    assert info.bitrate == 64000
    assert info.length == pytest.approx(12.0, abs=0.1)


def test_other_targets_and_bitrate(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "in.wav", speechlike(0.5))
    mp3 = tmp_path / "out.mp3"
    master(wav, mp3, MasterSettings(target_lufs=-19.0, bitrate_kbps=96, sample_rate=48000))
    samples, rate = decode(mp3)
    assert rate == 48000
    assert integrated_lufs(samples, rate) == pytest.approx(-19.0, abs=1.0)
    assert MP3(mp3).info.bitrate == 96000


def test_silence_does_not_crash(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "in.wav", np.zeros(RATE * 2, dtype=np.int16))
    report = master(wav, tmp_path / "out.mp3")
    assert report.output_lufs <= -69.0
    assert report.passes == 1
    assert (tmp_path / "out.mp3").stat().st_size > 0


def paragraphs(
    count: int, seconds: float = 6.0, pause: float = 0.5
) -> tuple[np.ndarray, list[int]]:
    """Speech-like paragraphs with silent pauses, and a cut on an MP3 frame (576 samples) in each pause."""
    pieces, cuts, length = [], [], 0
    for index in range(count):
        speech = speechlike(0.5, seconds, seed=index + 1)
        pieces += [speech, np.zeros(int(pause * RATE), dtype=np.int16)]
        length += len(speech) + int(pause * RATE)
        if index < count - 1:
            middle = length - int(pause * RATE) // 2
            cuts.append(middle - middle % 576)
    return np.concatenate(pieces), cuts


def test_pieces_join_without_a_seam(tmp_path: Path) -> None:
    samples, cuts = paragraphs(4)
    wav = write_wav(tmp_path / "in.wav", samples)
    whole, joined = tmp_path / "whole.mp3", tmp_path / "joined.mp3"
    master(wav, whole)
    report = master(wav, joined, boundaries=cuts, workers=2)
    assert report.pieces == 4 and report.encoded == 4
    a, rate = decode(whole)
    b, _ = decode(joined)
    # exactly as long as the input, and every stretch of speech on the same sample
    assert len(a) == len(b) == len(samples) * 2
    for second in (1, 8, 14, 21):  # inside each paragraph's speech
        window = slice(second * rate, second * rate + 4410)
        lags = range(-20, 21)
        best = max(lags, key=lambda d: float(np.dot(a[window], np.roll(b, -d)[window])))
        assert best == 0
        assert np.corrcoef(a[window], b[window])[0, 1] > 0.98
    assert integrated_lufs(b, rate) == pytest.approx(-16.0, abs=1.0)
    assert true_peak_dbtp(b, rate) <= -1.0
    assert report.output_lufs == pytest.approx(integrated_lufs(b, rate), abs=0.3)
    assert frame_bitrates(joined)[0] == {64}
    # players see the same length as for one encode (mutagen counts frames: +1152 + delay)
    assert MP3(joined).info.length == MP3(whole).info.length
    assert MP3(joined).info.length == pytest.approx(len(samples) / RATE, abs=0.06)


def test_unchanged_pieces_come_from_the_cache(tmp_path: Path) -> None:
    from audio.piececache import PieceCache

    cache = PieceCache(tmp_path / "pieces")
    samples, cuts = paragraphs(3)
    wav = write_wav(tmp_path / "in.wav", samples)
    first = master(wav, tmp_path / "1.mp3", boundaries=cuts, cache=cache)
    assert first.encoded == 3
    # a rebuild starts from the last build's gain (the store keeps it): nothing to encode
    last = (first.gain, first.input_lufs)
    again = master(wav, tmp_path / "2.mp3", boundaries=cuts, cache=cache, previous=last)
    assert again.encoded == 0 and again.gain == first.gain
    assert (tmp_path / "1.mp3").read_bytes() == (tmp_path / "2.mp3").read_bytes()
    # an edit inside the second paragraph: only its piece is encoded again
    edited = samples.copy()
    edited[cuts[0] + RATE : cuts[0] + 2 * RATE] //= 2
    write_wav(wav, edited)
    after = master(
        wav,
        tmp_path / "3.mp3",
        boundaries=cuts,
        cache=cache,
        previous=(first.gain, first.input_lufs),
    )
    assert after.encoded == 1 and after.gain == first.gain
    decoded, rate = decode(tmp_path / "3.mp3")
    assert integrated_lufs(decoded, rate) == pytest.approx(-16.0, abs=1.0)
    assert set(after.cache_keys) <= cache.keys()
    # the pieces of passes that missed the target are not kept
    assert cache.keys() == set(first.cache_keys) | set(after.cache_keys)
    # a damaged piece on disk is noticed by its checksum and made again
    damaged = cache.folder / f"{after.cache_keys[0]}.mp3"
    damaged.write_bytes(damaged.read_bytes()[:500])
    mended = master(
        wav,
        tmp_path / "4.mp3",
        boundaries=cuts,
        cache=cache,
        previous=(after.gain, after.input_lufs),
    )
    assert mended.encoded == 1
    assert (tmp_path / "4.mp3").read_bytes() == (tmp_path / "3.mp3").read_bytes()


def test_a_quoted_piece_keeps_its_episodes_gain_and_is_not_encoded_again(tmp_path: Path) -> None:
    from audio.piececache import PieceCache
    from audio.pieces import WavReader, cut

    cache = PieceCache(tmp_path / "pieces")
    story, cuts = paragraphs(3)
    told = master(
        write_wav(tmp_path / "story.wav", story),
        tmp_path / "story.mp3",
        boundaries=cuts,
        cache=cache,
    )
    quote = story[cuts[0] : cuts[1]]  # its second paragraph, a piece of its own
    digest = cut(WavReader(tmp_path / "story.wav"), cuts)[1].digest

    def own(seed: int) -> np.ndarray:  # a line of the briefing's own, ending on an MP3 frame
        said = np.concatenate([speechlike(0.3, 3.0, seed=seed), np.zeros(RATE // 2, np.int16)])
        return np.concatenate([said, np.zeros(-len(said) % 576, np.int16)])

    head, tail = own(7), own(8)
    wav = write_wav(tmp_path / "briefing.wav", np.concatenate([head, quote, tail]))
    edges = [len(head), len(head) + len(quote)]
    report = master(
        wav, tmp_path / "b.mp3", boundaries=edges, cache=cache, quoted={digest: told.gain}
    )
    assert (report.pieces, report.quoted, report.encoded) == (3, 1, 2)
    assert report.gain != told.gain  # the briefing's own lines have a gain of their own
    # the quoted piece is the story's own MP3 piece, taken from the cache
    assert len(set(report.cache_keys) & set(told.cache_keys)) == 1
    samples, rate = decode(tmp_path / "b.mp3")
    assert integrated_lufs(samples, rate) == pytest.approx(-16.0, abs=0.7)
    assert report.output_lufs == pytest.approx(integrated_lufs(samples, rate), abs=0.3)
    assert true_peak_dbtp(samples, rate) <= -1.0
    assert MP3(tmp_path / "b.mp3").info.length == pytest.approx(len(samples) / rate, abs=0.06)
    # without a cache, the same MP3 (the quoted and the own pieces never share a work file)
    alone = master(wav, tmp_path / "n.mp3", boundaries=edges, quoted={digest: told.gain})
    assert alone.quoted == 1
    assert (tmp_path / "n.mp3").read_bytes() == (tmp_path / "b.mp3").read_bytes()
    # quoted at a gain far from the story's, the whole would miss: it is mastered as one
    before = cache.keys()
    loud = master(
        wav, tmp_path / "c.mp3", boundaries=edges, cache=cache, quoted={digest: told.gain + 12}
    )
    assert (loud.quoted, loud.encoded) == (0, 3)
    samples, rate = decode(tmp_path / "c.mp3")
    assert integrated_lufs(samples, rate) == pytest.approx(-16.0, abs=0.7)
    # the pieces made for the attempt that missed are not kept
    assert cache.keys() == before | set(loud.cache_keys)


def test_integrated_loudness_from_blocks_matches_independent_meters(tmp_path: Path) -> None:
    from audio.ffmpeg import run_ffmpeg
    from audio.loudness import blocks_of, integrated

    wav = write_wav(tmp_path / "in.wav", paragraphs(2)[0])
    samples, rate = decode(wav)
    blocks = blocks_of(samples.astype(np.float32), rate)
    assert len(blocks) == len(samples) // (rate // 10) - 3  # a 400 ms block every 100 ms
    stderr = run_ffmpeg(["-nostats", "-i", str(wav), "-af", "ebur128", "-f", "null", "-"]).stderr
    summary = float(stderr.decode().rsplit("I:", 1)[1].split("LUFS")[0])
    assert integrated(blocks) == pytest.approx(summary, abs=0.1)  # ffmpeg prints one decimal
    assert integrated(blocks) == pytest.approx(integrated_lufs(samples, rate), abs=0.1)
    assert integrated(blocks_of(np.zeros(rate, dtype=np.float32), rate)) == -70.0  # silence


def test_pieces_measured_together_as_if_each_were_alone() -> None:
    from audio.pieces import analyse

    samples, cuts = paragraphs(3)
    edges = [0, *cuts, len(samples)]
    pieces = [samples[a:b].tobytes() for a, b in zip(edges, edges[1:], strict=False)]
    together = analyse(pieces, RATE)
    alone = [analyse([piece], RATE)[0] for piece in pieces]
    assert together == alone  # each piece has a compressor of its own
    assert [len(b) for b in together] == [len(p) // 2 // (RATE // 10) - 3 for p in pieces]


@pytest.mark.parametrize(
    ("sizes", "groups", "totals"),
    [
        ([5, 1, 1, 1, 1, 1], 2, [5, 5]),
        ([3, 3, 2, 2], 2, [5, 5]),
        ([7, 1, 1], 3, [7, 1, 1]),
        ([4], 3, [4]),
        ([], 2, []),
    ],
)
def test_balanced_groups(sizes: list[int], groups: int, totals: list[int]) -> None:
    from audio.pieces import balanced

    found = balanced(sizes, groups)
    assert sorted(i for group in found for i in group) == list(range(len(sizes)))
    assert sorted(sum(sizes[i] for i in group) for group in found) == sorted(totals)


def test_pieces_joined_in_python_as_ffmpeg_joins_them(tmp_path: Path) -> None:
    import audio.master
    from audio.frames import _LAME, _TAG_CRC, _TAG_CRC_SPAN, crc16, split
    from audio.pieces import join, join_with_ffmpeg

    samples, cuts = paragraphs(4)
    wav = write_wav(tmp_path / "in.wav", samples)
    kept: list[tuple[Path, int]] = []

    def keep(parts: list[tuple[Path, int]], rate: int, mp3: Path) -> None:
        for index, (path, span) in enumerate(parts):
            copy = tmp_path / f"piece{index}.mp3"
            copy.write_bytes(path.read_bytes())
            kept.append((copy, span))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audio.master, "join", keep)
        master(wav, tmp_path / "unused.mp3", boundaries=cuts, workers=2)
    assert len(kept) == 4
    join(kept, 44100, tmp_path / "python.mp3")
    join_with_ffmpeg(kept, 44100, tmp_path / "ffmpeg.mp3")
    ours, theirs = (tmp_path / "python.mp3").read_bytes(), (tmp_path / "ffmpeg.mp3").read_bytes()
    mark = split(theirs).mark
    encoder = slice(mark + _LAME, mark + _LAME + 9)  # "Lavc63.1." (the encoder) or "Lavf"
    tag_crc = slice(mark + _TAG_CRC, mark + _TAG_CRC + 2)
    assert len(ours) == len(theirs)
    differ = [i for i in range(len(ours)) if ours[i] != theirs[i]]
    assert set(differ) <= set(range(len(ours))[encoder]) | set(range(len(ours))[tag_crc])
    # frame and byte counts, seek table, delay and padding, music length and CRC: as ffmpeg's
    for data in (ours, theirs):
        zeroed = bytearray(data[:_TAG_CRC_SPAN])
        zeroed[tag_crc] = b"\0\0"
        assert int.from_bytes(data[tag_crc], "big") == crc16(zeroed)
    a, _ = decode(tmp_path / "python.mp3")
    b, _ = decode(tmp_path / "ffmpeg.mp3")
    assert np.array_equal(a, b)
    assert MP3(tmp_path / "python.mp3").info.length == MP3(tmp_path / "ffmpeg.mp3").info.length


def test_pieces_that_are_not_our_mp3s_are_joined_by_ffmpeg(tmp_path: Path) -> None:
    import audio.pieces
    from audio.frames import NotJoinable, split

    with pytest.raises(NotJoinable):
        split(b"ID3\x04\x00" + bytes(300))
    calls: list[int] = []
    parts = [(tmp_path / "a.mp3", 1152), (tmp_path / "b.mp3", 1152)]
    for path, _ in parts:
        path.write_bytes(b"not an mp3 at all")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audio.pieces, "join_with_ffmpeg", lambda p, r, m: calls.append(len(p)))
        audio.pieces.join(parts, 44100, tmp_path / "out.mp3")
    assert calls == [2]


@given(st.binary(max_size=300), st.binary(max_size=3000))
def test_crc16_of_two_parts_from_the_crc_of_each(first: bytes, second: bytes) -> None:
    from audio.frames import crc16, crc16_combine

    assert crc16_combine(crc16(first), crc16(second), len(second)) == crc16(first + second)


def test_a_stuck_ffmpeg_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    import audio.ffmpeg
    import audio.pieces
    from audio.errors import FFmpegFailed

    def stuck(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired("ffmpeg", float(kwargs["timeout"]))  # type: ignore[arg-type]

    monkeypatch.setattr(audio.ffmpeg.subprocess, "run", stuck)
    with pytest.raises(FFmpegFailed, match=r"ffmpeg did not finish in 70 s; stopped it"):
        audio.pieces.analyse([bytes(2 * RATE * 10)], RATE)  # 10 s of audio: a minute more
