"""The rules, in the order they run, most specific first: a regular expression each, and what
it is said as (a string, or a function of the match from the module of its kind)."""

from __future__ import annotations

import re
from collections.abc import Callable

from .context import around
from .dates import (
    MONTH_NAMES,
    say_day_month,
    say_decade,
    say_dotted_date,
    say_iso_date,
    say_month_day,
    say_month_range,
    say_season,
    say_slashed_date,
    say_time,
    say_weekday,
    say_year_or_count,
)
from .measures import (
    UNITS,
    say_bare_temperature,
    say_dimensions,
    say_height,
    say_scale,
    say_temperature,
    say_unit,
)
from .money import CURRENCY, SIGNS, SYMBOL, say_coins, say_money, say_percent
from .names import (
    ABBREVIATIONS,
    BEFORE_NUMBERS,
    DATELINE,
    SLASHED_PERIODS,
    STATES,
    TITLES,
    say_boeing,
    say_dateline,
    say_dotted,
    say_drive,
    say_email,
    say_initialism,
    say_letters_and_digits,
    say_party_state,
    say_regnal,
    say_state_after_place,
    say_url,
)
from .numbers import (
    NUM,
    ROUND_PLURALS,
    SLASHED,
    apart,
    cardinal,
    in_words,
    model_number,
    ordinal,
    say_fraction,
    say_out_of,
    say_phone,
    say_range,
    say_range_start,
    say_vulgar,
    two_digits,
)
from .readings import chose
from .signs import (
    GLUED_COLON,
    INSTRUMENT,
    PAIR,
    PER_SLASH,
    SIGN,
    SLASH,
    SLASH_PAIRS,
    say_instrument,
    say_per,
    say_sign,
    say_slash,
)

#: Signs and symbols a voice would skip or misread, once no rule has said them.
UNSAID = "[" + re.escape(SIGNS) + r"#*_|~^<>{}\[\]\\®™©ⓒ]"

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str] | str]

