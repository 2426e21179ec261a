"""Assembly with stand-in speech (tones): pauses, timeline, intro music before and under."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from audio.assemble import Music, Part, Pauses, assemble, chime, gap_after
from tests.audiocheck import rms_db

RATE = 22050


def tone(seconds: float, freq: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * 32767 * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as wav:
        assert wav.getframerate() == RATE and wav.getnchannels() == 1
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16) / 32768.0


PARTS = [
    Part(tone(0.5), "intro", True),
    Part(tone(0.4), "heading", True),
    Part(tone(0.6), "body", False),
    Part(tone(0.3), "body", True),
    Part(tone(0.2), "outro", True),
]


@pytest.mark.parametrize(
    ("part", "following", "expected"),
    [
        (PARTS[0], PARTS[1], 900),
        (PARTS[1], PARTS[2], 1000),
        (PARTS[2], PARTS[3], 350),
        (PARTS[3], PARTS[4], 750),
        (PARTS[4], None, 1000),
        (Part(tone(0.1), "body", True), Part(tone(0.1), "heading", True), 1000),
    ],
    ids=["intro-end", "after-heading", "sentence", "paragraph", "tail", "before-heading"],
)
def test_gap_rules(part: Part, following: Part | None, expected: int) -> None:
    assert gap_after(part, following, Pauses()) == expected


def test_timeline_matches_segments_and_pauses(tmp_path: Path) -> None:
    out = tmp_path / "e.wav"
    timeline = assemble(iter(PARTS), out, RATE)
    audio = read_wav(out)
    assert timeline.duration == pytest.approx(len(audio) / RATE)
    expected = 0.25 + sum(len(p.samples) for p in PARTS) / RATE + (0.9 + 1.0 + 0.35 + 0.75 + 1.0)
    assert timeline.duration == pytest.approx(expected, abs=1e-3)
    assert timeline.cues[0].start == pytest.approx(0.25, abs=1e-4)
    assert timeline.cues[0].end == pytest.approx(0.75, abs=1e-4)
    for cue, part in zip(timeline.cues, PARTS, strict=True):
        assert cue.end - cue.start == pytest.approx(len(part.samples) / RATE)
        inside = audio[int(cue.start * RATE) + 10 : int(cue.end * RATE) - 10]
        assert rms_db(inside) > -15
    for a, b in zip(timeline.cues, timeline.cues[1:], strict=False):
        assert rms_db(audio[int(a.end * RATE) + 2 : int(b.start * RATE) - 2]) == float("-inf")


def test_chime_before_shifts_every_cue(tmp_path: Path) -> None:
    plain = assemble(iter(PARTS), tmp_path / "a.wav", RATE)
    with_chime = assemble(iter(PARTS), tmp_path / "b.wav", RATE, music=Music())
    shift = len(chime(RATE)) / RATE + 0.3
    assert with_chime.music_seconds == pytest.approx(0.25 + shift, abs=1e-3)
    for a, b in zip(plain.cues, with_chime.cues, strict=True):
        assert b.start - a.start == pytest.approx(shift, abs=1e-3)
    audio = read_wav(tmp_path / "b.wav")
    assert rms_db(audio[int(0.3 * RATE) : int(1.0 * RATE)]) > -40  # the chime sounds


def test_music_under_the_intro_is_ducked(tmp_path: Path) -> None:
    music_file = tmp_path / "bed.wav"
    with wave.open(str(music_file), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(tone(6.0, freq=880).tobytes())
    parts = [Part(np.zeros(RATE, dtype=np.int16), "intro", True), *PARTS[1:]]
    timeline = assemble(
        iter(parts), tmp_path / "u.wav", RATE, music=Music(path=music_file, mode="under")
    )
    audio = read_wav(tmp_path / "u.wav")
    first = timeline.cues[0]
    assert first.start == pytest.approx(0.25 + 2.0, abs=0.01)  # a 2 s lead-in of music
    lead = rms_db(audio[int(0.5 * RATE) : int(1.5 * RATE)])
    under = rms_db(audio[int((first.start + 0.2) * RATE) : int((first.end - 0.2) * RATE)])
    assert lead - under == pytest.approx(
        18.0, abs=1.5
    )  # silent "speech" leaves only the ducked bed
    # The article itself starts after the bed has faded out.
    body = timeline.cues[1]
    assert rms_db(audio[int((body.start - 0.1) * RATE) : int(body.start * RATE)]) < -50


def test_missing_music_file_is_a_clear_error(tmp_path: Path) -> None:
    from audio.errors import MusicError

    with pytest.raises(MusicError, match="intro music not found"):
        assemble(iter(PARTS), tmp_path / "x.wav", RATE, music=Music(path=tmp_path / "none.mp3"))


def test_cuts_sit_in_silence_on_mp3_frames(tmp_path: Path) -> None:
    parts = [
        Part(tone(0.5), "intro", True, cut_after=True),
        Part(tone(0.7), "body", False, cut_after=True),
        Part(tone(0.3), "body", True),
        Part(tone(0.2), "outro", True, cut_after=True),  # the last part: nothing to cut
    ]
    timeline = assemble(parts, tmp_path / "e.wav", RATE, Pauses(), frame_align=576)
    samples = read_wav(tmp_path / "e.wav")
    assert len(timeline.boundaries) == 2
    for boundary, (before, after), pause in zip(
        timeline.boundaries,
        zip(timeline.cues[:2], timeline.cues[1:3], strict=True),
        (0.9, 0.35),
        strict=True,
    ):
        assert boundary % 576 == 0
        assert before.end * RATE < boundary - 576 and boundary + 576 < after.start * RATE
        assert not np.any(samples[int(before.end * RATE) : int(after.start * RATE)])
        # the pause grows by less than one MP3 frame (576 samples here) to put the cut on one
        assert pause <= after.start - before.end < pause + 576 / RATE


def test_a_piece_is_the_same_whatever_comes_before_and_after_it(tmp_path: Path) -> None:
    # a story's opening in its episode (after the intro's 900 ms pause, before a heading's
    # 1000 ms) and in a briefing (after the story's title, before the next story's
    # transition): its pieces are the same samples, cut after the intro or title and after
    # each opening paragraph
    opening = [
        Part(tone(0.6, 330.0), "body", False),
        Part(tone(0.3, 440.0), "body", True, cut_after=True),
        Part(tone(0.5, 550.0), "body", True, cut_after=True),
    ]
    episode = [
        Part(tone(0.5), "intro", True, cut_after=True),
        *opening,
        Part(tone(0.4), "heading", True),
        Part(tone(0.2), "body", True),
    ]
    briefing = [
        Part(tone(1.3), "body", True),
        Part(tone(0.4), "heading", True, cut_after=True),
        *opening,
        Part(tone(0.7, 660.0), "body", True),
    ]
    found = []
    for name, parts in (("episode", episode), ("briefing", briefing)):
        timeline = assemble(parts, tmp_path / f"{name}.wav", RATE, Pauses(), frame_align=576)
        samples = read_wav(tmp_path / f"{name}.wav")
        first, second, third = timeline.boundaries
        found.append((samples[first:second], samples[second:third]))
    for in_episode, in_briefing in zip(*found, strict=True):
        assert len(in_episode) == len(in_briefing) and np.array_equal(in_episode, in_briefing)


def test_no_cuts_without_frame_alignment_or_room(tmp_path: Path) -> None:
    parts = [Part(tone(0.5), "intro", True, cut_after=True), Part(tone(0.2), "outro", True)]
    assert assemble(parts, tmp_path / "a.wav", RATE).boundaries == ()
    tight = Pauses(intro=40)  # shorter than the frame's worth of silence each side needs
    timeline = assemble(parts, tmp_path / "b.wav", RATE, tight, frame_align=576)
    assert timeline.boundaries == ()
