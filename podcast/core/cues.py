"""An episode's transcript cue: one sentence at its place in the audio. A value of the core:
the store keeps cues, the site's transcripts and chapters are written from them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TranscriptCue:
    """One sentence of the transcript at its place in the audio."""

    start: float
    end: float
    text: str
    """As written."""
    paragraph: int = 0
    """Index of its paragraph in the script."""
    kind: str = "body"
    """The paragraph's kind: intro, heading, body or outro."""
