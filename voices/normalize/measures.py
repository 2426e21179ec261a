"""Units and temperatures: "12 km" is "twelve kilometers", "a 100 m sprint" a hundred-meter one."""

from __future__ import annotations

import re

from .context import DETERMINERS, NOT_A_NOUN, around
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


def say_unit(match: re.Match[str]) -> str:
    number, unit = match.group("n"), match.group("unit")
    if unit in _WORD_UNITS and match.group("space"):  # "1 in 4", "5 in total": the word
        return chose(
            "unit or word", around(match), match.group(0), f"{cardinal(number)} {UNITS[unit]}"
        )
    words = UNITS[unit]
    following = re.match(r"\s+([A-Za-z][A-Za-z-]*)", match.string[match.end() :])
    before = re.search(r"(\w+)\s*$", match.string[: match.start()])
    adjective = (
        following is not None
        and following.group(1).lower() not in NOT_A_NOUN
        and following.group(1) not in _MEASURE_WORDS
        and " per " not in words
        and (
            following.group(1)[0].islower()
            or (before is not None and before.group(1).lower() in DETERMINERS)
        )
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
