"""WebVTT transcripts and Podcasting 2.0 chapters (JSON v1.2) from a script and its timeline."""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from podcast.core.cues import TranscriptCue
from voices.script import Script

if TYPE_CHECKING:
    from audio.assemble import Timeline  # numpy: not for a build with nothing to make

#: Longest line in a WebVTT cue.
VTT_LINE = 65


@dataclass(frozen=True)
class ChapterMark:
    """A chapter: where it starts and what it is called."""

    title: str
    start: float
    end: float


def _timestamp(seconds: float, separator: str = ".") -> str:
    millis = int(round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def transcript_cues(script: Script, timeline: Timeline) -> list[TranscriptCue]:
    """Every sentence, as written, at its real place in the audio."""
    placed = [
        (index, paragraph.kind, sentence)
        for index, paragraph in enumerate(script.paragraphs)
        for sentence in paragraph.sentences
    ]
    if len(placed) != len(timeline.cues):
        raise ValueError(f"{len(placed)} sentences but {len(timeline.cues)} cues")
    return [
        TranscriptCue(
            round(cue.start, 3), round(cue.end, 3), " ".join(sentence.text.split()), index, kind
        )
        for (index, kind, sentence), cue in zip(placed, timeline.cues, strict=True)
    ]


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(cues: list[TranscriptCue]) -> str:
    """A WebVTT file with one cue per sentence; lines of at most 65 characters."""
    out = ["WEBVTT", ""]
    for number, cue in enumerate(cues, 1):
        # Escaped first, so no line is over the limit even with its entities.
        lines = textwrap.wrap(_vtt_escape(cue.text), VTT_LINE, break_long_words=True) or ["…"]
        out += [str(number), f"{_timestamp(cue.start)} --> {_timestamp(cue.end)}", *lines, ""]
    return "\n".join(out)


#: What SubRip players read as markup: HTML-like tags (``<b>``, ``<font>``, and a page's
#: ``<script>`` or ``<img onerror>`` in a title) and ASS override blocks (``{\\an8}``).
_SRT_MARKUP = re.compile(r"<[/!?]?[a-zA-Z][^<>]*>|\{\\[^{}]*\}")


def _srt_text(text: str) -> str:
    """A cue's text with nothing a SubRip player takes for markup (SRT has no escaping)."""
    return " ".join(_SRT_MARKUP.sub("", text).split())


def subrip(cues: list[TranscriptCue]) -> str:
    """The same cues as SubRip (``application/x-subrip``)."""
    out = []
    for number, cue in enumerate(cues, 1):
        lines = textwrap.wrap(_srt_text(cue.text), VTT_LINE, break_long_words=True) or ["…"]
        stamps = f"{_timestamp(cue.start, ',')} --> {_timestamp(cue.end, ',')}"
        out += [str(number), stamps, *lines, ""]
    return "\n".join(out)


def chapter_marks(script: Script, timeline: Timeline, title: str) -> list[ChapterMark]:
    """Chapters: the introduction, then one per heading (or one for the whole article)."""
    starts: list[tuple[str, float]] = [("Introduction", 0.0)]
    body_start: float | None = None
    cue_index = 0
    for paragraph in script.paragraphs:
        first = timeline.cues[cue_index].start if paragraph.sentences else None
        cue_index += len(paragraph.sentences)
        if first is None:
            continue
        if paragraph.kind == "heading":
            starts.append((paragraph.sentences[0].text, max(0.0, first - 0.2)))
        elif paragraph.kind == "body" and body_start is None:
            body_start = first
            if not any(
                p.kind == "heading" for p in script.paragraphs[: script.paragraphs.index(paragraph)]
            ):
                starts.append((title, max(0.0, first - 0.2)))
    marks = []
    for i, (name, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else timeline.duration
        marks.append(ChapterMark(name, round(start, 3), round(end, 3)))
    return marks


def chapters_json(marks: list[ChapterMark], links: dict[str, str] | None = None) -> str:
    """Podcasting 2.0 chapters, version 1.2.0; ``links`` gives a chapter title its ``url``."""
    links = links or {}
    chapters = []
    for mark in marks:
        chapter: dict[str, object] = {"startTime": float(mark.start), "title": mark.title}
        if mark.title in links:
            chapter["url"] = links[mark.title]
        chapters.append(chapter)
    return json.dumps(
        {"version": "1.2.0", "chapters": chapters},
        ensure_ascii=False,
        indent=2,
    )
