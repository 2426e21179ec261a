"""The words around a match, which decide how it is read ("a $5 million barrier", "6 ft tall")."""

from __future__ import annotations

import re


def around(match: re.Match[str]) -> str:
    """The match with the word either side of it, as an editor would search for it."""
    text = match.string
    start = text.rfind(" ", 0, max(0, match.start() - 1)) + 1
    end = text.find(" ", match.end() + 1)
    return text[start : end if end != -1 else len(text)]


#: Words after an amount that show it is not used as an adjective ("$5 million for ...").
NOT_A_NOUN = frozenset(
    """a an the to for in of on at by from with and or but was is are were be been will would
    could should can may might has have had that which who this these those per each over under
    as into than then so if when while after before since until across against between each
    apiece more less last this next every through throughout toward towards via within without
    around about among plus like including off out up down upon beyond despite during above below
    near past so far annually""".split()
)

#: Words before an amount that make it qualify what follows ("a $16M Boost").
DETERMINERS = frozenset("a an the this that its their his her our".split())


def word_before(match: re.Match[str]) -> str:
    """The word just before the match, as written ("" at the start)."""
    before = re.search(r"(\w+)\s*$", match.string[: match.start()])
    return before.group(1) if before is not None else ""


def range_word(match: re.Match[str]) -> str:
    """How a range is joined: "between five and ten", else "five to ten"."""
    return "and" if word_before(match).lower() == "between" else "to"
