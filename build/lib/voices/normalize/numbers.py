"""Numbers in words: cardinals, ordinals, years, Roman numerals, ranges and scores."""

from __future__ import annotations

import re

from num2words import num2words

from .context import range_word, word_before


def in_words(number: float | int, **options: str) -> str:
    """num2words, typed: the number in words."""
    return str(num2words(number, **options))


NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"


def clean_number(text: str) -> str:
    return text.replace(",", "")


def cardinal(number: str | int) -> str:
    """Say a whole or decimal number: ``"3.25"`` → ``"three point two five"``."""
    text = clean_number(str(number))
    negative = text.startswith("-")
    text = text.lstrip("-")
    whole, _, fraction = text.partition(".")
    words = in_words(int(whole or "0")).replace(",", "")
    if fraction:
        words += " point " + " ".join(in_words(int(d)) for d in fraction)
    return ("minus " + words) if negative else words


def two_digits(text: str) -> str:
    """Two digits as a year's end is said: "21" is "twenty-one", "07" is "oh seven"."""
    return f"oh {cardinal(text[1])}" if text[0] == "0" else cardinal(text)


def ordinal(number: str | int) -> str:
    """Say an ordinal: ``21`` → ``"twenty-first"``."""
    return str(in_words(int(clean_number(str(number))), to="ordinal")).replace(",", "")


