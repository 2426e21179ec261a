"""The review shown: a few lines for the terminal, JSON for machines, an HTML page to listen."""

from __future__ import annotations

import base64
import io
import json
import wave
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from podcast.review.model import GuessedWord, Review, first_words
from podcast.review.run import Reviewed

if TYPE_CHECKING:
    import numpy as np

#: Removed blocks listed in the terminal summary (the HTML and JSON list them all).
SHOWN_REMOVED = 5


def summary(review: Review) -> list[str]:
    """A few lines an editor reads in the terminal."""
    coverage = f"{review.coverage:.0%}" if review.coverage is not None else "not measured"
    counts = review.counts
    sound = (
        f"{counts['sound']} sentence(s) to listen to"
        + (" (recogniser ran)" if review.listened else "")
        if review.sound_checked
        else "sound not checked (build it first, or use --listen)"
    )
    lines = [
        f"{review.title} ({review.source})",
        f"  coverage {coverage}; {counts['removed']} block(s) removed; {counts['guessed']} word(s) the "
        f"voice will guess; {counts['readings']} reading(s) to confirm; {sound}",
    ]
    if review.suspects:
        share = f" ({review.suspect_share:.0%} of the words)" if review.suspect_share else ""
        lines.append(f"  {counts['suspects']} sentence(s) read that look like furniture{share}")
    for suspect in review.suspects:
        lines.append(
            f"  furniture? ({suspect.kind} {suspect.evidence!r}): {first_words(suspect.text)}"
        )
    for block in review.removed[:SHOWN_REMOVED]:
        lines.append(f"  removed ({block.rule}): {block.text}")
    if len(review.removed) > SHOWN_REMOVED:
        lines.append(f"  … and {len(review.removed) - SHOWN_REMOVED} more removed block(s)")
    for word in review.guessed:
        said = f" /{word.phonemes}/  lexicon: {word.lexicon_line}" if word.phonemes else ""
        lines.append(f"  guess: {word.word} ×{word.count}{said}")
    for reading in review.readings:
        lines.append(
            f"  reading ({reading.kind}): {reading.written!r} said {reading.said!r}, not {reading.other!r}"
        )
    for finding in review.sound:
        lines.append(f"  listen ({', '.join(finding.reasons)}): {finding.text}  [{finding.detail}]")
    return lines


def to_json(reviewed: Sequence[Reviewed], words: Sequence[GuessedWord]) -> str:
    """Every review and the words to check across them, as JSON."""
    return json.dumps(
        {
            "articles": [r.review.to_dict() for r in reviewed],
            "words_to_check": [
                {
                    "word": w.word,
                    "articles": w.count,
                    "phonemes": w.phonemes,
                    "lexicon_line": w.lexicon_line,
                }
                for w in words
            ],  # fmt: skip
            "flagged": any(r.review.flagged for r in reviewed),
        },
        ensure_ascii=False,
        indent=2,
    )


def wav_data_uri(samples: np.ndarray, rate: int) -> str:
    """A sentence's audio as a ``data:`` URI, so the report is one file that plays anywhere."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return "data:audio/wav;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def to_html(reviewed: Sequence[Reviewed], words: Sequence[GuessedWord]) -> str:
    """The HTML report: each flagged sentence plays beside its text."""
    from podcast.publish.feed import environment

    entries: list[dict[str, Any]] = []
    for item in reviewed:
        wanted = {f.index for f in item.review.sound} | {r.index for r in item.review.readings}
        clips = {
            i: wav_data_uri(item.audio[i], item.rate) for i in sorted(wanted) if i in item.audio
        }
        entries.append({"review": item.review, "clips": clips})
    template = environment().get_template("review.html.j2")
    return str(template.render(reviews=entries, words=list(words)))
