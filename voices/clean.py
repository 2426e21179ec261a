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

from .script import Block

_I = re.IGNORECASE

#: A whole line that is navigation or a control, not prose.
_CONTROL = re.compile(
    r"^(skip to (main )?content|edit post|menu|search|log ?in|sign ?in|sign ?up|subscribe( now)?|"
    r"home|share|share this( article| story)?|tweet|print|e-?mail|close|advertisement|ad|sponsored|"
    r"copy link|listen|play|pause|back to top|toggle navigation|open menu|next|previous|"
    r"facebook|twitter|x|linkedin|whatsapp|telegram|reddit|comments?|\d+ comments?)$",
    _I,
)
#: Sentences the page says about its own audio; the intro says it once.
_DISCLOSURE = re.compile(
    r"^(this audio is (created|generated) with (the help of )?ai( assistance)?|listen to this (article|story)"
    r"|audio (is )?(generated|created) by|voiced by (artificial intelligence|ai))\b.*$",
    _I,
)
_READ_TIME = re.compile(r"\b\d+[- ]?min(ute)?s?\.? read\b", _I)
_BYLINE = re.compile(r"^by\s+\S.{0,150}$", _I)
_DATE_OR_TIME = re.compile(
    r"\b(19|20)\d\d\b|\b\d{1,2}:\d\d\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b",
    _I,
)
#: Newsletter, subscription and membership prompts: phrases no article sentence uses...
_PROMPT = re.compile(
    r"\b(newsletters?|indicates required|confirmation e-?mail|successfu?l+y subscribed|e-?mail address|"
    r"enter (your |correct )?e-?mail|in your inbox|support (our|independent) journalism|"
    r"become a (member|subscriber|patron)|donate now|already a subscriber|unlock (this|full) article|"
    r"subscribe (now|today|for (free|just|only)|to (our|this))|sign(ing)? up (now|for|to) (our|the|this)|"
    r"thank you for (signing up|subscribing))\b",
    _I,
)
#: ... or an imperative at the start of a short line.
_PROMPT_START = re.compile(
    r"^(subscribe|sign up|register|join us|donate|log in to|sign in to)\b", _I
)
_COPYRIGHT = re.compile(
    r"^(copyright|©|\(c\))\s*(\d{4}|[A-Z]).{0,150}$|\ball rights reserved\.?$", _I
)
_SHARE = re.compile(r"^(share (this|on|via)|follow us on|click to share)\b", _I)
_COOKIE = re.compile(r"\bcookies?\b.*\b(accept|consent|policy|settings|use|preferences)\b|"
                     r"\b(accept|manage)\b.*\bcookies?\b", _I)  # fmt: skip
_READ_MORE = re.compile(
    r"^((read more|continue reading|read also|read next|related( articles?| stories| news)?|see also|"
    r"more on this( story)?|recommended( for you)?|you (may|might) also like|further reading|more)"
    r"\s*(:|[-–—|»›>]|$)|(read more|continue reading)\b)",
    _I,
)
_TIMESTAMP = re.compile(
    r"^(\d{1,2}:\d\d\s*([ap]\.?m\.?|[ap]m)?(\s*[A-Z]{2,4})?(\s*\(updated:?[^)]*\))?|\(?updated:?\s*\)?|"
    r"(posted|updated|published)( at| on)?:?\s*.{0,40}\d.{0,20})$",
    _I,
)
_CAPTION_START = re.compile(
    r"^(photo|image|picture|illustration|caption|credit|video|file photo)\s*(by|:)", _I
)
_CREDIT_TAIL = re.compile(r"\((?P<credit>[^()]{2,60})\)\s*$")
_AGENCY = re.compile(
    r"\b(photo|photos|photograph|getty|reuters|afp|ap|epa|shutterstock|courtesy|office|press service|"
    r"images?|pool|handout|via|for the|associated press|anadolu|xinhua|tass|alamy|file)\b",
    _I,
)
#: Section headings after which the page is no longer the article.
_END_OF_ARTICLE = re.compile(
    r"^(news feed|more news|more stories|editors'? picks|related (articles|stories|news|coverage)|"
    r"most (read|popular|viewed)|latest( news| stories)?|trending( now| stories)?|recommended( for you| stories)?|"
    r"read next|more from [\w' ]+|top stories|you (may|might) also like|popular now|what to read next|"
    r"in other news|also in [\w ]+|comments?)$",
    _I,
)
_TERMINAL = ".!?\"'\u201d\u2019)…:"


@dataclass(frozen=True)
class CleanPage:
    """An article recovered from a page's text."""

    title: str
    """The headline: the first line that is not furniture."""
    byline: str
    """The byline as written ("by … 2 min read"), or empty."""
    blocks: tuple[Block, ...]
    """The article body: paragraphs and headings."""


