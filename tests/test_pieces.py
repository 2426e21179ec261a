"""Where the MP3 is cut into pieces: by the text, the opening paragraphs, and at least every two minutes."""

from __future__ import annotations

import numpy as np


def test_the_opening_paragraphs_end_pieces_and_in_a_briefing_after_each_title() -> None:
    import numpy as np

    from podcast.make.render import _parts, cut_here
    from voices.script import Paragraph, Script, Sentence

    class Voice:  # a stand-in: every sentence is a second of silence
        sample_rate = 100

        def synthesize(self, spoken: str) -> np.ndarray:
            return np.zeros(100, dtype=np.int16)

    # one-sentence paragraphs whose text draws no cut of its own
    texts = iter(
        t for n in range(200) if not cut_here(t := f"Paragraph {n}.", "body", True, "body")
    )
    body = [Paragraph("body", (Sentence(t, t),)) for t in [next(texts) for _ in range(6)]]
    title = next(t for n in range(50) if not cut_here(t := f"Heading {n}", "heading", True, "body"))
    heading = Paragraph("heading", (Sentence(title, title),))
    script = Script(
        paragraphs=(
            Paragraph("intro", (Sentence("Title.", "Title."),)),
            *body[:3],
            heading,
            *body[3:],
            Paragraph("outro", (Sentence("The end.", "The end."),)),
        )
    )

    def cuts(**options: object) -> list[bool]:
        return [p.cut_after for p in _parts(script, Voice(), None, **options)][:-1]  # type: ignore[arg-type]

    # intro | p1 | p2 | p3, heading, p4, p5, p6 (the outro: a cut after it is ignored)
    assert cuts(opening=2) == [True, True, True, False, False, False, False, False]
    assert cuts(opening=1) == [True, True, False, False, False, False, False, False]
    # an article that opens with a heading: intro | heading | p4 | p5 | p6
    assert [p.cut_after for p in _parts(
        Script(paragraphs=(script.paragraphs[0], *script.paragraphs[4:])), Voice(), None,  # type: ignore[arg-type]
        opening=2)][:-1] == [True, True, True, True, False]  # fmt: skip
    # a briefing: each story under its title is cut the same way
    # intro | p1 | p2 | p3, heading | p4 | p5 | p6
    assert cuts(opening=2, sections=True) == [True, True, True, False, True, True, True, False]


def test_cuts_follow_the_text_and_come_at_least_every_two_minutes() -> None:
    import numpy as np

    from podcast.make.render import MAX_PIECE_SECONDS, _parts, cut_here
    from voices.script import Paragraph, Script, Sentence

    class TenSecondVoice:  # a stand-in: every sentence is ten seconds of silence
        sample_rate = 100

        def synthesize(self, spoken: str) -> np.ndarray:
            return np.zeros(1000, dtype=np.int16)

    def sentences(texts: list[str]) -> tuple[Sentence, ...]:
        return tuple(Sentence(text=t, spoken=t) for t in texts)

    body = [f"Sentence number {n} of a long paragraph." for n in range(40)]
    script = Script(
        paragraphs=(
            Paragraph("intro", sentences(["Disclosure.", "Title."])),
            Paragraph("body", sentences(body)),
            Paragraph("outro", sentences(["The end."])),
        )
    )
    flags = [p.cut_after for p in _parts(script, TenSecondVoice(), None)]  # type: ignore[arg-type]
    assert flags[1] and not flags[0]  # after the intro, not inside it
    since = 0
    for flag in flags:
        since = 0 if flag else since + 10
        assert since <= MAX_PIECE_SECONDS
    # a cut chosen by the text stays with its sentence wherever the sentence moves
    shifted = Script(paragraphs=(script.paragraphs[0], Paragraph("body", sentences(body[5:]))))
    moved = [p.cut_after for p in _parts(shifted, TenSecondVoice(), None)]  # type: ignore[arg-type]
    chosen = [t for t in body[5:-1] if cut_here(t, "body", False, "body")]
    assert chosen  # with 34 sentences, about one in twelve
    for text in chosen:
        assert flags[2 + body.index(text)] and moved[2 + body.index(text) - 5]
