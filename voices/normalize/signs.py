"""The last word on signs: whatever the rules before left is read by a safe general reading.

No digit or sign reaches the voice (it would guess at it). What no rule of its kind said is
read here, and each reading is kept for the editor's review (:mod:`.readings`):

- a market instrument's code (``EUR=``, ``US10YT=RR``, ``.DJI``, ``LCOc1``) is page data,
  not words: it is left unsaid;
- a slash before a unit or a period is "per" ("cents/mo", "cents/kWh"), any other slash
  between words "slash" ("Comcast/Xfinity"), and the pairs in :data:`SLASH_PAIRS` as they are said;
- a sign is said by its name (:data:`SIGN_NAMES`: "%" alone in a table's header is "percent");
- digits left over are said one by one, as a code is read (the caller's last step).
"""

from __future__ import annotations

import re

from .context import around, word_before
from .measures import UNITS, singular_unit
from .readings import chose

#: Signs said by name where no rule of their kind said them.
SIGN_NAMES = {
    "%": "percent", "@": "at", "=": "equals", "°": "degrees", "‰": "per mille",
    "§": "section", "¶": "paragraph", "→": "to", "×": "by", "÷": "divided by",
    "≈": "about", "≤": "at most", "≥": "at least", "<": "less than", ">": "more than",
}  # fmt: skip

#: What follows "per": a period or a unit, as said after it ("cents/mo" → "cents per month").
PER = {
    "mo": "month", "month": "month", "yr": "year", "year": "year", "wk": "week", "week": "week",
    "day": "day", "d": "day", "hr": "hour", "h": "hour", "hour": "hour", "min": "minute",
    "night": "night", "person": "person", "head": "head", "capita": "capita", "game": "game",
    "share": "share", "unit": "unit", "litre": "litre", "liter": "liter", "gallon": "gallon",
    "ounce": "ounce", "tonne": "tonne", "ton": "ton", "barrel": "barrel", "bbl": "barrel",
    "MMBtu": "million British thermal units", "sq ft": "square foot",
    **{unit: singular_unit(words) for unit, words in UNITS.items() if "/" not in unit},
}  # fmt: skip

#: Slashed pairs said as a pair: "and/or" is "and or".
SLASH_PAIRS = {"and/or": "and or", "either/or": "either or", "his/her": "his or her",
               "he/she": "he or she", "s/he": "she or he", "w/": "with", "w/o": "without",
               "c/o": "care of", "n/a": "not applicable", "N/A": "not applicable"}  # fmt: skip

#: A market instrument code: capitals and digits with "=" ("EUR=", "US10YT=RR", "XAU="), an
#: index after its dot (".DJI", ".SPX", glued or not), a continuous future ("CLc1", "LCOc1").
INSTRUMENT = re.compile(
    r"(?<![\w=])[A-Z][A-Z0-9]{1,11}=[A-Z0-9]{0,4}(?![\w=])"
    r"|(?:(?<=\s)|^)\.(?!NET\b)[A-Z][A-Z0-9]{1,6}\b(?!\.)"
    r"|\b[A-Z]{2,4}c[1-9]\b"
)


def say_instrument(match: re.Match[str]) -> str:
    """An instrument code is left unsaid (kept as a reading)."""
    return chose("instrument code", match.group(0), "", "letters one by one") + " "


_PER_UNITS = "|".join(re.escape(u) for u in sorted(PER, key=len, reverse=True))
PER_SLASH = re.compile(r"(?<=\w)\s?/\s?(?P<unit>" + _PER_UNITS + r")(?![\w/])")


#: Words after which a slash and a unit is "per": an amount, said ("cents/W") or as a unit.
AMOUNT_WORDS = frozenset(
    """cents cent pence penny dollars dollar pounds pound euros euro yen yuan rupees francs
    percent points""".split()
) | frozenset(UNITS.values())
#: What a slash is always "per" before, whatever comes before it: periods, and the units
#: prices are quoted in ("a 3/hour pace", "prices/kg").
_ALWAYS_PER = frozenset({"mo", "month", "yr", "year", "wk", "week", "day", "hr", "hour",
                         "night", "person", "head", "capita", "game", "share", "kg", "litre",
                         "liter", "gallon"})  # fmt: skip


def say_per(match: re.Match[str]) -> str:
    """A slash before a period or a price's unit, or before any unit after an amount, is "per"
    (the unit said by its name: "cents/kWh" is "cents per kilowatt hour"); else "slash"."""
    unit = match.group("unit")
    word = word_before(match)
    if unit in _ALWAYS_PER or word.lower() in AMOUNT_WORDS or word[-1:].isdigit():
        return " per " + PER[unit]
    return say_slash(match) + unit


PAIR = re.compile(r"(?<![\w/])(?:" + "|".join(map(re.escape, SLASH_PAIRS)) + r")(?![\w/])")
#: A slash between two words (or codes) that no rule read.
SLASH = re.compile(r"(?<=\w)\s?/\s?(?=\w)")


def say_slash(match: re.Match[str]) -> str:
    return " " + chose("slash", around(match), "slash", "or") + " "


SIGN = re.compile("[" + re.escape("".join(SIGN_NAMES)) + "]")


def say_sign(match: re.Match[str]) -> str:
    sign = match.group(0)
    return " " + chose("sign by its name", sign, SIGN_NAMES[sign], "") + " "


#: A colon between letters and a word glued to it ("Path A:Iceland"): a pause, not a sign.
GLUED_COLON = re.compile(r"(?<=[^\W\d_]):(?=[^\W\d_])")
