"""English text normalisation: write numbers, money, dates and abbreviations as a newsreader says them.

:func:`normalize` takes one sentence as written and returns it as it is to be
spoken: no digit and no currency symbol is left for the voice to guess at.
Rules run in a fixed order, most specific first; each is a regular expression
with a small function that says the match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from num2words import num2words


@dataclass(frozen=True)
class Reading:
    """A place where the rules chose between two readings, for an editor to confirm."""

    kind: str
    """What was decided: ``unit or word``, ``Roman numeral or letter``, ``year or count``,
    ``Saint or Street``, ``Doctor or Drive``."""
    written: str
    """The words as written."""
    said: str
    """The reading chosen."""
    other: str
    """The reading not chosen."""


_READINGS: ContextVar[list[Reading] | None] = ContextVar("readings", default=None)


@contextmanager
def recording() -> Iterator[list[Reading]]:
    """Collect every :class:`Reading` the rules choose while the block runs (this thread only)."""
    found: list[Reading] = []
    token = _READINGS.set(found)
    try:
        yield found
    finally:
        _READINGS.reset(token)


def _chose(kind: str, written: str, said: str, other: str) -> str:
    """Note a choice (when recording) and return the reading chosen."""
    found = _READINGS.get()
    if found is not None:
        found.append(Reading(kind, written.strip(), said.strip(), other.strip()))
    return said


def _words(number: float | int, **options: str) -> str:
    """num2words, typed: the number in words."""
    return str(num2words(number, **options))


MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "sept": "September",
    "oct": "October", "nov": "November", "dec": "December",
}  # fmt: skip
_MONTH_NAMES = "|".join(
    sorted({m for m in MONTHS.values()} | {k.capitalize() for k in MONTHS}, key=len, reverse=True)
)

#: Titles said in full before a name.
TITLES = {
    "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Dr": "Doctor", "Prof": "Professor",
    "Gov": "Governor", "Sen": "Senator", "Rep": "Representative", "Gen": "General",
    "Lt": "Lieutenant", "Col": "Colonel", "Sgt": "Sergeant", "Capt": "Captain",
    "Adm": "Admiral", "Maj": "Major", "Rev": "Reverend", "Pres": "President", "Hon": "Honorable",
    "Supt": "Superintendent", "Det": "Detective", "Insp": "Inspector",
}  # fmt: skip
#: Abbreviations said in full wherever they stand.
ABBREVIATIONS = {
    "Jr.": "Junior", "Sr.": "Senior", "vs.": "versus", "Inc.": "Incorporated",
    "Corp.": "Corporation", "Ltd.": "Limited", "Bros.": "Brothers", "Dept.": "Department",
    "approx.": "approximately", "etc.": "et cetera", "Ave.": "Avenue", "Blvd.": "Boulevard",
    "Mt.": "Mount", "e.g.": "for example", "i.e.": "that is",
}  # fmt: skip
#: All-capital words read as words, not spelled out.
ACRONYMS = frozenset(
    """NATO NASA UNESCO UNICEF OPEC FIFA ASEAN NAFTA OSCE AIDS COVID SWAT SARS LASER RADAR
    SCOTUS POTUS FEMA OSHA ISIS UEFA NIMBY PIN GIF JPEG FAQ""".split()
)
#: What a currency symbol or code is called: (singular, plural, minor singular, minor plural).
CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("U S dollar", "U S dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "sen", "sen"),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "₴": ("hryvnia", "hryvnias", "kopiyka", "kopiykas"),
    "USD": ("dollar", "dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
}  # fmt: skip
SCALES = {
    "thousand": "thousand", "k": "thousand", "million": "million", "m": "million",
    "mn": "million", "billion": "billion", "bn": "billion", "b": "billion",
    "trillion": "trillion", "tn": "trillion", "crore": "crore", "lakh": "lakh",
}  # fmt: skip
UNITS = {
    "km": "kilometers", "kg": "kilograms", "cm": "centimeters", "mm": "millimeters",
    "m": "meters", "g": "grams", "mg": "milligrams", "lb": "pounds", "lbs": "pounds",
    "mi": "miles", "mph": "miles per hour", "km/h": "kilometers per hour", "kph": "kilometers per hour",
    "ft": "feet", "in": "inches", "oz": "ounces", "l": "liters", "ml": "milliliters",
    "kW": "kilowatts", "MW": "megawatts", "GW": "gigawatts", "kWh": "kilowatt hours",
    "GB": "gigabytes", "MB": "megabytes", "TB": "terabytes", "ha": "hectares",
    "sq km": "square kilometers", "sq mi": "square miles", "W": "watts", "GHz": "gigahertz",
    "MHz": "megahertz", "kHz": "kilohertz", "Hz": "hertz", "mAh": "milliamp hours",
    "lb-ft": "pound-feet",
}  # fmt: skip
_SINGULAR_UNITS = {
    "kilometers": "kilometer", "kilograms": "kilogram", "centimeters": "centimeter",
    "millimeters": "millimeter", "meters": "meter", "grams": "gram", "milligrams": "milligram",
    "pounds": "pound", "miles": "mile", "feet": "foot", "inches": "inch", "ounces": "ounce",
    "liters": "liter", "milliliters": "milliliter", "kilowatts": "kilowatt", "megawatts": "megawatt",
    "gigawatts": "gigawatt", "kilowatt hours": "kilowatt hour", "gigabytes": "gigabyte",
    "megabytes": "megabyte", "terabytes": "terabyte", "hectares": "hectare", "watts": "watt",
    "milliamp hours": "milliamp hour",
}  # fmt: skip
#: AP-style state abbreviations, as in "Sen. Patty Murray, D-Wash."
STATES = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida",
    "Ga.": "Georgia", "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas", "Ky.": "Kentucky",
    "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts", "Mich.": "Michigan",
    "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri", "Mont.": "Montana",
    "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire", "N.J.": "New Jersey",
    "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina", "N.D.": "North Dakota",
    "Okla.": "Oklahoma", "Ore.": "Oregon", "Pa.": "Pennsylvania", "R.I.": "Rhode Island",
    "S.C.": "South Carolina", "S.D.": "South Dakota", "Tenn.": "Tennessee", "Vt.": "Vermont",
    "Va.": "Virginia", "Wash.": "Washington", "W.Va.": "West Virginia", "Wis.": "Wisconsin",
    "Wyo.": "Wyoming", "Texas": "Texas", "Ohio": "Ohio", "Utah": "Utah", "Iowa": "Iowa",
    "Idaho": "Idaho", "Maine": "Maine", "Alaska": "Alaska", "Hawaii": "Hawaii",
}  # fmt: skip
_PARTIES = {"D": "Democrat", "R": "Republican", "I": "Independent"}
#: Initialisms kept as capitals even in text written all in capitals.
KNOWN_INITIALISMS = frozenset(
    """US USA UK EU UN UAE FBI CIA NSA NHS BBC CNN CEO CFO IMF WHO WTO GDP AI IT TV PM MP MPS
    NFL NBA MLB NHL FIFA NATO NASA OPEC COVID ID DNA HIV""".split()
)


def _say_party_state(match: re.Match[str]) -> str:
    return f"{_PARTIES[match.group(1)]} of {STATES[match.group(2)]}"


def _unshout(text: str) -> str:
    """Text written all in capitals, read as words: keep only known initialisms in capitals."""
    letters = [ch for ch in text if ch.isalpha()]
    words = re.findall(r"[A-Za-z]+", text)
    if len(words) < 3 or sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
        return text
    return re.sub(
        r"[A-Za-z]+",
        lambda m: m.group(0) if m.group(0) in KNOWN_INITIALISMS else m.group(0).capitalize(),
        text,
    )


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_NOT_REGNAL = frozenset(
    "War Phase Title Chapter Part Act Article Stage Level Section Type Class Bowl Vatican".split()
)

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"


def _clean_number(text: str) -> str:
    return text.replace(",", "")


def cardinal(number: str | int) -> str:
    """Say a whole or decimal number: ``"3.25"`` → ``"three point two five"``."""
    text = _clean_number(str(number))
    negative = text.startswith("-")
    text = text.lstrip("-")
    whole, _, fraction = text.partition(".")
    words = _words(int(whole or "0")).replace(",", "")
    if fraction:
        words += " point " + " ".join(_words(int(d)) for d in fraction)
    return ("minus " + words) if negative else words


def ordinal(number: str | int) -> str:
    """Say an ordinal: ``21`` → ``"twenty-first"``."""
    return str(_words(int(_clean_number(str(number))), to="ordinal")).replace(",", "")


def year(number: str | int) -> str:
    """Say a year the way people do: 2024 → "twenty twenty-four", 2005 → "two thousand five"."""
    value = int(number)
    if 2000 <= value <= 2009:
        return "two thousand" + ("" if value == 2000 else " " + _words(value - 2000))
    if value % 100 == 0 and value % 1000 != 0 and 1100 <= value <= 1900:
        return _words(value // 100) + " hundred"
    return str(_words(value, to="year")).replace(",", "")


#: Words after an amount that show it is not used as an adjective ("$5 million for ...").
_NOT_A_NOUN = frozenset(
    """a an the to for in of on at by from with and or but was is are were be been will would
    could should can may might has have had that which who this these those per each over under
    as into than then so if when while after before since until across against between each
    apiece more less last this next every through throughout toward towards via within without
    around about among plus like including off out up down upon beyond despite during above below
    near past so far annually""".split()
)
#: Past participles that follow an amount as a verb ("had $20 billion done").
_PARTICIPLES = frozenset(
    """done paid spent made won lost given taken sold set put cut left built bought brought held
    kept owed owned gone seen known shown grown thrown drawn""".split()
)
#: Words before an amount that make it qualify what follows ("a $16M Boost").
_DETERMINERS = frozenset("a an the this that its their his her our".split())


def _adjectival(match: re.Match[str]) -> bool:
    """True when the amount qualifies the noun after it: "a $5 million barrier", "a $16M Boost".

    A lower-case word after it that is not a function word is its noun; after "a", "the"…
    a capitalised one is too (headlines capitalise every word).
    """
    following = re.match(r"\s+([A-Za-z][A-Za-z-]*)", match.string[match.end() :])
    if following is None or following.group(1).lower() in _NOT_A_NOUN:
        return False
    before = re.search(r"(\w+)\s*$", match.string[: match.start()])
    if before is not None and before.group(1).lower() in _DETERMINERS:
        return True  # "a $250,000 fine", "the $16M Boost"
    word = following.group(1)
    # "had $20 billion done", "$5 million raised": a verb, not the amount's noun.
    return word[0].islower() and not word.endswith("ed") and word not in _PARTICIPLES


def _say_money(match: re.Match[str]) -> str:
    symbol = match.group("sym") or match.group("code")
    amount = _clean_number(match.group("amount"))
    scale = (match.group("scale") or "").lower()
    one, many, minor_one, minor_many = CURRENCIES[symbol]
    if scale:
        return f"{cardinal(amount)} {SCALES[scale]} {one if _adjectival(match) else many}"
    whole, _, cents = amount.partition(".")
    whole_words = cardinal(whole)
    unit = one if int(whole) == 1 or (not cents and _adjectival(match)) else many
    if cents and int(cents.ljust(2, "0")[:2]):
        cent_value = int(cents.ljust(2, "0")[:2])
        minor = minor_one if cent_value == 1 else minor_many
        if int(whole) == 0:
            return f"{cardinal(cent_value)} {minor}"
        return f"{whole_words} {unit} and {cardinal(cent_value)} {minor}"
    return f"{whole_words} {unit}"


def _say_percent(match: re.Match[str]) -> str:
    return f"{cardinal(match.group(1).replace(chr(0x2212), '-'))} percent"


def _say_time(match: re.Match[str]) -> str:
    hour, minute = int(match.group("h")), int(match.group("m"))
    meridiem = (match.group("ampm") or "").lower().replace(".", "").replace(" ", "")
    if minute == 0:
        words = _words(hour) + ("" if meridiem else " o'clock")
    elif minute < 10:
        words = f"{_words(hour)} oh {_words(minute)}"
    else:
        words = f"{_words(hour)} {_words(minute)}"
    if meridiem:
        words += " a m" if meridiem.startswith("a") else " p m"
    return words + (match.group("trail") or "")


def _say_month_day(match: re.Match[str]) -> str:
    month = MONTHS[match.group("month")[:3].lower()]
    words = f"{month} {ordinal(match.group('day'))}"
    if match.group("year"):
        words += f", {year(match.group('year'))}"
    return words


def _say_day_month(match: re.Match[str]) -> str:
    month = MONTHS[match.group("month")[:3].lower()]
    words = f"the {ordinal(match.group('day'))} of {month}"
    if match.group("year"):
        words += f" {year(match.group('year'))}"
    return words


def _say_decade(match: re.Match[str]) -> str:
    digits = match.group(1)
    if len(digits) == 2:  # '90s
        base = _words(int(digits))
    else:
        base = year(digits)
    if base.endswith("y"):
        return base[:-1] + "ies"
    if base.endswith("thousand"):
        return base + "s"
    return base + "s"


def _say_range(match: re.Match[str]) -> str:
    left, right = match.group(1), match.group(2)
    say = year if (len(left) == 4 and len(right) == 4 and 1000 <= int(left) <= 2100) else cardinal
    return f"{say(left)} to {say(right)}"


#: Units that are also English words ("1 in 4", "a 5 g network"): a unit only when written
#: against the number ("12in", "5g"), except "m", "g" and "l", which a space does not make words.
_WORD_UNITS = frozenset({"in"})
#: Units a space apart from the number that could be a letter or a word ("5 m", "2 l").
_AMBIGUOUS_UNITS = frozenset({"m", "g", "l", "ha"})
#: Words after a measure that say how it measures, not what it measures ("6 ft tall").
_MEASURE_WORDS = frozenset(
    """tall long wide high deep thick away apart across above below short heavy old off up down
    underground underwater overhead offshore inland beneath""".split()
)


def _say_unit(match: re.Match[str]) -> str:
    number, unit = match.group("n"), match.group("unit")
    if unit in _WORD_UNITS and match.group("space"):  # "1 in 4", "5 in total": the word
        return _chose(
            "unit or word", _around(match), match.group(0), f"{cardinal(number)} {UNITS[unit]}"
        )
    words = UNITS[unit]
    following = re.match(r"\s+([A-Za-z][A-Za-z-]*)", match.string[match.end() :])
    before = re.search(r"(\w+)\s*$", match.string[: match.start()])
    adjective = (
        following is not None
        and following.group(1).lower() not in _NOT_A_NOUN
        and following.group(1) not in _MEASURE_WORDS
        and " per " not in words
        and (
            following.group(1)[0].islower()
            or (before is not None and before.group(1).lower() in _DETERMINERS)
        )
    )
    if _clean_number(number) in ("1", "1.0") or adjective:
        words = _SINGULAR_UNITS.get(words, words)  # "a 100 m sprint": a hundred-meter sprint
    said = f"{cardinal(number)} {words}"
    if unit in _AMBIGUOUS_UNITS and match.group("space"):
        return _chose("unit or word", _around(match), said, f"{cardinal(number)} {unit}")
    return said


def _say_temperature(match: re.Match[str]) -> str:
    scale = {"C": " Celsius", "F": " Fahrenheit"}.get(match.group(2) or "", "")
    one = match.group(1).lstrip("-") in ("1", "1.0")
    number = cardinal(match.group(1).replace("\u2212", "-"))
    return f"{number} degree{'' if one else 's'}{scale}"


def _roman_value(numeral: str) -> int:
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN[ch]
        if i + 1 < len(numeral) and _ROMAN[numeral[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


#: Names that take a one-letter regnal number ("Elizabeth I", "Henry V"); after any other word a
#: lone I, V or X is a letter ("Then I said", "Malcolm X", "Generation X").
MONARCH_NAMES = frozenset(
    """Elizabeth Charles James George Edward Henry William Mary Richard John Louis Napoleon Peter
    Catherine Nicholas Alexander Frederick Philip Pius Leo Benedict Francis Paul Gregory Innocent
    Clement Urban Boniface Victor Ferdinand Isabella Juan Carlos Felipe Harald Olav Haakon Gustav
    Carl Willem Wilhelm Albert Baudouin Ludwig Otto Rudolf Ivan Selim Suleiman Mehmed Murad""".split()
)


def _say_regnal(match: re.Match[str]) -> str:
    name, numeral = match.group(1), match.group(2)
    value = _roman_value(numeral)
    if name in _NOT_REGNAL:
        said = f"{name} {_words(value)}"
    elif len(numeral) == 1 and name not in MONARCH_NAMES:
        return _chose(
            "Roman numeral or letter", match.group(0), match.group(0), f"{name} {_words(value)}"
        )
    else:
        said = f"{name} the {ordinal(value)}"
    if len(numeral) == 1:
        return _chose("Roman numeral or letter", match.group(0), said, f"{name} {numeral}")
    return said


#: Words before a four-digit number that make it a year ("in 1990", "since 2008").
_YEAR_BEFORE = frozenset(
    """in since by from until till to of during before after between year years circa around
    early late mid spring summer autumn fall winter season class the this that its their his her
    our last next""".split()
)


def _say_year_or_count(match: re.Match[str]) -> str:
    """A year ("in 1990 voters", "2020 was"), unless it counts the noun after it ("1500 people")."""
    number = match.group(1)
    as_year, as_count = year(number), cardinal(number)
    before = re.search(r"([A-Za-z]+)\W*$", match.string[: match.start()])
    if before is not None and (
        before.group(1).lower() in _YEAR_BEFORE or before.group(1) in MONTHS.values()
    ):
        return as_year  # "in 1990", "May 2020": no doubt
    following = re.match(r"\s+([a-z][a-z-]*)", match.string[match.end() :])
    if following is not None and following.group(1) not in _NOT_A_NOUN | _VERBS_AFTER_YEAR:
        return _chose("year or count", f"{number} {following.group(1)}", as_count, as_year)
    return _chose("year or count", number, as_year, as_count)


#: Verbs that follow a year as its subject ("2020 saw", "2019 brought").
_VERBS_AFTER_YEAR = frozenset("saw brought marked began ended proved turned became".split())


def _say_url(match: re.Match[str]) -> str:
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", match.group(0)).rstrip("/")
    url = url.replace(".", " dot ").replace("/", " slash ").replace("-", " dash ")
    return " ".join(url.split())


def _say_email(match: re.Match[str]) -> str:
    user, domain = match.group(1), match.group(2)
    user = user.replace(".", " dot ").replace("_", " underscore ").replace("-", " dash ")
    return f"{user} at {domain.replace('.', ' dot ')}"


def _say_drive(match: re.Match[str]) -> str:
    """ "Dr." after a street's name (a capitalised word); a full stop that ended the sentence stays."""
    before = re.search(r"(\w+) $", match.string[: match.start()])
    if (
        before is None
        or not before.group(1)[0].isupper()
        or before.group(1).lower() in _DETERMINERS
    ):
        return match.group(0)
    said = "Drive." if match.group().endswith(".") and match.end() == len(match.string) else "Drive"
    return _chose("Doctor or Drive", _around(match), said, "Doctor")


