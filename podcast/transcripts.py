"""WebVTT transcripts and Podcasting 2.0 chapters (JSON v1.2) from a script and its timeline."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass

from audio.assemble import Timeline
from voices.script import Script

#: Longest line in a WebVTT cue.
VTT_LINE = 65


@dataclass(frozen=True)
class ChapterMark:
    """A chapter: where it starts and what it is called."""

    title: str
    start: float
    end: float


def _timestamp(seconds: float) -> str:
    millis = int(round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(script: Script, timeline: Timeline) -> str:
    """A WebVTT file with one cue per sentence, as written, at its real place in the audio."""
    sentences = [sentence for _, sentence in script.sentences()]
    if len(sentences) != len(timeline.cues):
        raise ValueError(f"{len(sentences)} sentences but {len(timeline.cues)} cues")
    out = ["WEBVTT", ""]
    for number, (sentence, cue) in enumerate(zip(sentences, timeline.cues, strict=True), 1):
        lines = textwrap.wrap(" ".join(sentence.text.split()), VTT_LINE, break_long_words=True)
        out += [str(number), f"{_timestamp(cue.start)} --> {_timestamp(cue.end)}"]
        out += [_vtt_escape(line) for line in lines] + [""]
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


def chapters_json(marks: list[ChapterMark]) -> str:
    """Podcasting 2.0 chapters, version 1.2.0."""
    return json.dumps(
        {
            "version": "1.2.0",
            "chapters": [{"startTime": float(m.start), "title": m.title} for m in marks],
        },
        ensure_ascii=False,
        indent=2,
    )
