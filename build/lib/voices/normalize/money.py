"""Money and percentages: "$4.2 million" is "four point two million dollars"."""

from __future__ import annotations

import re

from .context import DETERMINERS, NOT_A_NOUN, word_before
from .numbers import cardinal, clean_number

#: What a currency symbol or code is called: (singular, plural, minor singular, minor plural).
#: Symbols go before the amount ("C$5", "R$ 2 million"); codes and "Rs" before it with a space.
CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("U S dollar", "U S dollars", "cent", "cents"),
    "C$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "A$": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "NZ$": ("New Zealand dollar", "New Zealand dollars", "cent", "cents"),
    "HK$": ("Hong Kong dollar", "Hong Kong dollars", "cent", "cents"),
    "S$": ("Singapore dollar", "Singapore dollars", "cent", "cents"),
    "R$": ("real", "reais", "centavo", "centavos"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "sen", "sen"),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "Rs": ("rupee", "rupees", "paisa", "paise"),
    "₴": ("hryvnia", "hryvnias", "kopiyka", "kopiykas"),
    "₦": ("naira", "naira", "kobo", "kobo"),
    "₽": ("ruble", "rubles", "kopek", "kopeks"),
    "₩": ("won", "won", "jeon", "jeon"),
    "₱": ("peso", "pesos", "centavo", "centavos"),
    "USD": ("dollar", "dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "CHF": ("Swiss franc", "Swiss francs", "centime", "centimes"),
    "JPY": ("yen", "yen", "sen", "sen"),
    "INR": ("rupee", "rupees", "paisa", "paise"),
    "CAD": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "AUD": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "CNY": ("yuan", "yuan", "fen", "fen"),
}  # fmt: skip
#: The money rule's pattern for the currency, from the table: letters before a "$" ("HK$") only
#: where no letter comes before them; "Rs" as a word, with or without its full stop and a
#: space ("Rs. 1,500", "Rs300"); codes as words followed by a space ("CHF 3 million").
SYMBOL = "|".join(
    (r"(?<![A-Za-z])" if key[0].isalpha() else "") + re.escape(key)
    for key in sorted(CURRENCIES, key=len, reverse=True)
    if not key.isalpha()
)
CURRENCY = (
    r"(?:(?P<sym>"
    + SYMBOL
    + r")\s?|\bRs\.?\s?|\b(?P<code>"
    + "|".join(key for key in CURRENCIES if key.isupper())
    + r")\s)"
)
#: Currency signs no rule said: not read out.
SIGNS = "".join(key for key in CURRENCIES if len(key) == 1)

SCALES = {
    "thousand": "thousand", "k": "thousand", "million": "million", "m": "million",
    "mn": "million", "billion": "billion", "bn": "billion", "b": "billion",
    "trillion": "trillion", "tn": "trillion", "crore": "crore", "lakh": "lakh",
}  # fmt: skip

#: Past participles that follow an amount as a verb ("had $20 billion done").
_PARTICIPLES = frozenset(
    """done paid spent made won lost given taken sold set put cut left built bought brought held
    kept owed owned gone seen known shown grown thrown drawn""".split()
)


def _adjectival(match: re.Match[str]) -> bool:
    """True when the amount qualifies the noun after it: "a $5 million barrier", "a $16M Boost".

    A lower-case word after it that is not a function word is its noun; after "a", "the"…
    a capitalised one is too (headlines capitalise every word).
    """
    following = re.match(r"\s+([A-Za-z][A-Za-z-]*)", match.string[match.end() :])
    if following is None or following.group(1).lower() in NOT_A_NOUN:
        return False
    if word_before(match).lower() in DETERMINERS:
        return True  # "a $250,000 fine", "the $16M Boost"
    word = following.group(1)
    # "had $20 billion done", "$5 million raised": a verb, not the amount's noun.
    return word[0].islower() and not word.endswith("ed") and word not in _PARTICIPLES


def say_money(match: re.Match[str]) -> str:
    symbol = match.group("sym") or match.group("code") or "Rs"
    amount = clean_number(match.group("amount"))
    scale = (match.group("scale") or "").lower()
    one, many, minor_one, minor_many = CURRENCIES[symbol]
    if scale:
        return f"{cardinal(amount)} {SCALES[scale]} {one if _adjectival(match) else many}"
    whole, _, cents = amount.partition(".")
    if len(cents) > 2:  # an exchange rate or a price per litre: every digit counts
        return f"{cardinal(amount)} {many}"
    whole_words = cardinal(whole)
    unit = one if int(whole) == 1 or (not cents and _adjectival(match)) else many
    if cents and int(cents.ljust(2, "0")[:2]):
        cent_value = int(cents.ljust(2, "0")[:2])
        minor = minor_one if cent_value == 1 else minor_many
        if int(whole) == 0:
            return f"{cardinal(cent_value)} {minor}"
        return f"{whole_words} {unit} and {cardinal(cent_value)} {minor}"
    return f"{whole_words} {unit}"


def say_percent(match: re.Match[str]) -> str:
    return f"{cardinal(match.group(1).replace(chr(0x2212), '-'))} percent"


#: Pence and cents against a number: "a 5p rise", "50c".
COINS = {"p": ("penny", "pence"), "c": ("cent", "cents")}


def say_coins(match: re.Match[str]) -> str:
    """Pence and cents, unless a name comes before: "Section 2c", "Article 5p" are labels."""
    if word_before(match)[:1].isupper():
        return match.group(0)
    one, many = COINS[match.group(2)]
    return f"{cardinal(match.group(1))} {one if match.group(1) == '1' else many}"
