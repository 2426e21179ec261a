"""The spoken script: paragraphs of sentences, each with its written and spoken form."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import EmptyScript
from .lexicon import Lexicon
from .normalize import Reading, normalizer, recording
from .sentences import split_sentences

BlockKind = Literal["paragraph", "heading"]
ParagraphKind = Literal["intro", "heading", "body", "outro"]


@dataclass(frozen=True)
class Block:
    """One block of article text, as written."""

    kind: BlockKind
    """``paragraph`` or ``heading``; headings become chapters."""

    text: str
    """The block's text, as written in the article."""


@dataclass(frozen=True)
class Sentence:
    """One unit handed to the voice."""

    text: str
    """As written (shown in transcripts)."""

    spoken: str
    """As said (handed to the voice)."""

    readings: tuple[Reading, ...] = field(default=(), compare=False)
    """Where normalising it chose between two readings (for the editor's review)."""


@dataclass(frozen=True)
class Paragraph:
    """Sentences said together, with a longer pause after them."""

    kind: ParagraphKind
    """``intro``, ``heading``, ``body`` or ``outro``."""

    sentences: tuple[Sentence, ...]
    """The sentences, in reading order."""


@dataclass(frozen=True)
class Script:
    """Everything an episode says, in order."""

    paragraphs: tuple[Paragraph, ...]
    """Intro first, then the article, then the outro."""

    language: str = "en"
    """The language the text was normalised for."""

    def sentences(self) -> Iterator[tuple[Paragraph, Sentence]]:
        """Yield every sentence with the paragraph that holds it."""
        for paragraph in self.paragraphs:
            for sentence in paragraph.sentences:
                yield paragraph, sentence

    def to_text(self) -> str:
        """One spoken sentence per line, a blank line between paragraphs."""
        return (
            "\n\n".join(
                "\n".join(s.spoken for s in paragraph.sentences) for paragraph in self.paragraphs
            )
            + "\n"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready structure of paragraphs and sentences."""
        return {
            "language": self.language,
            "paragraphs": [
                {
                    "kind": p.kind,
                    "sentences": [{"text": s.text, "spoken": s.spoken} for s in p.sentences],
                }
                for p in self.paragraphs
            ],
        }


def _paragraph(kind: ParagraphKind, text: str, say: Callable[[str], str]) -> Paragraph | None:
    sentences = []
    pieces = [" ".join(text.split())] if kind == "heading" else split_sentences(text)
    for piece in pieces:
        with recording() as chosen:
            spoken = say(piece)
        if any(ch.isalnum() for ch in spoken):
            sentences.append(Sentence(text=piece, spoken=spoken, readings=tuple(chosen)))
    return Paragraph(kind=kind, sentences=tuple(sentences)) if sentences else None


def make_script(
    blocks: Iterable[Block],
    *,
    intro: Iterable[str] = (),
    outro: Iterable[str] = (),
    lexicon: Lexicon | None = None,
    language: str = "en",
) -> Script:
    """Build the script: each intro line, block and outro line becomes a paragraph.

    Every sentence is normalised for ``language`` with the ``lexicon``'s
    pronunciations shielded from normalisation. Raises :class:`EmptyScript`
    when the article itself has nothing to say.
    """
    normalize = normalizer(language)

    def say(text: str) -> str:
        return lexicon.speak(text, normalize) if lexicon is not None else normalize(text)

    body = [
        p
        for p in (
            _paragraph("heading" if b.kind == "heading" else "body", b.text, say) for b in blocks
        )
        if p is not None
    ]
    if not any(p.kind == "body" for p in body):
        raise EmptyScript("the article has no text to read")
    head = [p for p in (_paragraph("intro", line, say) for line in intro) if p]
    tail = [p for p in (_paragraph("outro", line, say) for line in outro) if p]
    return Script(paragraphs=tuple(head + body + tail), language=language)
