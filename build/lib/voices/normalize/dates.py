"""Times, dates, decades and years: "Jan. 7, 2024" is "January seventh, twenty twenty-four"."""

from __future__ import annotations

import re

from .context import NOT_A_NOUN, word_before
from .numbers import cardinal, in_words, ordinal, two_digits, year
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


def say_month_range(match: re.Match[str]) -> str:
    """Days of one month: "Dec. 1-3" is "December first to third" (a second day not after
    the first, or past the 31st, is no range: left to the other rules)."""
    first, last = int(match.group("day")), int(match.group("last"))
    if not 1 <= first < last <= 31:
        return match.group(0)
    month = MONTHS[match.group("month")[:3].lower()]
    words = f"{month} {ordinal(first)} to {ordinal(last)}"
    if match.group("year"):
        words += f", {year(match.group('year'))}"
    return words


#: Weekdays as news copy shortens them ("Thurs., Dec. 4").
WEEKDAYS = {
    "Mon": "Monday", "Tue": "Tuesday", "Tues": "Tuesday", "Wed": "Wednesday",
    "Thu": "Thursday", "Thur": "Thursday", "Thurs": "Thursday", "Fri": "Friday",
    "Sat": "Saturday", "Sun": "Sunday",
}  # fmt: skip
#: Words after which a shortened weekday is a day ("on Sat."), not a name ("The Sun.").
WEEKDAY_AFTER = frozenset("on On by until since from through next last this every".split())


def say_weekday(match: re.Match[str]) -> str:
    """A shortened weekday, said whole where it is one: after "on", "by", "until" …, or
    before a date ("Thurs., Dec. 4"); its full stop stays where it ends the sentence."""
    after = match.string[match.end() :]
    dated = re.match(r",?\s*(?:" + MONTH_NAMES + r"|\d)", after)
    if word_before(match) not in WEEKDAY_AFTER and not dated:
        return match.group(0)
    day = WEEKDAYS[match.group(1)]
    ends = not after.strip() or re.match(r"\s+[A-Z]", after) is not None and not dated
    return day + ("." if ends else "")


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


_MONTH_LIST = list(dict.fromkeys(MONTHS.values()))


def _full_year(text: str) -> str:
    return year(text if len(text) == 4 else "20" + text)


def _date(written: str, day: int, month: int, year_text: str, day_first: bool) -> str:
    """The date said, day first or month first; ``written`` as it is when it is no date."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return written
    name = _MONTH_LIST[month - 1]
    if day_first:
        return f"the {ordinal(day)} of {name} {_full_year(year_text)}"
    return f"{name} {ordinal(day)}, {_full_year(year_text)}"


def say_slashed_date(match: re.Match[str]) -> str:
    """12/25/2024 month first (as in the US), 25/12/2024 day first: as the numbers allow; when
    either could be the month, month first, and the choice kept for the editor."""
    written, year_text = match.group(0), match.group(3)
    first, second = int(match.group(1)), int(match.group(2))
    if first > 12:
        return _date(written, first, second, year_text, day_first=True)
    said = _date(written, second, first, year_text, day_first=False)
    if said == written or second > 12 or first == second:
        return said
    other = _date(written, first, second, year_text, day_first=True)
    return chose("month or day first", written, said, other)


def say_iso_date(match: re.Match[str]) -> str:
    """2024-12-25: "December twenty-fifth, twenty twenty-four"."""
    day, month = int(match.group(3)), int(match.group(2))
    return _date(match.group(0), day, month, match.group(1), day_first=False)


def say_dotted_date(match: re.Match[str]) -> str:
    """25.12.2024, day first as it is written in Europe."""
    day, month = int(match.group(1)), int(match.group(2))
    return _date(match.group(0), day, month, match.group(3), day_first=True)


def say_season(match: re.Match[str]) -> str:
    """2020-21, 2024/25: a season or financial year, "twenty twenty to twenty-one"."""
    first, second = match.group(1), match.group(2)
    if int(second) != (int(first) + 1) % 100:
        return match.group(0)  # not the next year: a range or a score, for the rules after
    return f"{year(first)} to {two_digits(second)}"