def _around(match: re.Match[str]) -> str:
    """The match with the word either side of it, as an editor would search for it."""
    text = match.string
    start = text.rfind(" ", 0, max(0, match.start() - 1)) + 1
    end = text.find(" ", match.end() + 1)
    return text[start : end if end != -1 else len(text)]


def _apart(match: re.Match[str], words: str) -> str:
    """``words`` in place of the match, with a space where it touched a letter."""
    text = match.string
    before = " " if match.start() > 0 and text[match.start() - 1].isalpha() else ""
    after = " " if match.end() < len(text) and text[match.end()].isalpha() else ""
    return before + words + after


def _spell(letters: str) -> str:
    return " ".join(letters)


def _say_initialism(match: re.Match[str]) -> str:
    word = match.group(0)
    if word in ACRONYMS:
        return word.capitalize()
    if re.fullmatch(r"[A-Z]+", word):
        # Short capitals are initialisms (EU, CEO); long ones with vowels are words in capitals.
        if len(word) >= 5 and re.search(r"[AEIOUY]", word):
            return word.capitalize()
        return _spell(word)
    # Letters and digits: G7, F-16, COVID-19
    parts = re.findall(r"[A-Z]+|\d+", word)
    return " ".join(
        cardinal(p) if p.isdigit() else (p.capitalize() if p in ACRONYMS else _spell(p))
        for p in parts
    )