def year(number: str | int) -> str:
    """Say a year the way people do: 2024 → "twenty twenty-four", 2005 → "two thousand five"."""
    value = int(number)
    if 2000 <= value <= 2009:
        return "two thousand" + ("" if value == 2000 else " " + in_words(value - 2000))
    if value % 100 == 0 and value % 1000 != 0 and 1100 <= value <= 1900:
        return in_words(value // 100) + " hundred"
    return str(in_words(value, to="year")).replace(",", "")


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(numeral: str) -> int:
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN[ch]
        if i + 1 < len(numeral) and _ROMAN[numeral[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def say_range(match: re.Match[str]) -> str:
    left, right = match.group(1), match.group(2)
    if left == right:  # "50-50", "a 1-1 draw": not a range
        return f"{cardinal(left)}-{cardinal(right)}"
    say = year if (len(left) == 4 and len(right) == 4 and 1000 <= int(left) <= 2100) else cardinal
    return f"{say(left)} to {say(right)}"


#: Words before a score out of some number ("rated 4/5", "scored 8/10").
_RATED = frozenset("rated rating rate scored score scores gave gives given gets got earns".split())


def say_out_of(match: re.Match[str]) -> str:
    """A score: "4.5/5", "10/10", "rated 4/5": "four point five out of five". Any other is a
    fraction (:func:`say_fraction`), or left for the rules after."""
    top, bottom = match.group(1), match.group(2)
    rated = word_before(match).lower() in _RATED
    if "." in top or float(top) >= float(bottom) or rated:
        return f"{cardinal(top)} out of {cardinal(bottom)}"
    return match.group(0)


def apart(match: re.Match[str], words: str) -> str:
    """``words`` in place of the match, with a space where it touched a letter."""
    text = match.string
    before = " " if match.start() > 0 and text[match.start() - 1].isalpha() else ""
    after = " " if match.end() < len(text) and text[match.end()].isalpha() else ""
    return before + words + after


#: Numbers written with a slash that are said as words of their own.
SLASHED = {
    "24/7": "twenty-four seven", "9/11": "nine eleven", "50/50": "fifty-fifty",
    "20/20": "twenty-twenty",
}  # fmt: skip

_FRACTION_NAMES = {2: ("half", "halves"), 4: ("quarter", "quarters")}


#: Denominators past ten that fractions are written in: bond prices ("rose 7/32"), inches.
BOND_DENOMINATORS = frozenset({12, 16, 32, 64})


def say_fraction(match: re.Match[str]) -> str:
    """1/2, 3/4, 2/3: "one half", "three quarters", "two thirds"; after a whole number, "1 1/2"
    is "one and a half"; "7/32" is "seven thirty-seconds" (a numerator under its denominator,
    at most ten or one of :data:`BOND_DENOMINATORS`: anything else is left for the rules after)."""
    whole, top, bottom = match.group("whole"), int(match.group("top")), int(match.group("bottom"))
    if not 0 < top < bottom or (bottom > 10 and bottom not in BOND_DENOMINATORS):
        return match.group(0)
    one, many = _FRACTION_NAMES.get(bottom, (ordinal(bottom), ordinal(bottom) + "s"))
    if whole:
        part = f"a {one}" if top == 1 else f"{cardinal(top)} {many}"
        return f"{cardinal(whole)} and {part}"
    return f"{cardinal(top)} {one if top == 1 else many}"


#: "1,000s of", "100s of", "10s of": the round number in the plural.
ROUND_PLURALS = {"1000": "thousands", "100": "hundreds", "10": "tens"}


def say_range_start(match: re.Match[str]) -> str:
    """The low end of a range whose high end the rules after say: "5-10%" is "5 to 10%"."""
    return f"{match.group('low')} {range_word(match)} "


def digits(text: str) -> str:
    """Digits one by one, zero as "oh", as a phone number or a code is read: "0123" is
    "oh one two three"."""
    return " ".join("oh" if d == "0" else cardinal(d) for d in text if d.isdigit())


def model_number(text: str) -> str:
    """A model or product number as it is said, in pairs: "350" is "three fifty", "3080"
    "thirty eighty", "900" "nine hundred", "305" "three oh five"; two digits or fewer, and
    round thousands, as counted."""
    if len(text) <= 2 or not text.isdigit():
        return cardinal(text)
    if len(text) == 3:
        head, tail = text[0], text[1:]
    elif len(text) == 4:
        if text[1:] == "000":
            return cardinal(text)
        head, tail = text[:2], text[2:]
    else:
        return digits(text)
    if tail == "00":
        return f"{cardinal(head)} hundred"
    return f"{cardinal(head)} {two_digits(tail)}"


#: Words before a number that make it a phone number ("call 555-1234").
PHONE_WORDS = re.compile(
    r"\b(?:call|calls|calling|phone|telephone|tel|hotline|helpline|dial|text|fax|contact|line)\b"
    r"[^.;]{0,24}$",
    re.I,
)


def say_phone(match: re.Match[str]) -> str:
    """A phone number, its groups digit by digit: "1-800-273-8255", "(212) 555-0190", and
    "555-0123" (a range's second number is never written with a leading zero, nor smaller
    than its first); "555-1234" is a phone number only after a word such as "call"."""
    groups = [g for g in re.split(r"[^\d]+", match.group(0)) if g]
    if len(groups) == 2:
        first, second = groups
        before = match.string[max(0, match.start() - 40) : match.start()]
        if not (second[0] == "0" or int(second) < int(first) or PHONE_WORDS.search(before)):
            return match.group(0)
    return ", ".join(cardinal(g) if g == "1" else (
        "eight hundred" if g == "800" and i == 1 and groups[0] == "1" else digits(g))
        for i, g in enumerate(groups))  # fmt: skip


#: Vulgar fractions: (with a whole number before it, alone).
VULGAR = {
    "½": ("a half", "one half"), "¼": ("a quarter", "one quarter"),
    "¾": ("three quarters", "three quarters"), "⅓": ("a third", "one third"),
    "⅔": ("two thirds", "two thirds"), "⅛": ("an eighth", "one eighth"),
}  # fmt: skip


def say_vulgar(match: re.Match[str]) -> str:
    """ "2½" is "two and a half"; "½ cup" is "one half cup"."""
    with_whole, alone = VULGAR[match.group(2)]
    return f"{cardinal(match.group(1))} and {with_whole}" if match.group(1) else alone
