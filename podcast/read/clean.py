"""Page furniture out: what is not the article is never read aloud.

Rules, not special cases: each recognises a kind of furniture that news sites
share (navigation, bylines with read-time, photo captions and credits,
newsletter and subscription prompts, share and cookie prompts, "Read more" and
related-article teasers, live-blog timestamps) and the section headings after
which a page stops being the article ("News Feed", "More news", "Editors'
picks"). They apply to blocks extracted from HTML and to text scraped from a
page alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from podcast.read.linerules import (
    MONTH,
    READ_TIME,
    TEASER_LIST,
    ends_sentence,
    furniture_rule,
    heading_words,
    is_byline,
    is_end_of_article,
    looks_like_heading,
)
from voices.script import Block

_I = re.IGNORECASE


@dataclass(frozen=True)
class CleanPage:
    """An article recovered from a page's text."""

    title: str
    """The headline: the first line that is not furniture."""
    byline: str
    """The byline as written ("by … 2 min read"), or empty."""
    blocks: tuple[Block, ...]
    """The article body: paragraphs and headings."""
    removed: tuple[Removed, ...] = ()
    """What was taken out as furniture, with the rule."""


@dataclass(frozen=True)
class Removed:
    """A block the cleaning took out, and the rule that took it (the editor's review lists them)."""

    text: str
    rule: str
    """A furniture rule's id, ``end-of-article`` (and the heading), or an element rule's name."""
    kind: str = "paragraph"


@dataclass(frozen=True)
class Cleaned:
    """Blocks after the furniture rules, with a record of every block they removed."""

    blocks: tuple[Block, ...]
    removed: tuple[Removed, ...]


#: Verbs a site uses to ask the reader to act, at the start of a line ("Click here…").
_ACTION_START = re.compile(
    r"^(click|tap|share|follow|subscribe|join|sign up|download|visit|support|donate|get|send|"
    r"tell|check out|consider|listen|watch|like|register|become|enjoy|don'?t miss|see more|"
    r"have a tip|got a tip|need help|thank you|thanks for)\b",
    _I,
)
#: What it asks for: the site's own business, not the story's.
_ACTION_WORDS = re.compile(
    r"\b(subscri\w*|members?(hip)?|sign(ing)? up|newsletters?|click|tap|share|follow|download|"
    r"donat\w*|advertis\w*|ad-?block\w*|delivered|issues for|app|apps|podcast|tips?|"
    r"comments?|moderat\w*|support|enjoyed this|like this|proposition|friend|sent to|"
    r"instructions|workshops?|training|deals?|commission|coupons?|here|letters|e-?mail)\b",
    _I,
)
_SECOND_PERSON = re.compile(r"\b(you|your|yours|you're|you’re)\b", _I)
_QUOTED = re.compile('["“”«»„]')


def is_reader_prompt(text: str) -> bool:
    """A line addressed to the reader asking them to act (subscribe, share, send a tip, turn
    off an ad blocker): second person or an imperative, about the site's business, unquoted."""
    words = len(text.split())
    if _QUOTED.search(text) or words > 80:
        return False
    # A long paragraph that says "you" is the writer's; a prompt that long starts with its verb.
    addressed = bool(_ACTION_START.match(text) or (words <= 25 and _SECOND_PERSON.search(text)))
    return addressed and bool(_ACTION_WORDS.search(text) or words <= 4)


