"""Units and temperatures: "12 km" is "twelve kilometers", "a 100 m sprint" a hundred-meter one."""

from __future__ import annotations

import re

from .context import DETERMINERS, NOT_A_NOUN, around, word_before
from .numbers import cardinal, clean_number
from .readings import chose

UNITS = {
    "km": "kilometers", "kg": "kilograms", "cm": "centimeters", "mm": "millimeters",
    "m": "meters", "g": "grams", "mg": "milligrams", "lb": "pounds", "lbs": "pounds",
    "mi": "miles", "mph": "miles per hour", "km/h": "kilometers per hour", "kph": "kilometers per hour",
    "ft": "feet", "in": "inches", "oz": "ounces", "l": "liters", "ml": "milliliters",
    "kW": "kilowatts", "MW": "megawatts", "GW": "gigawatts", "kWh": "kilowatt hours",
    "GB": "gigabytes", "MB": "megabytes", "TB": "terabytes", "ha": "hectares",
    "sq km": "square kilometers", "sq mi": "square miles", "W": "watts", "GHz": "gigahertz",
    "MHz": "megahertz", "kHz": "kilohertz", "Hz": "hertz", "mAh": "milliamp hours",
    "lb-ft": "pound-feet", "sq ft": "square feet", "sq m": "square meters",
    "km²": "square kilometers", "m²": "square meters", "fps": "frames per second",
    "bp": "basis points", "bps": "basis points",
}  # fmt: skip

_SINGULAR_UNITS = {
    "kilometers": "kilometer", "kilograms": "kilogram", "centimeters": "centimeter",
    "millimeters": "millimeter", "meters": "meter", "grams": "gram", "milligrams": "milligram",
    "pounds": "pound", "miles": "mile", "feet": "foot", "inches": "inch", "ounces": "ounce",
    "liters": "liter", "milliliters": "milliliter", "kilowatts": "kilowatt", "megawatts": "megawatt",
    "gigawatts": "gigawatt", "kilowatt hours": "kilowatt hour", "gigabytes": "gigabyte",
    "megabytes": "megabyte", "terabytes": "terabyte", "hectares": "hectare", "watts": "watt",
    "milliamp hours": "milliamp hour", "square feet": "square foot",
    "square meters": "square meter", "square kilometers": "square kilometer",
    "basis points": "basis point",
}  # fmt: skip


def singular_unit(words: str) -> str:
    """A unit's name for one of it: "kilowatt hours" → "kilowatt hour"."""
    return _SINGULAR_UNITS.get(words, words)


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


#: Races run or swum over meters ("the 400m hurdles", "a 100m freestyle heat").
_RACES = frozenset(
    """hurdles relay freestyle backstroke breaststroke butterfly medley dash sprint final finals
    heat heats race record title steeplechase individual""".split()
)
#: Plurals without an "s" that are counted by the million ("1.2m people").
_COUNTED = frozenset("people children men women staff".split())


def _millions(following: re.Match[str] | None) -> bool:
    """A number with "m" against it counts what follows by the million ("30m viewers", "5m
    years"), unless that is how it measures ("1.8m tall") or a race ("the 400m hurdles")."""
    word = following.group(1) if following is not None else ""
    if word.lower() in _MEASURE_WORDS or word.lower() in _RACES:
        return False
    return word in _COUNTED or (word.islower() and word.endswith("s") and not word.endswith("ss"))


def say_unit(match: re.Match[str]) -> str:
    number, unit = match.group("n"), match.group("unit")
    if unit in _WORD_UNITS and match.group("space"):  # "1 in 4", "5 in total": the word
        return chose(
            "unit or word", around(match), match.group(0), f"{cardinal(number)} {UNITS[unit]}"
        )
    words = UNITS[unit]
    following = re.match(r"\s+([A-Za-z][A-Za-z-]*)", match.string[match.end() :])
    if unit == "m" and not match.group("space") and _millions(following):
        said = f"{cardinal(number)} million"
        return chose("million or meters", around(match), said, f"{cardinal(number)} meters")
    adjective = (
        following is not None
        and following.group(1).lower() not in NOT_A_NOUN
        and following.group(1) not in _MEASURE_WORDS
        and " per " not in words
        and (following.group(1)[0].islower() or word_before(match).lower() in DETERMINERS)
    )
    if clean_number(number) in ("1", "1.0") or adjective:
        words = _SINGULAR_UNITS.get(words, words)  # "a 100 m sprint": a hundred-meter sprint
    said = f"{cardinal(number)} {words}"
    if unit in _AMBIGUOUS_UNITS and match.group("space"):
        return chose("unit or word", around(match), said, f"{cardinal(number)} {unit}")
    return said


def say_temperature(match: re.Match[str]) -> str:
    scale = {"C": " Celsius", "F": " Fahrenheit"}.get(match.group(2) or "", "")
    one = match.group(1).lstrip("-") in ("1", "1.0")
    number = cardinal(match.group(1).replace("\u2212", "-"))
    return f"{number} degree{'' if one else 's'}{scale}"


def say_height(match: re.Match[str]) -> str:
    """5'10": "five foot ten"."""
    return f"{cardinal(match.group(1))} foot {cardinal(match.group(2))}"


#: A scale written against a number outside money: "2bn people", "300k jobs"; "a 5k run".
SCALE_WORDS = {"bn": "billion", "tn": "trillion", "mn": "million", "k": "thousand"}
#: What a "k" distance is run, walked or ridden in: "a 5k run" is "five K".
_K_RACES = frozenset("run runs race races walk walks ride swim fun".split())


def say_scale(match: re.Match[str]) -> str:
    """ "2bn people", "300k jobs"; but a "k" that names a race or a picture ("a 5k run", "4k
    streaming", "8k TV") is the letter: one under ten thousand, unless it counts what follows."""
    number, scale = match.group("n"), match.group("scale")
    following = re.match(r"\s+([A-Za-z]+)", match.string[match.end() :])
    if scale == "k":
        word = following.group(1) if following is not None else ""
        race = word.lower() in _K_RACES
        if race or (float(clean_number(number)) < 10 and not _millions(following)):
            return f"{cardinal(number)} K"
    return f"{cardinal(number)} {SCALE_WORDS[scale]}"


def say_dimensions(match: re.Match[str]) -> str:
    """4x4, 1440 x 900: "four by four"."""
    return f"{cardinal(match.group(1))} by {cardinal(match.group(2))}"


#: Words before a bare "40C" that make it a temperature (not a seat or a flat): up to four back.
_WEATHER = frozenset(
    """temperature temperatures high highs low lows hit hits reached reach reaching soared soar
    plunged peaked peak warm warmer cold colder hot hotter heat heatwave freezing degrees
    mercury climbed climbing""".split()
)


def say_bare_temperature(match: re.Match[str]) -> str:
    """ "temperatures reached 40C", "a low of -5C": a temperature written without its degree
    sign; "seat 40C" stays as written."""
    before = re.findall(r"[A-Za-z]+", match.string[: match.start()])[-4:]
    negative = match.group(1).lstrip().startswith(("-", "\u2212"))
    if not negative and not any(word.lower() in _WEATHER for word in before):
        return match.group(0)
    return say_temperature(match)
