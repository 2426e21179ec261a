"""English text normalisation: write numbers, money, dates and abbreviations as a newsreader says them.

:func:`normalize` takes one sentence as written and returns it as it is to be
spoken: no digit and no currency symbol is left for the voice to guess at.
Rules run in a fixed order, most specific first (:mod:`.rules`); each is a
regular expression with a small function that says the match, kept with the
words it needs in the module of its kind: :mod:`.numbers`, :mod:`.money`,
:mod:`.dates`, :mod:`.measures`, :mod:`.names`, and :mod:`.context` for the
words around a match that decide how it is read. Where a rule chose between
two readings, :mod:`.readings` keeps the choice for the editor's review.
The golden table ``tests/data/normalize.tsv`` holds what each rule says.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .names import unshout
from .numbers import NUM, cardinal, in_words, ordinal, year
from .readings import Reading, recording
from .rules import RULES, UNSAID

__all__ = ["Reading", "cardinal", "normalize", "normalizer", "ordinal", "recording", "year"]


def normalize(text: str) -> str:
    """Return ``text`` as it is to be spoken: numbers, money, dates and abbreviations in words."""
    ended = text.rstrip()[-1:] in (".", "!", "?") if text.strip() else False
    text = unshout(text)
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\d", lambda m: " " + in_words(int(m.group(0))) + " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = " ".join(text.split())
    if ended and text and text[-1] not in ".!?\"'”’)":
        text += "."  # a rule ate the full stop ("9 a.m.")
    return text


#: "%" in the languages whose word for it is one word whatever its case.
PERCENT = {"de": "Prozent", "fr": "pour cent", "es": "por ciento", "it": "per cento",
           "pt": "por cento", "nl": "procent", "ca": "per cent", "sv": "procent",
           "da": "procent", "no": "prosent", "nb": "prosent", "fi": "prosenttia"}  # fmt: skip
_VULGAR_VALUES = {"½": 0.5, "¼": 0.25, "¾": 0.75}
#: An address, which other languages' rules do not read: left unsaid.
_ADDRESS = re.compile(
    r"\bhttps?://\S+|\bwww\.\S+|\b[a-z0-9-]+\.(?:ly|me|to|gl|gd|co|com)/\S+", re.I
)
#: Signs between words or numbers that no rule of the language says: a pause.
_BETWEEN = re.compile(r"\s*[=@/]\s*|(?<=\S):(?=\S)")


def _normalize_numbers_only(text: str, language: str) -> str:
    """For languages without newsreader rules: numbers in words in that language, "%" in its
    word, addresses left unsaid, and other signs dropped: none reaches the voice."""

    def say(match: re.Match[str]) -> str:
        number = match.group(0).replace(",", "")
        try:
            return str(in_words(float(number) if "." in number else int(number), lang=language))
        except (NotImplementedError, OverflowError, ValueError):
            return " ".join(str(in_words(int(d))) for d in number if d.isdigit())

    text = _ADDRESS.sub(" ", text)
    # A vulgar fraction as the decimal it is, which num2words says in every language.
    text = re.sub(
        r"(?:(\d+)\s?)?([½¼¾])",
        lambda m: f"{int(m.group(1) or 0) + _VULGAR_VALUES[m.group(2)]:g}",
        text,
    )
    text = re.sub(r"\s?%", " " + PERCENT[language] if language in PERCENT else " ", text)
    text = re.sub(NUM, say, text)
    text = _BETWEEN.sub(" ", text)
    text = re.sub(UNSAID, " ", text)
    return " ".join(text.split())


def normalizer(language: str = "en") -> Callable[[str], str]:
    """The normaliser for ``language``: full newsreader rules for English, numbers only otherwise."""
    code = language.replace("_", "-").split("-")[0].lower() or "en"
    if code == "en":
        return normalize
    return lambda text: _normalize_numbers_only(text, code)
