"""Join speech segments with pauses and an intro into one WAV, streamed to disk.

Speech arrives one sentence at a time (an iterator, so synthesis and writing
overlap) and goes straight to the WAV file; only the intro paragraph is held in
memory when a music bed is mixed under it. The returned :class:`Timeline` says
where every sentence starts and ends, which is what transcripts and chapters use.
"""

from __future__ import annotations

import logging
import wave
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import FFmpegFailed, MusicError
from .ffmpeg import pydub_segment, run_ffmpeg
from .targets import Music, Pauses

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Part:
    """One synthesised sentence and its place in the script."""

    samples: np.ndarray
    """16-bit mono samples at the episode's sample rate."""

    kind: str
    """``intro``, ``heading``, ``body`` or ``outro``."""

    ends_paragraph: bool
    """True for the last sentence of its paragraph."""

    cut_after: bool = False
    """The pause after it may be where the MP3 is cut into pieces (see :mod:`audio.pieces`)."""


@dataclass(frozen=True)
class Cue:
    """Where one part sits in the episode, in seconds."""

    start: float
    end: float


@dataclass(frozen=True)
class Timeline:
    """Where everything landed in the assembled episode."""

    cues: tuple[Cue, ...]
    """One per part, in order."""

    duration: float
    """Length of the whole episode in seconds."""

    sample_rate: int
    """Sample rate of the assembled WAV."""

    music_seconds: float = 0.0
    """Seconds of music before the first word (0 with no music or in ``under`` mode)."""

    boundaries: tuple[int, ...] = ()
    """Sample indices where the episode may be cut into separately encoded pieces."""


#: Silence between a cut and the text it is nearest: a cut after the intro or a heading sits
#: this far before the next part, any other this far after the part before it (with the
#: alignment's padding), in any pause of twice this or more. So a piece of body text is the same
#: samples whatever introduced it and whatever follows: a briefing's story, after its title and
#: before the next story, is the same piece as in its own episode (:mod:`audio.pieces`).
CUT_EDGE_MS = 175


def _silence(ms: int, rate: int) -> np.ndarray:
    return np.zeros(int(round(ms * rate / 1000)), dtype=np.int16)


def gap_after(part: Part, following: Part | None, pauses: Pauses) -> int:
    """Milliseconds of silence between ``part`` and ``following``."""
    if following is None:
        return pauses.tail
    if part.kind == "intro" and following.kind != "intro":
        return pauses.intro
    if part.kind == "heading" or following.kind == "heading":
        return pauses.heading
    return pauses.paragraph if part.ends_paragraph else pauses.sentence


def chime(rate: int) -> np.ndarray:
    """A short, soft three-note chime, generated here (no file needed).

    An E major arpeggio (E5, G#5, B5, 160 ms apart), each note a sine at
    -14 dBFS with a 15 ms fade in and a 1.3 s fade out, in a 1.9 s bed.
    """
    notes = [(659.25, 0), (830.61, 160), (987.77, 320)]
    bed = np.zeros(int(rate * 1.9))
    length, attack, release = int(rate * 1.4), int(rate * 0.015), int(rate * 1.3)
    envelope = np.ones(length)
    envelope[:attack] = np.linspace(0.0, 1.0, attack, endpoint=False)
    envelope[length - release :] = np.linspace(1.0, 0.0, release)
    amplitude = 32767 * 10 ** (-14.0 / 20)
    ticks = np.arange(length) * (2 * np.pi / rate)
    for freq, start_ms in notes:
        start = int(rate * start_ms / 1000)
        bed[start : start + length] += np.sin(ticks * freq) * envelope * amplitude
    chimed: np.ndarray = np.clip(np.round(bed), -32768, 32767).astype(np.int16)
    return chimed


#: The largest intro music file read.
MAX_MUSIC_BYTES = 200 * 1024 * 1024