def _say_dotted(match: re.Match[str]) -> str:
    return _spell(match.group(0).replace(".", "").upper())


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str] | str]

_RULES: list[_Rule] = [
    # Typography first: non-breaking spaces and minus signs.
    (re.compile("[\u00a0\u2009\u202f]"), " "),
    (re.compile(r"(?<![\w.])[\u2212](?=\d)"), "-"),
    (re.compile(r"\be\.g\.", re.I), "for example"),
    (re.compile(r"\bi\.e\.", re.I), "that is"),
    # Addresses before anything sees their dots and digits.
    (re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b"), _say_email),
    (
        re.compile(
            r"\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|io|co|uk|ua|eu|info|news)(?:/[\w./-]*)?",
            re.I,
        ),
        _say_url,
    ),
    # Money, with optional scale word.
    (
        re.compile(
            r"(?:(?P<sym>US\$|[$€£¥₹₴])\s?|\b(?P<code>USD|EUR|GBP)\s)(?P<amount>" + _NUM + r")"
            r"(?:\s?(?P<scale>thousand|million|billion|trillion|crore|lakh|bn|mn|tn|[mMkKbB])\b)?"
        ),
        _say_money,
    ),
    (re.compile(r"((?<![\w.])[-\u2212]?" + _NUM + r")\s?(?:%|per cent\b|percent\b)"), _say_percent),
    # Temperatures before negative numbers and units.
    (re.compile(r"([-\u2212]?" + _NUM + r")\s?°(?:\s?([CF])\b)?"), _say_temperature),
    # Times: 8:00, 10:51 PM, 7 a.m.
    (
        re.compile(
            r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?:\s?(?P<ampm>[aApP]\.?\s?[mM]\.?))?(?P<trail>)(?!\d)"
        ),
        _say_time,
    ),
    (
        re.compile(
            r"\b(?P<h>1[0-2]|0?[1-9])(?P<m>)\s?(?P<ampm>[aApP]\.[mM]\.|[aApP][mM]\b)(?P<trail>)"
        ),
        lambda m: f"{_words(int(m.group('h')))} {'a m' if m.group('ampm')[0] in 'aA' else 'p m'}",
    ),
    # Dates: "Jan. 7", "January 7, 2024", "7 January 2024".
    (
        re.compile(
            r"\b(?P<month>" + _MONTH_NAMES + r")\.?\s(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?!:)"
            r"(?:,?\s(?P<year>1[0-9]{3}|20[0-9]{2})\b)?"
        ),
        _say_month_day,
    ),
    (
        re.compile(
            r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s(?P<month>" + _MONTH_NAMES + r")\.?"
            r"(?:,?\s(?P<year>1[0-9]{3}|20[0-9]{2})\b)?"
        ),
        _say_day_month,
    ),
    # Decades: 1990s, the '90s.
    (re.compile(r"\b(1[0-9]{2}0|20[0-9]0)'?s\b"), _say_decade),
    (re.compile(r"['\u2019]([0-9]0)s\b"), _say_decade),
    # Ordinals: 1st, 22nd.
    (re.compile(r"\b(\d+)(?:st|nd|rd|th)\b"), lambda m: ordinal(m.group(1))),
    # Number sign: No. 10.
    (re.compile(r"\bNo\.\s?(?=\d)"), "number "),
    (re.compile(r"#(?=\d)"), "number "),
    # A range of a unit: "0-60 mph" is "zero to sixty miles per hour".
    (
        re.compile(
            r"(?<![\w.-])(?P<low>\d+)\s?[-\u2013]\s?(?=\d+\s?(?:"
            + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True) if len(u) > 1)
            + r")\b)"
        ),
        lambda m: f"{cardinal(m.group('low'))} to ",
    ),
    # Units after numbers.
    (
        re.compile(
            r"(?P<n>"
            + _NUM
            + r")(?P<space>\s?)(?P<unit>"
            + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
            + r")(?![\w/])"
        ),
        _say_unit,
    ),
    # Ranges, scores and votes: 52-48, 2010–2015.
    (re.compile(r"(?<![\w.-])(\d+)\s?[-\u2013]\s?(\d+)(?!\w|\.\d|-\d)"), _say_range),
    # Regnal numbers: Charles III; but World War II.
    (
        re.compile(r"\b([A-Z][a-z]+) ((?:L?X{0,3})(?:IX|IV|V?I{0,3}))\b(?<! )(?<=[IVXL])"),
        _say_regnal,
    ),
    # Party and state after a politician's name: "D-Wash." → "Democrat of Washington".
    (
        re.compile(r"\b([DRI])-(" + "|".join(re.escape(k) for k in STATES) + r")(?=[\s,;)]|$)"),
        _say_party_state,
    ),
    # Dr. after a street's name is Drive ("Mulholland Dr."), before a name Doctor.
    (re.compile(r"(?<=[a-z] )Dr\b\.?(?!\s+[A-Z])"), _say_drive),
    # Titles before "and" another title ("Mr. and Mrs. Kowalski"), and before names.
    (
        re.compile(
            r"\b(" + "|".join(TITLES) + r")\.?(?=\s+(?:and|&)\s+(?:" + "|".join(TITLES) + r")\b)"
        ),
        lambda m: TITLES[m.group(1)],
    ),
    (re.compile(r"\b(" + "|".join(TITLES) + r")\.?(?=\s+[A-Z])"), lambda m: TITLES[m.group(1)]),
    (
        re.compile(r"\bSt\.?(?=\s+[A-Z])"),
        lambda m: _chose("Saint or Street", _around(m), "Saint", "Street"),
    ),
    (
        re.compile(r"(?<=[a-z] )St\b\.?"),
        lambda m: _chose(
            "Saint or Street",
            _around(m),
            "Street." if m.group().endswith(".") and m.end() == len(m.string) else "Street",
            "Saint",
        ),
    ),
    (
        re.compile(
            "|".join(
                re.escape(k) + (r"(?=\s|$)" if k.endswith(".") else r"\b") for k in ABBREVIATIONS
            )
        ),
        lambda m: ABBREVIATIONS[m.group(0)],
    ),
    # Years stand alone as four digits; a four-digit count of something is a count.
    (re.compile(r"(?<![\d,.$])\b(1[1-9]\d{2}|20\d{2})\b(?!\d|,\d|\.\d)"), _say_year_or_count),
    # Negative numbers.
    (re.compile(r"(?<![\w.])-(?=\d)"), "minus "),
    # Initialisms: U.S., EU, G7; acronyms read as words: NATO.
    (re.compile(r"\b(?:[A-Z]\.){2,}"), _say_dotted),
    (
        re.compile(r"\b[A-Z]+(?:-?\d+)?(?:[A-Z]+)?\b(?<=[A-Z0-9])"),
        lambda m: (
            _say_initialism(m) if len(m.group(0)) >= 2 and not m.group(0).isdigit() else m.group(0)
        ),
    ),
    # Every number left, kept apart from letters it is written against ("DiEM25").
    (re.compile(_NUM), lambda m: _apart(m, cardinal(m.group(0)))),
    # Symbols a voice would skip or misread.
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s*\+\s*(?=\w)"), " plus "),
    (re.compile(r"[$€£¥₹₴#*_|~^<>{}\[\]\\]"), " "),
    # Emoji, pictographs and their joiners and variation selectors: not read out.
    (
        re.compile(
            "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe00-\ufe0f\u200d\u20e3\U000e0020-\U000e007f]"
        ),
        " ",
    ),
]


