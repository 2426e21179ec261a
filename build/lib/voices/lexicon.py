"""The pronunciation lexicon: names and places said the newsroom's way.

A lexicon file has one entry a line, ``WORD = RESPELLING`` or
``WORD = [[ phonemes ]]`` (piper's inline phoneme syntax), with ``#`` comments.
An entry written in lower case matches any case; one with a capital letter
matches exactly or in all capitals (``Kyiv``, ``KYIV``), so ``US`` never matches ``us``. Matching is whole-word and longest-first, so ``Xi Jinping``
wins over ``Xi``. Matched words are shielded from normalisation and restored
afterwards, so respellings and phonemes reach the voice as written.
"""

from __future__ import annotations

import hashlib
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from .errors import VoiceError

#: The largest lexicon read (a device such as /dev/zero, or a huge file, is refused unread).
MAX_LEXICON_BYTES = 10 * 1024 * 1024


class LexiconError(VoiceError):
    """A lexicon file cannot be read or has a malformed line."""


@dataclass(frozen=True)
class Entry:
    """One pronunciation."""

    word: str
    """As written in articles."""
    say: str
    """A respelling, or ``[[ phonemes ]]``."""

    @property
    def case_sensitive(self) -> bool:
        """Entries with a capital letter match exactly."""
        return self.word != self.word.lower()


_PRIVATE = 0xF0000  # a private-use plane: no normalisation rule touches it


def parse_lexicon(text: str, source: str = "lexicon") -> list[Entry]:
    """Entries from lexicon text; raises :class:`LexiconError` naming the line."""
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("[[") else raw.strip()
        if not line:
            continue
        word, sep, say = line.partition("=")
        word, say = " ".join(word.split()), say.strip()
        if not sep or not word or not say:
            raise LexiconError(
                f"{source}, line {number}: expected WORD = RESPELLING, got {raw.strip()!r}"
            )
        if say.startswith("[[") != say.endswith("]]"):
            raise LexiconError(f"{source}, line {number}: phonemes must be written [[ like this ]]")
        entries.append(Entry(word, say))
    return entries


class Lexicon:
    """Pronunciations applied around normalisation."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        merged: dict[str, Entry] = {}
        for entry in entries:  # later entries override earlier ones
            merged[entry.word if entry.case_sensitive else entry.word.lower()] = entry
        self.entries = sorted(merged.values(), key=lambda e: (-len(e.word), e.word))
        self._exact = {e.word: e for e in self.entries if e.case_sensitive}
        self._folded = {e.word.lower(): e for e in self.entries if not e.case_sensitive}
        alternatives = "|".join(re.escape(e.word) for e in self.entries)
        self._pattern = (
            re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if alternatives else None
        )

    @classmethod
    def bundled(cls) -> Lexicon:
        """The starter list shipped with the package."""
        text = files("voices").joinpath("data/lexicon.txt").read_text("utf-8")
        return cls(parse_lexicon(text, "bundled lexicon"))

    @classmethod
    def load(cls, path: Path, *, with_bundled: bool = True) -> Lexicon:
        """The bundled list (unless ``with_bundled`` is false) overridden by the file at ``path``."""
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_LEXICON_BYTES:
                raise LexiconError(
                    f"cannot read lexicon {path}: not a file of at most "
                    f"{MAX_LEXICON_BYTES // (1024 * 1024)} MB"
                )
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise LexiconError(f"cannot read lexicon {path}: {error}") from None
        base = cls.bundled().entries if with_bundled else []
        return cls([*base, *parse_lexicon(text, str(path))])

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, found: str) -> Entry | None:
        """The entry for ``found`` as written in text: exact case, or all capitals of a capitalised entry."""
        if found in self._exact:
            return self._exact[found]
        if found.isupper():
            for entry in self._exact.values():
                if entry.word.upper() == found and not entry.word.isupper():
                    return entry
        return self._folded.get(found.lower())

    def digest(self) -> str:
        """A checksum of the entries (what changes the audio)."""
        joined = "\n".join(f"{e.word}={e.say}" for e in self.entries)
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]

    def speak(self, text: str, normalize: Callable[[str], str]) -> str:
        """``normalize(text)`` with every lexicon word replaced by its pronunciation."""
        if self._pattern is None:
            return normalize(text)
        said: list[str] = []

        def shield(match: re.Match[str]) -> str:
            entry = self.lookup(match.group(0))
            if entry is None:
                return match.group(0)
            said.append(entry.say)
            return chr(_PRIVATE + len(said) - 1)

        shielded = self._pattern.sub(shield, text)
        spoken = normalize(shielded)
        return re.sub(
            "[\U000f0000-\U000fffff]",
            lambda m: (
                said[ord(m.group(0)) - _PRIVATE] if ord(m.group(0)) - _PRIVATE < len(said) else ""
            ),
            spoken,
        )
