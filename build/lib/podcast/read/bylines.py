"""A byline's names as the intro says them ("By Jane Doe and Mark Roe"), by rules kept as data.

Pages give bylines in every shape: OpenGraph's ``article:author`` is a profile
URL, a CMS signs with its account ("admin"), a date runs into the name
("Jeff FoustMonday"), a job title or a degree stands as a name of its own
("Paul Takahashi and Staff writer"). Said as they are, a listener hears "By
https colon slash slash www dot facebook dot com". Each rule below is one row:
a pattern and why; ``tests/data/bylines.tsv`` is the golden table of what each
rule makes of real bylines, and every rule's name (before the colon in its
``why``) has rows there. What no rule can tell (a publication written after the
name) is listed there as a known weakness.
"""

from __future__ import annotations

import re

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_JOB_WORD = r"(?:reporter|writer|correspondent|columnist|editor(?:-at-large)?)"
#: A job title: up to three words, then the job ("AP National Political Writer").
_JOB = rf"(?:[\w-]+\s+){{0,3}}{_JOB_WORD}"
#: Words that say what kind of job, written after a name ("Tom Gillespie News reporter").
_KIND_OF_JOB = (
    r"(?:news|staff|senior|chief|political|national|security|business|sports?|science|health"
    r"|tech|technology|foreign|deputy|associate|contributing|executive|managing)"
)

#: Labels before a name, in the languages pages are written in: (pattern, replacement, why).
LABELS: tuple[tuple[str, str, str], ...] = (
    (r"^(?:by|por|par|texto?|текст|автор)\s*:?\s+(?=\S)", "", "label: a word before the name"),
    (
        r"^(?:analysis|commentary|opinion|review|story|report|words|written)\s+by\s+",
        "",
        "label: what the piece is, before the name",
    ),
)

#: Parts cut from a name: (pattern, replacement, why). Patterns ignore case.
TRIMS: tuple[tuple[str, str, str], ...] = (
    (rf"(?<=[a-z])(?:{_DAYS})$", "", "date: a weekday run into the name"),
    (rf"\s+(?:{_DAYS}|{_MONTHS})$", "", "date: a weekday or month left after the name"),
    (r"\s+\S+@\S+$", "", "email: an address after the name"),
    (r"(?<=\w)\s+[\w.-]+\s+(?:com|org|net)$", "", "email: what is left of an address"),
    (r"^([\w-]+) (com|org|net)$", r"\1.\2", "site: an address that lost its dot"),
    (
        rf"(?<=\w)(\s+(?:{_KIND_OF_JOB}\s+){{0,3}}{_JOB_WORD})$",
        r",\1",
        "role: a job run into the name, said as its title",
    ),
)

#: What is not a name at all, and is dropped: (pattern, why). Patterns ignore case.
NOT_NAMES: tuple[tuple[str, str], ...] = (
    (r"^(?:https?://|www\.)|^[\w-]+(?:\.[\w-]+)+/", "address: a web address (a profile)"),
    (r"@", "email: an e-mail address"),
    (r"^\W*$", "no letters: punctuation only"),
    (r"admin\b|\badmin|^webmaster$", "account: the site's account"),
    (r"^[a-z0-9_.-]+$", "account: one lower-case word, a user name"),
    (rf"^(?:{_MONTHS}|{_DAYS})$", "date: a date, not a name"),
    (r"^(?:MS|MA|MSc|BSc|MD|PhD|RN|RD|RDN|MBA|MPH|JD|DDS|Esq)\.?$", "credential: a degree"),
)

#: A job title standing as a name of its own ("Paul Takahashi; Staff writer"): it is the title
#: of the name before it, said after a comma, not a co-author said after "and".
JOB_TITLE = rf"^{_JOB}$"


def _is(pattern: str, text: str, *, case: bool = False) -> bool:
    return re.search(pattern, text, 0 if case else re.I) is not None


def _tidy_name(name: str) -> str:
    """One name: its capitals made a name's (unless a short initialism), labels and tails cut."""
    name = " ".join(name.split()).strip(" ,;:")
    if name.isupper() and (" " in name or len(name) > 4):  # "ROBERT BURNS"; not "PTI", "AFP"
        name = name.title()
    for pattern, replacement, why in (*LABELS, *TRIMS):
        if why.startswith("role:") and "," in name:
            continue  # its title is already said after a comma
        cut = re.sub(pattern, replacement, name, flags=re.I).strip(" ,;:")
        if why.startswith("role:") and len(cut.split(",")[0].split()) < 2:
            continue  # a job parted from a name leaves a name of two words at least
        name = cut
    return name


def _a_name(name: str) -> bool:
    # the user-name rule reads case as written: "gto" is an account, "Gto" may be a name
    return bool(name) and not any(
        _is(pattern, name, case=why.startswith("account: one lower-case"))
        for pattern, why in NOT_NAMES
    )


def tidy_author(author: str) -> str:
    """A byline's names as they are said: "JANE DOE; MARK ROE" → "Jane Doe and Mark Roe".

    Names are split at ``;`` and " and ", each tidied (:data:`LABELS`, :data:`TRIMS`), what
    is not a name dropped (:data:`NOT_NAMES`), and a job title standing alone joined to the
    name before it (:data:`JOB_TITLE`); what is left is said "A, B and C", each name once.
    """
    raw = [n for n in re.split(r"\s*;\s*|\s+and\s+", author.strip()) if n.strip()]
    names: list[str] = []
    for name in (_tidy_name(n) for n in raw):
        if _a_name(name) and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    titled: list[str] = []
    for name in names:
        if titled and _is(JOB_TITLE, name):
            titled[-1] += f", {name}"
        else:
            titled.append(name)
    names = titled
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return names[0] if names else ""
