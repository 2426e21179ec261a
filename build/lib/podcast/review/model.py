"""The review's findings, as values that go to JSON, the HTML report and the store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: How many words of a removed block the review shows.
FIRST_WORDS = 12


@dataclass(frozen=True)
class RemovedBlock:
    """A block the furniture rules took out of the page."""

    text: str
    """Its first words."""
    rule: str


@dataclass(frozen=True)
class GuessedWord:
    """A word the voice will say by letter-to-sound rules."""

    word: str
    count: int
    """How often it occurs (in a batch: in how many articles)."""
    phonemes: str = ""
    """What the voice will say, in its phonemes (empty when the voice was not loaded)."""

    @property
    def lexicon_line(self) -> str:
        """A line for the lexicon that keeps today's pronunciation (edit it to change it)."""
        return f"{self.word} = [[ {self.phonemes} ]]" if self.phonemes else f"{self.word} = "


@dataclass(frozen=True)
class ReadingFinding:
    """A place where the normaliser chose between two readings."""

    kind: str
    written: str
    said: str
    other: str
    sentence: str
    """The sentence as written."""
    index: int = -1
    """The sentence's place in the script (for its audio)."""


@dataclass(frozen=True)
class SoundFinding:
    """A sentence whose audio is out of the ordinary."""

    index: int
    """The sentence's place in the script."""
    text: str
    spoken: str
    reasons: tuple[str, ...]
    """Why: ``rate``, ``pause``, ``cut-off``, ``clipping``, ``recogniser``."""
    detail: str = ""
    """The numbers behind it, and what the recogniser heard."""
    mismatch: float | None = None
    """1 − the share of the script's words the recogniser heard (with ``--listen``)."""


@dataclass(frozen=True)
class Suspect:
    """A sentence to be read that looks like page furniture, not the article."""

    kind: str
    """Why: ``glued`` (two elements' words run together: "NoemKristi"), ``code`` (a code or
    address said aloud), ``repeated`` (the same sentence read twice in the article)."""
    text: str
    """The sentence as written."""
    evidence: str = ""
    """The word or code that gave it away."""


@dataclass(frozen=True)
class Review:
    """One article's review."""

    title: str
    source: str
    coverage: float | None
    removed: tuple[RemovedBlock, ...] = ()
    guessed: tuple[GuessedWord, ...] = ()
    readings: tuple[ReadingFinding, ...] = ()
    sound: tuple[SoundFinding, ...] = ()
    sound_checked: bool = False
    """Whether the audio was measured (every sentence was synthesised or cached)."""
    listened: bool = False
    """Whether the recogniser ran (``--listen``)."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    """What extraction's guard decided."""
    suspects: tuple[Suspect, ...] = ()
    """Sentences to be read that look like furniture."""
    suspect_share: float | None = None
    """The share of the article's spoken words in :attr:`suspects` (what coverage reads that
    is likely not the article)."""

    @property
    def counts(self) -> dict[str, int]:
        """How many findings of each kind."""
        return {
            "removed": len(self.removed),
            "guessed": len(self.guessed),
            "readings": len(self.readings),
            "sound": len(self.sound),
            "suspects": len(self.suspects),
        }

    @property
    def flagged(self) -> bool:
        """True when an editor has something to look at (removed blocks alone are not)."""
        low = self.coverage is not None and self.coverage < 0.9
        return bool(self.guessed or self.readings or self.sound or self.suspects or low)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        data = asdict(self)
        data["guessed"] = [{**asdict(g), "lexicon_line": g.lexicon_line} for g in self.guessed]
        data["counts"] = self.counts
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Review:
        """A review from :meth:`to_dict`'s output (the store keeps it so)."""
        return cls(
            title=data.get("title", ""),
            source=data.get("source", ""),
            coverage=data.get("coverage"),
            removed=tuple(RemovedBlock(r["text"], r["rule"]) for r in data.get("removed", [])),
            guessed=tuple(
                GuessedWord(g["word"], g["count"], g.get("phonemes", ""))
                for g in data.get("guessed", [])
            ),
            readings=tuple(ReadingFinding(**r) for r in data.get("readings", [])),
            sound=tuple(
                SoundFinding(**{**s, "reasons": tuple(s["reasons"])}) for s in data.get("sound", [])
            ),
            sound_checked=data.get("sound_checked", False),
            listened=data.get("listened", False),
            notes=tuple(data.get("notes", [])),
            suspects=tuple(Suspect(**x) for x in data.get("suspects", [])),
            suspect_share=data.get("suspect_share"),
        )


def first_words(text: str, count: int = FIRST_WORDS) -> str:
    """The first ``count`` words of ``text``, with an ellipsis when there were more."""
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")
