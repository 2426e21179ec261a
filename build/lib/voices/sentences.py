"""Sentence splitting that does not break on abbreviations, initials, decimals or quotes."""

from __future__ import annotations

import re

#: Words that end in a full stop without ending the sentence (compared lower case).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gov sen rep st no nos vs gen lt col sgt capt cmdr adm maj rev hon pres
    supt det insp jr sr inc corp ltd co bros dept univ approx est fig vol ed eds
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    mt ft ave blvd rd hwy
    """.split()
)

#: Longest sentence handed to the voice in one piece; longer ones split at clauses.
MAX_SENTENCE_CHARS = 280

_CLOSERS = "\"'\u201d\u2019)]"
_OPENERS = "\"'\u201c\u2018(["
# A candidate boundary: terminal punctuation, closing quotes/brackets, then space.
_BOUNDARY = re.compile(rf"[.!?\u2026]+[{re.escape(_CLOSERS)}]*(?=\s+)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def _ends_with_abbreviation(text: str) -> bool:
    match = _WORD_BEFORE.search(text)
    if match is None:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isupper():  # an initial: "James T. Kirk"
        return True
    if "." in word:  # an initialism with stops: "U.S.", "a.m." mid-sentence
        return bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word)) and word.upper() == word
    return word.lower() in ABBREVIATIONS


def _starts_sentence(rest: str) -> bool:
    rest = rest.lstrip()
    rest = rest.lstrip(_OPENERS)
    return bool(rest) and (rest[0].isupper() or rest[0].isdigit())


def _split_long(sentence: str, limit: int) -> list[str]:
    """Split an over-long sentence at the clause boundary nearest its middle, recursively."""
    if len(sentence) <= limit:
        return [sentence]
    best = None
    middle = len(sentence) / 2
    for match in re.finditer(
        r"[;:,\u2014\u2013]\s+|\s+(?:and|but|or|while|because|which)\s+", sentence
    ):
        cut = match.start() + (1 if sentence[match.start()] in ";:,\u2014\u2013" else 0)
        if 20 <= cut <= len(sentence) - 20 and (
            best is None or abs(cut - middle) < abs(best - middle)
        ):
            best = cut
    if best is None:  # no clause boundary: cut at the space nearest the limit
        best = sentence.rfind(" ", 0, limit)
        if best <= 0:
            best = limit
    head, tail = sentence[:best].strip(), sentence[best:].strip()
    return _split_long(head, limit) + _split_long(tail, limit)


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Split a paragraph into sentences.

    Lines without final punctuation (headings, list items) end a sentence, so
    each line of ``text`` is split on its own. Sentences longer than ``max_chars``
    are split again at clause boundaries so each synthesis call stays short.
    """
    sentences: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        start = 0
        for match in _BOUNDARY.finditer(line):
            end = match.end()
            candidate = line[start:end]
            if match.group().startswith(".") and _ends_with_abbreviation(
                candidate.rstrip(_CLOSERS)
            ):
                continue
            if not _starts_sentence(line[end:]):
                continue
            sentences.append(candidate.strip())
            start = end
        if line[start:].strip():
            sentences.append(line[start:].strip())
    out: list[str] = []
    for sentence in sentences:
        out.extend(_split_long(sentence, max_chars))
    return [s for s in out if any(ch.isalnum() for ch in s)]