def normalize(text: str) -> str:
    """Return ``text`` as it is to be spoken: numbers, money, dates and abbreviations in words."""
    ended = text.rstrip()[-1:] in (".", "!", "?") if text.strip() else False
    text = _unshout(text)
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\d", lambda m: " " + _words(int(m.group(0))) + " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = " ".join(text.split())
    if ended and text and text[-1] not in ".!?\"'”’)":
        text += "."  # a rule ate the full stop ("9 a.m.")
    return text


def _normalize_numbers_only(text: str, language: str) -> str:
    """For languages without newsreader rules: numbers in words in that language, symbols dropped."""

    def say(match: re.Match[str]) -> str:
        number = match.group(0).replace(",", "")
        try:
            return str(_words(float(number) if "." in number else int(number), lang=language))
        except (NotImplementedError, OverflowError, ValueError):
            return " ".join(str(_words(int(d))) for d in number if d.isdigit())

    text = re.sub(_NUM, say, text)
    text = re.sub(r"[$€£¥₹₴#*_|~^<>{}\[\]\\]", " ", text)
    return " ".join(text.split())


def normalizer(language: str = "en") -> Callable[[str], str]:
    """The normaliser for ``language``: full newsreader rules for English, numbers only otherwise."""
    code = language.replace("_", "-").split("-")[0].lower() or "en"
    if code == "en":
        return normalize
    return lambda text: _normalize_numbers_only(text, code)