def is_end_of_article(line: str) -> bool:
    """True for a section heading after which the page is no longer the article."""
    return bool(_END_OF_ARTICLE.match(line.strip().rstrip(":")))


def is_byline(line: str) -> bool:
    """True for a byline: "by NAME" with a date, a time or a read-time, or a read-time alone."""
    line = line.strip()
    if _READ_TIME.search(line) and len(line) < 200:
        return True
    return bool(_BYLINE.match(line) and (_DATE_OR_TIME.search(line) or len(line.split()) <= 8))


def is_caption(line: str) -> bool:
    """True for a photo caption or credit."""
    line = line.strip()
    if _CAPTION_START.match(line):
        return True
    tail = _CREDIT_TAIL.search(line)
    if tail is None or len(line) > 400:
        return False
    credit = tail.group("credit").strip()
    words = credit.split()
    looks_like_name = len(words) <= 6 and all(
        w[0].isupper() or w in ("of", "the", "for", "via", "/", "&") for w in words
    )
    return (
        bool(_AGENCY.search(credit))
        and looks_like_name
        or (looks_like_name and line[: tail.start()].rstrip().endswith("."))
    )


def is_furniture(line: str) -> bool:
    """True for a line that is page furniture wherever it stands."""
    text = " ".join(line.split())
    if not text or not any(ch.isalnum() for ch in text):
        return True
    bare = text.strip("*•·|-–— ")
    if len(bare) < 200 and (_PROMPT.search(bare) or (len(bare) < 80 and _PROMPT_START.match(bare))):
        return True
    return bool(
        _CONTROL.match(bare)
        or _DISCLOSURE.match(bare)
        or is_byline(bare)
        or is_caption(bare)
        or _SHARE.match(bare)
        or (len(bare) < 300 and _COOKIE.search(bare))
        or _READ_MORE.match(bare)
        or _TIMESTAMP.match(bare)
        or (len(bare) < 200 and _COPYRIGHT.search(bare))
    )


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(tuple(_TERMINAL))


def looks_like_heading(line: str) -> bool:
    """Short, no final punctuation: a heading (or, glued to a paragraph, a link teaser)."""
    words = line.split()
    return 1 <= len(words) <= 20 and not _ends_sentence(line)


def clean_blocks(blocks: Iterable[Block]) -> list[Block]:
    """Drop furniture blocks; stop at the first end-of-article heading after some body text."""
    out: list[Block] = []
    for block in blocks:
        if is_end_of_article(block.text) and any(b.kind == "paragraph" for b in out):
            break
        if is_furniture(block.text):
            continue
        out.append(block)
    while out and out[-1].kind == "heading":  # a heading with nothing under it
        out.pop()
    return out


def _units(lines: list[str]) -> list[tuple[str, bool]]:
    """Join hard-wrapped lines; return (unit, glued-to-the-next-unit) pairs."""
    units: list[str] = []
    for line in lines:
        if (
            units
            and not _ends_sentence(units[-1])
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
    """
    raw_blocks = [
        [" ".join(line.split()) for line in chunk.splitlines() if line.strip()]
        for chunk in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    ]
    title = ""
    byline = ""
    blocks: list[Block] = []
    for lines in raw_blocks:
        units = _units([line for line in lines if line])
        for unit, glued in units:
            if is_end_of_article(unit) and title and any(b.kind == "paragraph" for b in blocks):
                return CleanPage(title, byline, tuple(clean_blocks(blocks)))
            if is_byline(unit.strip()) and not byline:
                byline = unit.strip()
                continue
            if is_furniture(unit):
                continue
            if not title:
                title = unit
                continue
            if looks_like_heading(unit):
                if glued or len(units) > 1:
                    continue  # a teaser linking elsewhere, not part of this article
                blocks.append(Block("heading", unit))
            else:
                blocks.append(Block("paragraph", unit))
    return CleanPage(title, byline, tuple(clean_blocks(blocks)))


_BYLINE_PARTS = re.compile(
    r"^by\s+(?P<author>.+?)\s+(?P<date>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"(?:,?\s+\d{1,2}:\d\d\s*(?:[ap]\.?m\.?)?)?)",
    _I,
)


def split_byline(byline: str) -> tuple[str, str]:
    """The author and the date (as written) in a byline like "by NAME January 7, 2024 10:51 PM 2 min read"."""
    text = _READ_TIME.sub("", " ".join(byline.split())).strip(" ·|-–—")
    match = _BYLINE_PARTS.match(text)
    if match:
        return match.group("author").strip(" ,·|-–—"), match.group("date")
    if text.lower().startswith("by "):
        return text[3:].split("·")[0].split("|")[0].strip(" ,"), ""
    return "", ""
