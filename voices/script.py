"""The spoken script: paragraphs of sentences, each with its written and spoken form."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import EmptyScript
from .normalize import normalize
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

    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Free-form details for callers (not spoken)."""

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


def _paragraph(
    kind: ParagraphKind, text: str, respell: Callable[[str], str] | None
) -> Paragraph | None:
    sentences = []
    pieces = [text.strip()] if kind == "heading" else split_sentences(text)
    for piece in pieces:
        spoken = normalize(piece)
        if respell is not None:
            spoken = respell(spoken)
        if spoken.strip():
            sentences.append(Sentence(text=piece, spoken=spoken))
    return Paragraph(kind=kind, sentences=tuple(sentences)) if sentences else None


def make_script(
    blocks: Iterable[Block],
    *,
    intro: Iterable[str] = (),
    outro: Iterable[str] = (),
    respell: Callable[[str], str] | None = None,
    language: str = "en",
) -> Script:
    """Build the script: each intro line, block and outro line becomes a paragraph.

    ``respell`` is applied to the spoken form of every sentence (the lexicon).
    Raises :class:`EmptyScript` when the article itself has nothing to say.
    """
    body = [
        p
        for p in (
            _paragraph("heading" if b.kind == "heading" else "body", b.text, respell)
            for b in blocks
        )
        if p is not None
    ]
    if not any(p.kind == "body" for p in body):
        raise EmptyScript("the article has no text to read")
    head = [p for p in (_paragraph("intro", line, respell) for line in intro) if p]
    tail = [p for p in (_paragraph("outro", line, respell) for line in outro) if p]
    return Script(paragraphs=tuple(head + body + tail), language=language)