def is_head_prompt(text: str) -> bool:
    """A block at the article's start that opens with a verb asking the reader to act, or
    welcomes them to the site, about the site's business."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    if _QUOTED.search(first):
        return False
    opens = bool(_ACTION_START.match(first) or re.match(r"^welcome to\b", first, _I))
    return opens and bool(_ACTION_WORDS.search(text))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(\[A-Z0-9])")


#: A company describing itself, as a press release ends ("Ascom is a global solutions
#: provider…"): the PR trade's own name for it is the boilerplate.
_SELF_DESCRIPTION = re.compile(
    r"^(about [^.]{2,40}[:.]?\s+)?[A-Z][\w&.,'’ -]{1,50} (is|are) (a|an|the|one of the)\b.{0,80}?"
    r"\b(provider|company|companies|leader|manufacturer|developer|firm|organi[sz]ation|supplier|"
    r"group|maker|platform|specialist|producer|operator|agency|network|brand)s?\b"
)
_BOILERPLATE_FACTS = re.compile(
    r"\b(headquartered|founded in|employs|employees|subsidiaries|listed on|traded on|"
    r"for more information|www\.|nasdaq|nyse|stock exchange)\b",
    _I,
)


def is_press_boilerplate(text: str) -> bool:
    """A company's description of itself at the end of a press release."""
    text = text.strip()
    if re.match(r"^(the|this|that|it|he|she|they|we|its|his|her|their)\b", text, _I):
        return False  # a company names itself: "Ascom is…", not "The city is…"
    if _QUOTED.search(text) or re.search(r"\b(said|says|told)\b", text):
        return False
    return bool(_SELF_DESCRIPTION.match(text) and _BOILERPLATE_FACTS.search(text))


