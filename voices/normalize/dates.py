"""Times, dates, decades and years: "Jan. 7, 2024" is "January seventh, twenty twenty-four"."""

from __future__ import annotations

import re

from .context import NOT_A_NOUN
from .numbers import cardinal, in_words, ordinal, year
from .readings import chose

MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "sept": "September",
    "oct": "October", "nov": "November", "dec": "December",
}  # fmt: skip

MONTH_NAMES = "|".join(
    sorted({m for m in MONTHS.values()} | {k.capitalize() for k in MONTHS}, key=len, reverse=True)
)


def say_time(match: re.Match[str]) -> str:
    hour, minute = int(match.group("h")), int(match.group("m"))
    meridiem = (match.group("ampm") or "").lower().replace(".", "").replace(" ", "")
    if minute == 0:
        words = in_words(hour) + ("" if meridiem else " o'clock")
    elif minute < 10:
        words = f"{in_words(hour)} oh {in_words(minute)}"
    else:
        words = f"{in_words(hour)} {in_words(minute)}"
    if meridiem:
        words += " a m" if meridiem.startswith("a") else " p m"
    return words + (match.group("trail") or "")


def say_month_day(match: re.Match[str]) -> str:
    month = MONTHS[match.group("month")[:3].lower()]
    words = f"{month} {ordinal(match.group('day'))}"
    if match.group("year"):
        words += f", {year(match.group('year'))}"
    return words


def say_day_month(match: re.Match[str]) -> str:
    month = MONTHS[match.group("month")[:3].lower()]
    words = f"the {ordinal(match.group('day'))} of {month}"
    if match.group("year"):
        words += f" {year(match.group('year'))}"
    return words


def say_decade(match: re.Match[str]) -> str:
    digits = match.group(1)
    if len(digits) == 2:  # '90s
        base = in_words(int(digits))
    else:
        base = year(digits)
    if base.endswith("y"):
        return base[:-1] + "ies"
    if base.endswith("thousand"):
        return base + "s"
    return base + "s"


#: Words before a four-digit number that make it a year ("in 1990", "since 2008").
_YEAR_BEFORE = frozenset(
    """in since by from until till to of during before after between year years circa around
    early late mid spring summer autumn fall winter season class the this that its their his her
    our last next""".split()
)

#: Verbs that follow a year as its subject ("2020 saw", "2019 brought").
_VERBS_AFTER_YEAR = frozenset("saw brought marked began ended proved turned became".split())


def say_year_or_count(match: re.Match[str]) -> str:
    """A year ("in 1990 voters", "2020 was"), unless it counts the noun after it ("1500 people")."""
    number = match.group(1)
    as_year, as_count = year(number), cardinal(number)
    before = re.search(r"([A-Za-z]+)\W*$", match.string[: match.start()])
    if before is not None and (
        before.group(1).lower() in _YEAR_BEFORE or before.group(1) in MONTHS.values()
    ):
        return as_year  # "in 1990", "May 2020": no doubt
    following = re.match(r"\s+([a-z][a-z-]*)", match.string[match.end() :])
    if following is not None and following.group(1) not in NOT_A_NOUN | _VERBS_AFTER_YEAR:
        return chose("year or count", f"{number} {following.group(1)}", as_count, as_year)
    return chose("year or count", number, as_year, as_count)
