"""Names and abbreviations: titles, initialisms and acronyms, regnal numbers, party and state,
Street or Saint, Drive or Doctor, and web and e-mail addresses."""

from __future__ import annotations

import re

from .context import DETERMINERS, around
from .numbers import cardinal, in_words, model_number, ordinal, roman_value, two_digits
from .readings import chose

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
    "Mt.": "Mount", "e.g.": "for example", "i.e.": "that is", "a.k.a.": "also known as",
    "Ph.D.": "P H D", "Ft.": "Fort", "Nos.": "numbers", "hrs": "hours", "mins": "minutes",
    "WWII": "World War Two", "WWI": "World War One", "PM2.5": "P M two point five",
    "PM10": "P M ten", "Mk": "Mark", "Cllr.": "Councillor", "Cllr": "Councillor",
    "Rd.": "Road", "Sq.": "Square",
}  # fmt: skip

#: Abbreviations said in full before a number ("vol. 3", "p. 12", "b. 1950").
BEFORE_NUMBERS = {
    "vol": "volume", "p": "page", "pp": "pages", "ch": "chapter", "fig": "figure", "ca": "circa",
    "c": "circa", "est": "established", "b": "born", "d": "died", "No": "number",
}  # fmt: skip

#: All-capital words read as words, not spelled out.
ACRONYMS = frozenset(
    """NATO NASA UNESCO UNICEF OPEC FIFA ASEAN NAFTA AIDS COVID SWAT SARS LASER RADAR
    SCOTUS POTUS FEMA OSHA ISIS UEFA NIMBY PIN GIF JPEG FAQ COP""".split()
)

#: Capitals said as another word altogether.
SAID_AS = {"FTSE": "Footsie", "NASDAQ": "Nasdaq", "DAX": "Dax", "NIKKEI": "Nikkei"}

#: Market shorthand with a slash: "3.4% y/y".
SLASHED_PERIODS = {
    "y/y": "year on year", "q/q": "quarter on quarter", "m/m": "month on month",
    "w/w": "week on week", "YoY": "year on year", "QoQ": "quarter on quarter",
    "MoM": "month on month",
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

_NOT_REGNAL = frozenset(
    "War Phase Title Chapter Part Act Article Stage Level Section Type Class Bowl Vatican Mk"
    " Mark".split()
)

#: Names that take a one-letter regnal number ("Elizabeth I", "Henry V"); after any other word a
#: lone I, V or X is a letter ("Then I said", "Malcolm X", "Generation X").
MONARCH_NAMES = frozenset(
    """Elizabeth Charles James George Edward Henry William Mary Richard John Louis Napoleon Peter
    Catherine Nicholas Alexander Frederick Philip Pius Leo Benedict Francis Paul Gregory Innocent
    Clement Urban Boniface Victor Ferdinand Isabella Juan Carlos Felipe Harald Olav Haakon Gustav
    Carl Willem Wilhelm Albert Baudouin Ludwig Otto Rudolf Ivan Selim Suleiman Mehmed Murad""".split()
)


def say_party_state(match: re.Match[str]) -> str:
    return f"{_PARTIES[match.group(1)]} of {STATES[match.group(2)]}"


def unshout(text: str) -> str:
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


#: A dateline: the place in capitals that opens a wire story, before its agency or a dash
#: ("NEW YORK (Reuters) -", "SAN FRANCISCO —", "BAAR, SWITZERLAND –").
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z'.-]+(?:\s[A-Z][A-Z'.-]+){0,3}(?:,\s[A-Z][A-Z'.-]+(?:\s[A-Z][A-Z'.-]+)?)?)"
    r"(?=\s?(?:\([\w .&/-]+\)\s?)?[—–-]\s)"
)


def say_dateline(match: re.Match[str]) -> str:
    """A dateline's place in words, as it is said: "NEW YORK" is "New York" (a known
    initialism, or a state's abbreviation the rules after read, keeps its capitals)."""
    return re.sub(
        r"[A-Z][A-Z']+",
        lambda m: m.group(0) if m.group(0) in KNOWN_INITIALISMS else m.group(0).capitalize(),
        match.group("place"),
    )


def say_regnal(match: re.Match[str]) -> str:
    name, numeral = match.group(1), match.group(2)
    value = roman_value(numeral)
    if name in _NOT_REGNAL:
        said = f"{name} {in_words(value)}"
    elif len(numeral) == 1 and name not in MONARCH_NAMES:
        return chose(
            "Roman numeral or letter", match.group(0), match.group(0), f"{name} {in_words(value)}"
        )
    else:
        said = f"{name} the {ordinal(value)}"
    if len(numeral) == 1:
        return chose("Roman numeral or letter", match.group(0), said, f"{name} {numeral}")
    return said


def say_drive(match: re.Match[str]) -> str:
    """ "Dr." after a street's name (a capitalised word); a full stop that ended the sentence stays."""
    before = re.search(r"(\w+) $", match.string[: match.start()])
    if before is None or not before.group(1)[0].isupper() or before.group(1).lower() in DETERMINERS:
        return match.group(0)
    said = "Drive." if match.group().endswith(".") and match.end() == len(match.string) else "Drive"
    return chose("Doctor or Drive", around(match), said, "Doctor")


def _spell(letters: str) -> str:
    return " ".join(letters)


def say_initialism(match: re.Match[str]) -> str:
    word = match.group(0)
    if word in SAID_AS:
        return SAID_AS[word]
    if word in ACRONYMS:
        return word.capitalize()
    if re.fullmatch(r"[A-Z]+", word):
        # Short capitals are initialisms (EU, CEO); long ones with vowels are words in capitals.
        if len(word) >= 5 and re.search(r"[AEIOUY]", word):
            return word.capitalize()
        return _spell(word)
    # Letters and digits: G7, F-16, COVID-19, A380 (a model number, said in pairs)
    return say_letters_and_digits(word)


def say_letters_and_digits(word: str) -> str:
    """A code of capitals and numbers: letters spelled (or said as a word if an acronym),
    numbers as model numbers are said: "A350-900" is "A three fifty nine hundred"."""
    parts = re.findall(r"[A-Z]+|\d+", word)
    return " ".join(
        model_number(p) if p.isdigit() else (p.capitalize() if p in ACRONYMS else _spell(p))
        for p in parts
    )


def say_dotted(match: re.Match[str]) -> str:
    return _spell(match.group(0).replace(".", "").upper())


def say_url(match: re.Match[str]) -> str:
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", match.group(0)).rstrip("/")
    url = url.replace(".", " dot ").replace("/", " slash ").replace("-", " dash ")
    return " ".join(url.split())


def say_email(match: re.Match[str]) -> str:
    user, domain = match.group(1), match.group(2)
    user = user.replace(".", " dot ").replace("_", " underscore ").replace("-", " dash ")
    return f"{user} at {domain.replace('.', ' dot ')}"


def say_boeing(match: re.Match[str]) -> str:
    """Boeing's 7x7 airliners, "seven thirty-seven", as everyone says them, with a variant
    ("787-9" is "seven eighty-seven nine") and with or without the maker's name."""
    digits = match.group("model")
    said = f"seven {two_digits(digits[1:])}"
    if match.group("variant"):
        said += f" {cardinal(match.group('variant'))}"
    return f"Boeing {said}" if match.group(0).startswith("Boeing") else said


def say_state_after_place(match: re.Match[str]) -> str:
    """An AP state abbreviation after a place and its comma: "Buffalo, N.Y.," is New York."""
    return STATES[match.group(1)]