def load_music(music: Music, rate: int) -> np.ndarray:
    """The intro music as 16-bit mono samples at ``rate``, cut to ``max_seconds`` with a fade."""
    if music.path is None:
        return chime(rate)
    if not music.path.is_file():
        raise MusicError(f"intro music not found, or not a file: {music.path}")
    if music.path.stat().st_size > MAX_MUSIC_BYTES:
        raise MusicError(
            f"intro music {music.path} is larger than {MAX_MUSIC_BYTES // (1024 * 1024)} MB"
        )
    try:
        result = run_ffmpeg(  # a file, never a playlist reaching other files or the network
            ["-protocol_whitelist", "file", "-i", str(music.path), "-t", f"{music.max_seconds:.3f}", "-f", "s16le",
             "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(rate), "-"]
        )  # fmt: skip
    except FFmpegFailed as error:
        raise MusicError(f"cannot read intro music {music.path}: {error}") from None
    samples = np.frombuffer(result.stdout, dtype=np.int16).copy()
    if samples.size == 0:
        raise MusicError(f"intro music {music.path} has no audio")
    fade = min(samples.size, int(rate * 1.5))
    samples[-fade:] = (samples[-fade:] * np.linspace(1.0, 0.0, fade)).astype(np.int16)
    return samples


def _under(
    music: np.ndarray, speech: np.ndarray, rate: int, duck_db: float
) -> tuple[np.ndarray, int]:
    """Mix ``music`` under ``speech``: full for a lead-in, ducked under the words, faded out."""
    Segment = pydub_segment()
    lead_ms = min(2000, int(len(music) * 1000 / rate))
    speech_ms = -(-len(speech) * 1000 // rate) + 1
    bed_ms = lead_ms + speech_ms
    bed = Segment(music.tobytes(), frame_rate=rate, sample_width=2, channels=1)
    if len(bed) < bed_ms:
        bed = bed + Segment.silent(duration=bed_ms - len(bed), frame_rate=rate)
    bed = bed[:bed_ms]
    bed = bed.fade(to_gain=-duck_db, start=max(0, lead_ms - 400), duration=400)
    bed = bed.fade_out(min(1500, speech_ms))
    voice = Segment(speech.tobytes(), frame_rate=rate, sample_width=2, channels=1)
    mixed = bed.overlay(voice, position=lead_ms)
    return np.frombuffer(mixed.raw_data, dtype=np.int16).copy(), int(round(lead_ms * rate / 1000))


def _pairs(parts: Iterable[Part]) -> Iterator[tuple[Part, Part | None]]:
    iterator = iter(parts)
    previous = next(iterator, None)
    for current in iterator:
        assert previous is not None
        yield previous, current
        previous = current
    if previous is not None:
        yield previous, None


def assemble(
    parts: Iterable[Part],
    out_wav: Path,
    rate: int,
    pauses: Pauses | None = None,
    music: Music | None = None,
    *,
    frame_align: int = 0,
) -> Timeline:
    """Write the episode to ``out_wav`` (16-bit mono at ``rate``) and say where each part is.

    With ``frame_align`` (samples per MP3 frame), the pause after
    each part marked ``cut_after`` gets a cut :data:`CUT_EDGE_MS` from the text (in its middle
    when shorter than twice that), on a multiple of ``frame_align``: that pause grows by
    less than one frame (26 ms at 44.1 kHz) to put it there. Every piece so starts on a frame
    and its samples depend on its parts alone. The cuts are in :attr:`Timeline.boundaries`.
    """
    pauses = pauses or Pauses()
    cues: list[Cue] = []
    written = 0
    music_samples = load_music(music, rate) if music is not None else None
    bed = music_samples if music is not None and music.mode == "under" else None
    duck_db = music.duck_db if music is not None else 0.0
    music_seconds = 0.0
    boundaries: list[int] = []

    with wave.open(str(out_wav), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)

        def write(samples: np.ndarray) -> None:
            nonlocal written
            wav.writeframes(samples.astype("<i2").tobytes())
            written += len(samples)

        write(_silence(pauses.lead, rate))
        if music_samples is not None and bed is None:
            write(music_samples)
            write(_silence(300, rate))
            music_seconds = written / rate

        held: list[np.ndarray] = []  # intro speech, held while a bed goes under it
        held_start = written
        under = bed is not None
        for part, following in _pairs(parts):
            gap = _silence(gap_after(part, following, pauses), rate)
            if under and bed is not None and part.kind == "intro":
                offset = sum(len(h) for h in held)
                cues.append(Cue(offset, offset + len(part.samples)))  # relative; fixed below
                held += [part.samples, gap]
                if following is not None and following.kind == "intro":
                    continue
                mixed, lead = _under(bed, np.concatenate(held), rate, duck_db)
                base = held_start + lead
                cues[:] = [Cue((base + c.start) / rate, (base + c.end) / rate) for c in cues]
                write(mixed)
                held = []
                under = False
                continue
            start = written
            write(part.samples)
            cues.append(Cue(start / rate, written / rate))
            # a cut needs a frame's worth of silence on both sides of it
            if part.cut_after and following is not None and 0 < 4 * frame_align <= len(gap):
                edge = min(len(gap) // 2, _silence(CUT_EDGE_MS, rate).size)
                before = len(gap) - edge if part.kind in ("intro", "heading") else edge
                write(np.zeros(before + (-(written + before)) % frame_align, dtype=np.int16))
                boundaries.append(written)
                write(gap[before:])
            else:
                write(gap)
    return Timeline(
        cues=tuple(cues),
        duration=written / rate,
        sample_rate=rate,
        music_seconds=music_seconds,
        boundaries=tuple(boundaries),
    )