RULES: list[Rule] = [
    # Typography first: non-breaking spaces and minus signs.
    (re.compile("[\u00a0\u2009\u202f]"), " "),
    (re.compile(r"(?<![\w.])[\u2212](?=\d)"), "-"),
    (re.compile(r"±\s?"), "plus or minus "),
    (re.compile(r"(?:(?<![\w.])(\d+)\s?)?([½¼¾⅓⅔⅛])"), say_vulgar),
    # A dateline in capitals opens a wire story: its place is said as words.
    (DATELINE, say_dateline),
    # Market instrument codes are page data ("EUR=", ".DJI"): unsaid, before any rule reads them.
    (INSTRUMENT, say_instrument),
    (re.compile(r"\be\.g\.", re.I), "for example"),
    (re.compile(r"\bi\.e\.", re.I), "that is"),
    # Addresses before anything sees their dots and digits.
    (re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b"), say_email),
    (re.compile(r"(?<![\w.])@(\w{1,30})\b"), r"at \1"),
    (re.compile(r"(?<=\w)@(?=\w)"), " at "),  # "Twitter@igndeals"
    (
        re.compile(
            r"\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|io|co|uk|ua|eu|info|news)(?:/[\w./-]*)?",
            re.I,
        ),
        say_url,
    ),
    # Any other address with its scheme, and short links ("bit.ly/3xYz"): a domain that is
    # also a word ("it", "to", "me") is an address only with a path after it.
    (
        re.compile(
            r"\bhttps?://[\w.-]+(?:/[\w./-]*)?|\b[a-z0-9-]+\.(?:ly|me|tv|ai|to|gl|gd|fm|cc|us|ca)"
            r"/[\w./-]+",
            re.I,
        ),
        say_url,
    ),
    # Phone numbers, group by group, before their hyphens are taken for ranges.
    (
        re.compile(
            r"(?<![\w.-])(?:1[-.\s])?(?:\(\d{3}\)\s?|\d{3}[-.])\d{3}[-.]\d{4}(?![\w-]|\.\d)"
        ),
        say_phone,
    ),
    (re.compile(r"(?<![\w.$-])\d{3}-\d{4}(?![\w-]|\.\d)"), say_phone),
    # Model numbers: a code with a variant ("A350-900").
    (
        re.compile(r"\b[A-Z]{1,3}(?!(?:19|20)\d\d-)\d{2,4}-\d{1,4}\b"),
        lambda m: say_letters_and_digits(m.group(0)),
    ),
    # Video resolutions: "1080p" is "ten eighty p".
    (
        re.compile(r"\b(480|576|720|1080|1440|2160|4320)p\b"),
        lambda m: f"{model_number(m.group(1))} p",
    ),
    # Market shorthand: "3.4% y/y".
    (
        re.compile(r"(?<![\w/])(?:" + "|".join(map(re.escape, SLASHED_PERIODS)) + r")(?![\w/])"),
        lambda m: SLASHED_PERIODS[m.group(0)],
    ),
    # Numbers with a slash: 24/7, 9/11, dates (12/25/2024), seasons (2024/25), fractions, "per".
    (re.compile(r"(?<![\w/])(?:24/7|9/11|50/50|20/20)(?![\w/])"), lambda m: SLASHED[m.group(0)]),
    (re.compile(r"(?<![\w/.])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\w/])"), say_slashed_date),
    (re.compile(r"(?<![\w.-])(\d{4})-(\d{2})-(\d{2})(?![\w-])"), say_iso_date),
    (re.compile(r"(?<![\w.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d|\.\d)"), say_dotted_date),
    (re.compile(r"(?<![\w.-])((?:1[89]|20)\d{2})[-\u2013/](\d{2})(?![\w/-]|\.\d)"), say_season),
    (re.compile(r"(?<![\w/.])(\d+(?:\.\d+)?)/(5|10|20|100)(?![\w/]|\.\d)"), say_out_of),
    (
        re.compile(
            r"(?<![\w/.])(?:(?P<whole>\d+)[ -])?(?P<top>\d{1,2})/(?P<bottom>\d{1,2})(?![\w/]|\.\d)"
        ),
        say_fraction,
    ),
    # A range of quarters or halves: "Q1-Q3".
    (re.compile(r"\b([QH][1-4])\s?[-\u2013]\s?(?=[QH][1-4]\b)"), r"\1 to "),
    # Ranges of money and percentages: "$5-$10", "5-10%" ("between" them: "and").
    (
        re.compile(
            r"(?P<low>(?:" + SYMBOL + r")\s?" + NUM + r"(?:\s?(?:bn|mn|m|k|million|billion)\b)?)"
            r"\s?[-\u2013]\s?(?=(?:" + SYMBOL + r")\s?\d)"
        ),
        say_range_start,
    ),
    (
        re.compile(r"(?<![\w.-])(?P<low>" + NUM + r")\s?%\s?[-\u2013]\s?(?=" + NUM + r"\s?%)"),
        lambda m: f"{cardinal(m.group('low'))} percent to ",
    ),
    (
        re.compile(
            r"(?<![\w.-])(?P<low>"
            + NUM
            + r")\s?[-\u2013]\s?(?="
            + NUM
            + r"\s?(?:%|per ?cent\b|pc\b))"
        ),
        say_range_start,
    ),
    # Round numbers in the plural: "1,000s of people" are thousands.
    (
        re.compile(r"(?<![\w,.])(1,?000|100|10)s(?= of\b)"),
        lambda m: ROUND_PLURALS[m.group(1).replace(",", "")],
    ),
    (re.compile(r"\bBoeing (?P<model>7[0-9]7)(?:-(?P<variant>\d{1,2}))?\b"), say_boeing),
    (
        re.compile(
            r"(?<![\w$.,-])(?P<model>7[0-9]7)(?:-(?P<variant>\d{1,2})\b|(?=\s?(?:Max|MAX|Dreamliner)\b))"
        ),
        say_boeing,
    ),
    # Money, with optional scale word.
    (
        re.compile(
            CURRENCY + r"(?P<amount>" + NUM + r")"
            r"(?:\s?(?P<scale>thousand|million|billion|trillion|crore|lakh|bn|mn|tn|[mMkKbB])\b)?"
        ),
        say_money,
    ),
    (
        re.compile(r"((?<![\w.])[-\u2212]?" + NUM + r")\s?(?:%|per cent\b|percent\b|pc\b)"),
        say_percent,
    ),
    # Pence and cents: "a 5p rise", "50c".
    (re.compile(r"(?<![\w.])(\d{1,2})([pc])\b"), say_coins),
    # A model number after capitals ("RTX 3080"; money such as "JPY 100" came before).
    (
        re.compile(
            r"\b(?P<code>[A-Z]{2,5}) (?P<n>(?!1[0-9]{3}\b|20[0-9]{2}\b)\d{3,4})\b(?![\d,.%]|\s?[-\u2013]\s?\d)"
        ),
        lambda m: f"{m.group('code')} {model_number(m.group('n'))}",
    ),
    # Temperatures before negative numbers and units.
    (re.compile(r"([-\u2212]?" + NUM + r")\s?°(?:\s?([CF])\b)?"), say_temperature),
    (re.compile(r"((?<![\w.])[-\u2212]?" + NUM + r")([CF])\b"), say_bare_temperature),
    # A range of times: "2am-4am"; a time with a full stop: "10.30am".
    (
        re.compile(
            r"(?<![\w.:])(?P<low>\d{1,2}(?:[:.]\d\d)?\s?[aApP]\.?[mM]\.?)\s?[-\u2013]\s?"
            r"(?=\d{1,2}(?:[:.]\d\d)?\s?[aApP]\.?[mM]\b)"
        ),
        say_range_start,
    ),
    (
        re.compile(
            r"\b(?P<h>1[0-2]|0?[1-9])\.(?P<m>[0-5]\d)\s?(?P<ampm>[aApP]\.?\s?[mM]\b\.?)(?P<trail>)"
        ),
        say_time,
    ),
    # Times: 8:00, 10:51 PM, 7 a.m.
    (
        re.compile(
            r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?:\s?(?P<ampm>[aApP]\.?\s?[mM]\.?))?(?P<trail>)(?!\d)"
        ),
        say_time,
    ),
    (
        re.compile(
            r"\b(?P<h>1[0-2]|0?[1-9])(?P<m>)\s?(?P<ampm>[aApP]\.[mM]\.|[aApP][mM]\b)(?P<trail>)"
        ),
        lambda m: f"{in_words(int(m.group('h')))} {'a m' if m.group('ampm')[0] in 'aA' else 'p m'}",
    ),
    # Ratios: "a 3:1 margin" (a time has two digits after its colon, and came before).
    (
        re.compile(r"(?<![\w:.])(\d{1,3}):(\d{1,3})(?![\w:]|\.\d)"),
        lambda m: f"{cardinal(m.group(1))} to {cardinal(m.group(2))}",
    ),
    # Weekdays shortened: "on Sat.", "Thurs., Dec. 4".
    (re.compile(r"\b(Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\."), say_weekday),
    # Days of one month: "Dec. 1-3".
    (
        re.compile(
            r"\b(?P<month>"
            + MONTH_NAMES
            + r")\.?\s(?P<day>[0-3]?\d)\s?[-\u2013]\s?(?P<last>[0-3]?\d)\b"
            r"(?:,?\s(?P<year>1[0-9]{3}|20[0-9]{2})\b)?"
        ),
        say_month_range,
    ),
    # Dates: "Jan. 7", "January 7, 2024", "7 January 2024".
    (
        re.compile(
            r"\b(?P<month>" + MONTH_NAMES + r")\.?\s(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?!:)"
            r"(?:,?\s(?P<year>1[0-9]{3}|20[0-9]{2})\b)?"
        ),
        say_month_day,
    ),
    (
        re.compile(
            r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s(?P<month>" + MONTH_NAMES + r")\.?"
            r"(?:,?\s(?P<year>1[0-9]{3}|20[0-9]{2})\b)?"
        ),
        say_day_month,
    ),
    # A year cut to two digits: "the class of ’23".
    (
        re.compile(r"(?<![\w'\u2018\u2019])['\u2018\u2019](\d{2})\b(?!['\u2019]?s\b)"),
        lambda m: two_digits(m.group(1)),
    ),
    # Decades: 1990s, the '90s.
    (re.compile(r"\b(1[0-9]{2}0|20[0-9]0)'?s\b"), say_decade),
    (re.compile(r"['\u2018\u2019]([0-9]0)s\b"), say_decade),
    (re.compile(r"(?<![\w'\u2018\u2019.,])([2-9]0)s\b"), say_decade),
    # Ordinals: 1st, 22nd.
    (re.compile(r"\b(\d+)(?:st|nd|rd|th)\b"), lambda m: ordinal(m.group(1))),
    # Number sign: No. 10, No 10; and "vol. 3", "p. 12", "b. 1950".
    (
        re.compile(r"\b(" + "|".join(BEFORE_NUMBERS) + r")\.\s?(?=\d)|\b(No) (?=\d)"),
        lambda m: BEFORE_NUMBERS[m.group(1) or m.group(2)] + " ",
    ),
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
    # Heights in feet and inches: 5'10"; dimensions: 4x4, 3 x 3.
    (
        re.compile(r"(?<![\w.])(\d)\s?['\u2019\u2032]\s?(\d{1,2})\s?(?:\"|\u201d|\u2033|'')"),
        say_height,
    ),
    (re.compile(r"(?<![\w.])(\d+)\s?[x\u00d7]\s?(\d+)(?![\w.])"), say_dimensions),
    # A scale against a number outside money: "2bn people", "300k jobs".
    (re.compile(r"(?P<n>" + NUM + r")\s?(?P<scale>bn|tn|mn|k)\b"), say_scale),
    # Units after numbers.
    (
        re.compile(
            r"(?P<n>"
            + NUM
            + r")(?P<space>\s?)(?P<unit>"
            + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
            + r")(?![\w/])"
        ),
        say_unit,
    ),
    # Ranges, scores and votes: 52-48, 2010–2015.
    (re.compile(r"(?<![\w.-])(\d+)\s?[-\u2013]\s?(\d+)(?!\w|\.\d|-\d)"), say_range),
    # Regnal numbers: Charles III; but World War II.
    (
        re.compile(r"\b([A-Z][a-z]+) ((?:L?X{0,3})(?:IX|IV|V?I{0,3}))\b(?<! )(?<=[IVXL])"),
        say_regnal,
    ),
    # Party and state after a politician's name: "D-Wash." → "Democrat of Washington".
    (
        re.compile(r"\b([DRI])-(" + "|".join(re.escape(k) for k in STATES) + r")(?=[\s,;)]|$)"),
        say_party_state,
    ),
    # A state after a place and its comma: "Buffalo, N.Y., on Tuesday".
    (
        re.compile(
            r"(?<=[A-Za-z], )("
            + "|".join(re.escape(k) for k in sorted(STATES, key=len, reverse=True))
            + r")(?=[\s,;:)]|$)"
        ),
        say_state_after_place,
    ),
    # Dr. after a street's name is Drive ("Mulholland Dr."), before a name Doctor.
    (re.compile(r"(?<=[a-z] )Dr\b\.?(?!\s+[A-Z])"), say_drive),
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
        lambda m: chose("Saint or Street", around(m), "Saint", "Street"),
    ),
    (
        re.compile(r"(?<=[a-z] )St\b\.?"),
        lambda m: chose(
            "Saint or Street",
            around(m),
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
    (re.compile(r"(?<![\d,.$])\b(1[1-9]\d{2}|20\d{2})\b(?!\d|,\d|\.\d)"), say_year_or_count),
    # Negative numbers.
    (re.compile(r"(?<![\w.])-(?=\d)"), "minus "),
    # Initialisms: U.S., EU, G7; acronyms read as words: NATO.
    (re.compile(r"\b(?:[A-Z]\.){2,}"), say_dotted),
    (
        re.compile(r"\b[A-Z]+(?:-?\d+)?(?:[A-Z]+)?\b(?<=[A-Z0-9])"),
        lambda m: (
            say_initialism(m) if len(m.group(0)) >= 2 and not m.group(0).isdigit() else m.group(0)
        ),
    ),
    # Every number left, kept apart from letters it is written against ("DiEM25").
    (re.compile(NUM), lambda m: apart(m, cardinal(m.group(0)))),
    # Symbols a voice would skip or misread.
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s*\+\s*(?=\w)"), " plus "),
    (re.compile(r"(?<=\w)\s?\+(?=[\s.,;:!?)]|$)"), " plus"),  # "Disney+."
    # The last word on signs (.signs): what no rule of its kind said, said safely.
    (PAIR, lambda m: SLASH_PAIRS[m.group(0)]),
    (PER_SLASH, say_per),
    (SLASH, say_slash),
    (SIGN, say_sign),
    (GLUED_COLON, ": "),
    (re.compile(UNSAID), " "),
    # Emoji, pictographs and their joiners and variation selectors: not read out.
    (
        re.compile(
            "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe00-\ufe0f\u200d\u20e3\U000e0020-\U000e007f]"
        ),
        " ",
    ),
]