def is_tail_furniture(text: str) -> str | None:
    """The rule that takes a block at the article's end for furniture: its first sentence is
    furniture or a prompt to the reader (the rest of such a block is the same kind of thing)."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    if len(re.findall(r"[^\W_]+", first)) < 2:
        first = text  # "..." before the next sentence is not a sentence of its own
    rule = furniture_rule(first)
    if rule is not None:
        return rule
    if is_reader_prompt(first) or is_reader_prompt(text):
        return "reader-prompt"
    if is_press_boilerplate(text):
        return "press-boilerplate"
    return None


#: The share of an article's words the end-of-article rule may cut; past it the heading is
#: taken for part of the article (a story that mentions "Latest" midway loses nothing).
MAX_END_CUT = 0.4


def clean_blocks_recorded(blocks: Iterable[Block]) -> Cleaned:
    """Drop furniture blocks and stop at an end-of-article heading after some body text,
    recording each removal with its rule. The cut at an end-of-article heading is made only
    when what follows is less than :data:`MAX_END_CUT` of the words: never most of an article."""
    given = list(blocks)
    total = sum(len(b.text.split()) for b in given) or 1
    out: list[Block] = []
    removed: list[Removed] = []
    for index, block in enumerate(given):
        if is_end_of_article(block.text) and any(b.kind == "paragraph" for b in out):
            rest = given[index:]
            teasers = bool(TEASER_LIST.match(heading_words(block.text)))
            if teasers or sum(len(b.text.split()) for b in rest) <= MAX_END_CUT * total:
                cut = f"end-of-article: {block.text}"
                removed += [Removed(b.text, cut, b.kind) for b in rest]
                break
        rule = furniture_rule(block.text)
        if rule is not None:
            removed.append(Removed(block.text, rule, block.kind))
            continue
        out.append(block)
    # The article's start: a block that opens by asking the reader to act ("Welcome to…",
    # "Check out my free workshops") is the site's, not the story's.
    while len(out) > 1 and is_head_prompt(out[0].text):
        first = out.pop(0)
        removed.append(Removed(first.text, "reader-prompt", first.kind))
    # The article's end, where sites put their prompts and credits: block by block from the
    # last, never the first paragraph.
    tail: list[Removed] = []
    while len(out) > 1:
        last = out[-1]
        rule = "heading-without-text" if last.kind == "heading" else is_tail_furniture(last.text)
        if rule is None:
            break
        out.pop()
        tail.append(Removed(last.text, rule, last.kind))
    return Cleaned(tuple(out), tuple(removed + tail[::-1]))


def clean_blocks(blocks: Iterable[Block]) -> list[Block]:
    """:func:`clean_blocks_recorded` without the record."""
    return list(clean_blocks_recorded(blocks).blocks)


def _units(lines: list[str]) -> list[tuple[str, bool]]:
    """Join hard-wrapped lines; return (unit, glued-to-the-next-unit) pairs."""
    units: list[str] = []
    for line in lines:
        if (
            units
            and not ends_sentence(units[-1])
            and (line[:1].islower() or units[-1].endswith((",", "-", ";")))
        ):
            units[-1] = units[-1].rstrip("-") + (" " if not units[-1].endswith("-") else "") + line
        else:
            units.append(line)
    return [(unit, index < len(units) - 1) for index, unit in enumerate(units)]


def clean_page_text(text: str) -> CleanPage:
    """Recover the article from text scraped from a news page.

    The title is the first line that is not furniture; blocks are separated by
    blank lines. A short line with no final punctuation standing alone is a
    heading; glued to the paragraph after it, it is a related-article teaser.
    Every line left out is recorded with its rule.
    """
    raw_blocks = [
        [" ".join(line.split()) for line in chunk.splitlines() if line.strip()]
        for chunk in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    ]
    title = ""
    byline = ""
    blocks: list[Block] = []
    removed: list[Removed] = []

    def done(rest: list[Removed]) -> CleanPage:
        cleaned = clean_blocks_recorded(blocks)
        return CleanPage(title, byline, cleaned.blocks, tuple(removed + rest) + cleaned.removed)

    for number, lines in enumerate(raw_blocks):
        units = _units([line for line in lines if line])
        for position, (unit, glued) in enumerate(units):
            if is_end_of_article(unit) and title and any(b.kind == "paragraph" for b in blocks):
                rest = [u for u, _ in units[position:]] + [
                    " ".join(later) for later in raw_blocks[number + 1 :] if later
                ]
                return done([Removed(r, f"end-of-article: {unit}") for r in rest])
            if is_byline(unit.strip()) and not byline:
                byline = unit.strip()
                continue
            rule = furniture_rule(unit)
            if rule is not None:
                removed.append(Removed(unit, rule))
                continue
            if not title:
                title = unit
                continue
            if looks_like_heading(unit):
                if glued or len(units) > 1:
                    removed.append(Removed(unit, "teaser"))
                    continue  # a teaser linking elsewhere, not part of this article
                blocks.append(Block("heading", unit))
            else:
                blocks.append(Block("paragraph", unit))
    return done([])


#: A date as bylines write it: month first or day first, a weekday before it, a time after it
#: ("Dec. 2, 2026, 6:05am", "Wednesday 2 December 2026 at 18:05", "2 Dec 2026 · 06:05 GMT").
#: Its parts are named (``month``/``day`` month first, ``day2``/``month2`` day first,
#: ``year``, ``hour``, ``minute``, ``half`` for a or p), so the same pattern that finds the
#: date in a byline reads it (``podcast.read.fields.parse_loose_date``).
BYLINE_DATE = (
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:(?P<month>{MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>{MONTH}),?)\s+(?P<year>\d{{4}})"
    r"(?:(?:,|\s+at|\s*[·|–—-])?\s*(?P<hour>\d{1,2})[:.](?P<minute>\d\d)"
    r"\s*(?:(?P<half>[ap])\.?\s?m\.?)?(?:\s+[A-Z]{2,4}\b)?)?"
)
_BYLINE_PARTS = re.compile(rf"^by\s+(?P<author>.+?)\s*[,·|–—-]?\s+(?P<date>{BYLINE_DATE})", _I)


def split_byline(byline: str) -> tuple[str, str]:
    """The author and the date (as written) in a byline like "by NAME January 7, 2024 10:51 PM 2 min read"."""
    text = READ_TIME.sub("", " ".join(byline.split())).strip(" ·|-–—")
    match = _BYLINE_PARTS.match(text)
    if match:
        return match.group("author").strip(" ,·|-–—"), match.group("date")
    if text.lower().startswith("by "):
        return text[3:].split("·")[0].split("|")[0].strip(" ,"), ""
    return "", ""
