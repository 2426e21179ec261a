"""The rules, in the order they run, most specific first: a regular expression each, and what
it is said as (a string, or a function of the match from the module of its kind)."""

from __future__ import annotations

import re
from collections.abc import Callable

from . import context, dates, measures, money, names, numbers, readings, signs

#: Signs and symbols a voice would skip or misread, once no rule has said them.
UNSAID = "[" + re.escape(money.SIGNS) + r"#*_|~^<>{}\[\]\\®™©ⓒ]"

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str] | str]

RULES: list[Rule] = [
    # Typography first: non-breaking spaces and minus signs.
    (re.compile("[\u00a0\u2009\u202f]"), " "),
    (re.compile(r"(?<![\w.])[\u2212](?=\d)"), "-"),
    (re.compile(r"±\s?"), "plus or minus "),
    (re.compile(r"(?:(?<![\w.])(\d+)\s?)?([½¼¾⅓⅔⅛])"), numbers.say_vulgar),
    # A dateline in capitals opens a wire story: its place is said as words.
    (names.DATELINE, names.say_dateline),
    # Market instrument codes are page data ("EUR=", ".DJI"): unsaid, before any rule reads them.
    (signs.INSTRUMENT, signs.say_instrument),
    (re.compile(r"\be\.g\.", re.I), "for example"),
    (re.compile(r"\bi\.e\.", re.I), "that is"),
    # Addresses before anything sees their dots and digits.
    (re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b"), names.say_email),
    (re.compile(r"(?<![\w.])@(\w{1,30})\b"), r"at \1"),
    (re.compile(r"(?<=\w)@(?=\w)"), " at "),  # "Twitter@igndeals"
    (
        re.compile(
            r"\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|io|co|uk|ua|eu|info|news)(?:/[\w./-]*)?",
            re.I,
        ),
        names.say_url,
    ),
    # Any other address with its scheme, and short links ("bit.ly/3xYz"): a domain that is
    # also a word ("it", "to", "me") is an address only with a path after it.
    (
        re.compile(
            r"\bhttps?://[\w.-]+(?:/[\w./-]*)?|\b[a-z0-9-]+\.(?:ly|me|tv|ai|to|gl|gd|fm|cc|us|ca)"
            r"/[\w./-]+",
            re.I,
        ),
        names.say_url,
    ),
    # Phone numbers, group by group, before their hyphens are taken for ranges.
    (
        re.compile(
            r"(?<![\w.-])(?:1[-.\s])?(?:\(\d{3}\)\s?|\d{3}[-.])\d{3}[-.]\d{4}(?![\w-]|\.\d)"
        ),
        numbers.say_phone,
    ),
    (re.compile(r"(?<![\w.$-])\d{3}-\d{4}(?![\w-]|\.\d)"), numbers.say_phone),
    # Model numbers: a code with a variant ("A350-900").
    (
        re.compile(r"\b[A-Z]{1,3}(?!(?:19|20)\d\d-)\d{2,4}-\d{1,4}\b"),
        lambda m: names.say_letters_and_digits(m.group(0)),
    ),
    # Video resolutions: "1080p" is "ten eighty p".
    (
        re.compile(r"\b(480|576|720|1080|1440|2160|4320)p\b"),
        lambda m: f"{numbers.model_number(m.group(1))} p",
    ),
    # Market shorthand: "3.4% y/y".
    (
        re.compile(
            r"(?<![\w/])(?:" + "|".join(map(re.escape, names.SLASHED_PERIODS)) + r")(?![\w/])"
        ),
        lambda m: names.SLASHED_PERIODS[m.group(0)],
    ),
    # Numbers with a slash: 24/7, 9/11, dates (12/25/2024), seasons (2024/25), fractions, "per".
    (
        re.compile(r"(?<![\w/])(?:24/7|9/11|50/50|20/20)(?![\w/])"),
        lambda m: numbers.SLASHED[m.group(0)],
    ),
    (re.compile(r"(?<![\w/.])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\w/])"), dates.say_slashed_date),
    (re.compile(r"(?<![\w.-])(\d{4})-(\d{2})-(\d{2})(?![\w-])"), dates.say_iso_date),
    (re.compile(r"(?<![\w.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d|\.\d)"), dates.say_dotted_date),
    (
        re.compile(r"(?<![\w.-])((?:1[89]|20)\d{2})[-\u2013/](\d{2})(?![\w/-]|\.\d)"),
        dates.say_season,
    ),
    (re.compile(r"(?<![\w/.])(\d+(?:\.\d+)?)/(5|10|20|100)(?![\w/]|\.\d)"), numbers.say_out_of),
    (
        re.compile(
            r"(?<![\w/.])(?:(?P<whole>\d+)[ -])?(?P<top>\d{1,2})/(?P<bottom>\d{1,2})(?![\w/]|\.\d)"
        ),
        numbers.say_fraction,
    ),
    # A range of quarters or halves: "Q1-Q3".
    (re.compile(r"\b([QH][1-4])\s?[-\u2013]\s?(?=[QH][1-4]\b)"), r"\1 to "),
    # Ranges of money and percentages: "$5-$10", "5-10%" ("between" them: "and").
    (
        re.compile(
            r"(?P<low>(?:"
            + money.SYMBOL
            + r")\s?"
            + numbers.NUM
            + r"(?:\s?(?:bn|mn|m|k|million|billion)\b)?)"
            r"\s?[-\u2013]\s?(?=(?:" + money.SYMBOL + r")\s?\d)"
        ),
        numbers.say_range_start,
    ),
    (
        re.compile(
            r"(?<![\w.-])(?P<low>"
            + numbers.NUM
            + r")\s?%\s?[-\u2013]\s?(?="
            + numbers.NUM
            + r"\s?%)"
        ),
        lambda m: f"{numbers.cardinal(m.group('low'))} percent to ",
    ),
    (
        re.compile(
            r"(?<![\w.-])(?P<low>"
            + numbers.NUM
            + r")\s?[-\u2013]\s?(?="
            + numbers.NUM
            + r"\s?(?:%|per ?cent\b|pc\b))"
        ),
        numbers.say_range_start,
    ),
    # Round numbers in the plural: "1,000s of people" are thousands.
    (
        re.compile(r"(?<![\w,.])(1,?000|100|10)s(?= of\b)"),
        lambda m: numbers.ROUND_PLURALS[m.group(1).replace(",", "")],
    ),
    (re.compile(r"\bBoeing (?P<model>7[0-9]7)(?:-(?P<variant>\d{1,2}))?\b"), names.say_boeing),
    (
        re.compile(
            r"(?<![\w$.,-])(?P<model>7[0-9]7)(?:-(?P<variant>\d{1,2})\b|(?=\s?(?:Max|MAX|Dreamliner)\b))"
        ),
        names.say_boeing,
    ),
    # Money, with optional scale word.
    (
        re.compile(
            money.CURRENCY + r"(?P<amount>" + numbers.NUM + r")"
            r"(?:\s?(?P<scale>thousand|million|billion|trillion|crore|lakh|bn|mn|tn|[mMkKbB])\b)?"
        ),
        money.say_money,
    ),
    (
        re.compile(r"((?<![\w.])[-\u2212]?" + numbers.NUM + r")\s?(?:%|per cent\b|percent\b|pc\b)"),
        money.say_percent,
    ),
    # Pence and cents: "a 5p rise", "50c".
    (re.compile(r"(?<![\w.])(\d{1,2})([pc])\b"), money.say_coins),
    # A model number after capitals ("RTX 3080"; money such as "JPY 100" came before).
    (
        re.compile(
            r"\b(?P<code>[A-Z]{2,5}) (?P<n>(?!1[0-9]{3}\b|20[0-9]{2}\b)\d{3,4})\b(?![\d,.%]|\s?[-\u2013]\s?\d)"
        ),
        lambda m: f"{m.group('code')} {numbers.model_number(m.group('n'))}",
    ),
    # Temperatures before negative numbers and units.
    (re.compile(r"([-\u2212]?" + numbers.NUM + r")\s?°(?:\s?([CF])\b)?"), measures.say_temperature),
    (
        re.compile(r"((?<![\w.])[-\u2212]?" + numbers.NUM + r")([CF])\b"),
        measures.say_bare_temperature,
    ),
    # A range of times: "2am-4am"; a time with a full stop: "10.30am".
    (
        re.compile(
            r"(?<![\w.:])(?P<low>\d{1,2}(?:[:.]\d\d)?\s?[aApP]\.?[mM]\.?)\s?[-\u2013]\s?"
            r"(?=\d{1,2}(?:[:.]\d\d)?\s?[aApP]\.?[mM]\b)"
        ),
        numbers.say_range_start,
    ),
    (
        re.compile(
            r"\b(?P<h>1[0-2]|0?[1-9])\.(?P<m>[0-5]\d)\s?(?P<ampm>[aApP]\.?\s?[mM]\b\.?)(?P<trail>)"
        ),
        dates.say_time,
    ),
    # Times: 8:00, 10:51 PM, 7 a.m.
    (
        re.compile(
            r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?:\s?(?P<ampm>[aApP]\.?\s?[mM]\.?))?(?P<trail>)(?!\d)"
        ),
        dates.say_time,
    ),
    (
        re.compile(
            r"\b(?P<h>1[0-2]|0?[1-9])(?P<m>)\s?(?P<ampm>[aApP]\.[mM]\.|[aApP][mM]\b)(?P<trail>)"
        ),
        lambda m: (
            f"{numbers.in_words(int(m.group('h')))} {'a m' if m.group('ampm')[0] in 'aA' else 'p m'}"
        ),
    ),
    # Ratios: "a 3:1 margin" (a time has two digits after its colon, and came before).
    (
        re.compile(r"(?<![\w:.])(\d{1,3}):(\d{1,3})(?![\w:]|\.\d)"),
        lambda m: f"{numbers.cardinal(m.group(1))} to {numbers.cardinal(m.group(2))}",
    ),
    # Weekdays shortened: "on Sat.", "Thurs., Dec. 4".
    (re.compile(r"\b(Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\."), dates.say_weekday),
    # Days of one month: "Dec. 1-3".
    (
        re.compile(
            r"\b(?P<month>"
            + dates.MONTH_NAMES
            + r")\.?\s(?P<day>[0-3]?\d)\s?[-\u2013]\s?(?P<last>[0-3]?\d)\b"
            r"(?:,?\s(?P<year>1[0-9]{3}|20[0-9]{2})\b)?"
        ),
        dates.say_month_range,
    ),
    # Dates: "Jan. 7", "January 7, 2024", "7 January 2024".
    (
        re.compile(
            r"\b(?P<month>" + dates.MONTH_NAMES + r")\.?\s(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?!:)"
            r"(?:,?\s(?P<year>1[0-9]{3}|20[0-9]{2})\b)?"
        ),
        dates.say_month_day,
    ),
    (
        re.compile(
            r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s(?P<month>" + dates.MONTH_NAMES + r")\.?"
            r"(?:,?\s(?P<year>1[0-9]{3}|20[0-9]{2})\b)?"
        ),
        dates.say_day_month,
    ),
    # A year cut to two digits: "the class of ’23".
    (
        re.compile(r"(?<![\w'\u2018\u2019])['\u2018\u2019](\d{2})\b(?!['\u2019]?s\b)"),
        lambda m: numbers.two_digits(m.group(1)),
    ),
    # Decades: 1990s, the '90s.
    (re.compile(r"\b(1[0-9]{2}0|20[0-9]0)'?s\b"), dates.say_decade),
    (re.compile(r"['\u2018\u2019]([0-9]0)s\b"), dates.say_decade),
    (re.compile(r"(?<![\w'\u2018\u2019.,])([2-9]0)s\b"), dates.say_decade),
    # Ordinals: 1st, 22nd.
    (re.compile(r"\b(\d+)(?:st|nd|rd|th)\b"), lambda m: numbers.ordinal(m.group(1))),
    # Number sign: No. 10, No 10; and "vol. 3", "p. 12", "b. 1950".
    (
        re.compile(r"\b(" + "|".join(names.BEFORE_NUMBERS) + r")\.\s?(?=\d)|\b(No) (?=\d)"),
        lambda m: names.BEFORE_NUMBERS[m.group(1) or m.group(2)] + " ",
    ),
    (re.compile(r"#(?=\d)"), "number "),
    # A range of a unit: "0-60 mph" is "zero to sixty miles per hour".
    (
        re.compile(
            r"(?<![\w.-])(?P<low>\d+)\s?[-\u2013]\s?(?=\d+\s?(?:"
            + "|".join(
                re.escape(u) for u in sorted(measures.UNITS, key=len, reverse=True) if len(u) > 1
            )
            + r")\b)"
        ),
        lambda m: f"{numbers.cardinal(m.group('low'))} to ",
    ),
    # Heights in feet and inches: 5'10"; dimensions: 4x4, 3 x 3.
    (
        re.compile(r"(?<![\w.])(\d)\s?['\u2019\u2032]\s?(\d{1,2})\s?(?:\"|\u201d|\u2033|'')"),
        measures.say_height,
    ),
    (re.compile(r"(?<![\w.])(\d+)\s?[x\u00d7]\s?(\d+)(?![\w.])"), measures.say_dimensions),
    # A scale against a number outside money: "2bn people", "300k jobs".
    (re.compile(r"(?P<n>" + numbers.NUM + r")\s?(?P<scale>bn|tn|mn|k)\b"), measures.say_scale),
    # Units after numbers.
    (
        re.compile(
            r"(?P<n>"
            + numbers.NUM
            + r")(?P<space>\s?)(?P<unit>"
            + "|".join(re.escape(u) for u in sorted(measures.UNITS, key=len, reverse=True))
            + r")(?![\w/])"
        ),
        measures.say_unit,
    ),
    # Ranges, scores and votes: 52-48, 2010–2015.
    (re.compile(r"(?<![\w.-])(\d+)\s?[-\u2013]\s?(\d+)(?!\w|\.\d|-\d)"), numbers.say_range),
    # Regnal numbers: Charles III; but World War II.
    (
        re.compile(r"\b([A-Z][a-z]+) ((?:L?X{0,3})(?:IX|IV|V?I{0,3}))\b(?<! )(?<=[IVXL])"),
        names.say_regnal,
    ),
    # Party and state after a politician's name: "D-Wash." → "Democrat of Washington".
    (
        re.compile(
            r"\b([DRI])-(" + "|".join(re.escape(k) for k in names.STATES) + r")(?=[\s,;)]|$)"
        ),
        names.say_party_state,
    ),
    # A state after a place and its comma: "Buffalo, N.Y., on Tuesday".
    (
        re.compile(
            r"(?<=[A-Za-z], )("
            + "|".join(re.escape(k) for k in sorted(names.STATES, key=len, reverse=True))
            + r")(?=[\s,;:)]|$)"
        ),
        names.say_state_after_place,
    ),
    # Dr. after a street's name is Drive ("Mulholland Dr."), before a name Doctor.
    (re.compile(r"(?<=[a-z] )Dr\b\.?(?!\s+[A-Z])"), names.say_drive),
    # Titles before "and" another title ("Mr. and Mrs. Kowalski"), and before names.
    (
        re.compile(
            r"\b("
            + "|".join(names.TITLES)
            + r")\.?(?=\s+(?:and|&)\s+(?:"
            + "|".join(names.TITLES)
            + r")\b)"
        ),
        lambda m: names.TITLES[m.group(1)],
    ),
    (
        re.compile(r"\b(" + "|".join(names.TITLES) + r")\.?(?=\s+[A-Z])"),
        lambda m: names.TITLES[m.group(1)],
    ),
    (
        re.compile(r"\bSt\.?(?=\s+[A-Z])"),
        lambda m: readings.chose("Saint or Street", context.around(m), "Saint", "Street"),
    ),
    (
        re.compile(r"(?<=[a-z] )St\b\.?"),
        lambda m: readings.chose(
            "Saint or Street",
            context.around(m),
            "Street." if m.group().endswith(".") and m.end() == len(m.string) else "Street",
            "Saint",
        ),
    ),
    (
        re.compile(
            "|".join(
                re.escape(k) + (r"(?=\s|$)" if k.endswith(".") else r"\b")
                for k in names.ABBREVIATIONS
            )
        ),
        lambda m: names.ABBREVIATIONS[m.group(0)],
    ),
    # Years stand alone as four digits; a four-digit count of something is a count.
    (re.compile(r"(?<![\d,.$])\b(1[1-9]\d{2}|20\d{2})\b(?!\d|,\d|\.\d)"), dates.say_year_or_count),
    # Negative numbers.
    (re.compile(r"(?<![\w.])-(?=\d)"), "minus "),
    # Initialisms: U.S., EU, G7; acronyms read as words: NATO.
    (re.compile(r"\b(?:[A-Z]\.){2,}"), names.say_dotted),
    (
        re.compile(r"\b[A-Z]+(?:-?\d+)?(?:[A-Z]+)?\b(?<=[A-Z0-9])"),
        lambda m: (
            names.say_initialism(m)
            if len(m.group(0)) >= 2 and not m.group(0).isdigit()
            else m.group(0)
        ),
    ),
    # Every number left, kept numbers.apart from letters it is written against ("DiEM25").
    (re.compile(numbers.NUM), lambda m: numbers.apart(m, numbers.cardinal(m.group(0)))),
    # Symbols a voice would skip or misread.
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s*\+\s*(?=\w)"), " plus "),
    (re.compile(r"(?<=\w)\s?\+(?=[\s.,;:!?)]|$)"), " plus"),  # "Disney+."
    # The last word on signs (.signs): what no rule of its kind said, said safely.
    (signs.PAIR, lambda m: signs.SLASH_PAIRS[m.group(0)]),
    (signs.PER_SLASH, signs.say_per),
    (signs.SLASH, signs.say_slash),
    (signs.SIGN, signs.say_sign),
    (signs.GLUED_COLON, ": "),
    (re.compile(UNSAID), " "),
    # Emoji, pictographs and their joiners and variation selectors: not read out.
    (
        re.compile(
            "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe00-\ufe0f\u200d\u20e3\U000e0020-\U000e007f]"
        ),
        " ",
    ),
]
