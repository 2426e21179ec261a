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
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .script import Block

_I = re.IGNORECASE
#: A month's name, whole or shortened ("Dec.", "Sept", "December").
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"

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
_READ_TIME = re.compile(
    r"\b\d+[- ]?(min(ute)?s?|minutos?|minuten?|minuti)\.?( de)? (read|leitura|lectura|lecture|"
    r"lettura|lesezeit)\b|^(tempo de leitura|tiempo de lectura|temps de lecture|lesezeit|leestijd|"
    r"tempo di lettura|reading time|czas czytania)\s*:?\s*\d",
    _I,
)
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
#: "You may also like" in the other languages the dev set's pages speak: a list of teasers.
_ALSO_LIKE = (
    r"você (também )?pode gostar|te puede interesar|vous aimerez aussi|"
    r"das könnte sie auch interessieren|potrebbe interessarti"
)
_READ_MORE = re.compile(
    r"^((read more|continue reading|read also|read next|related( articles?| stories| news)?|see also|"
    r"more on this( story)?|recommended( for you)?|you (may|might) also like|further reading|more|"
    rf"see more|don'?t miss|related \w+( \w+)?|buyer'?s guide|{_ALSO_LIKE})"
    r"\s*(:|[-–—|»›>]|\.{3}|…|$)|(read more|continue reading)\b)",
    _I,
)
_TIMESTAMP = re.compile(
    r"^(\d{1,2}:\d\d\s*([ap]\.?m\.?|[ap]m)?(\s*[A-Z]{2,4})?(\s*\(updated:?[^)]*\))?|\(?updated:?\s*\)?|"
    r"(posted|updated|published)( at| on)?:?\s*.{0,40}\d.{0,20}|"
    r"\d{4}-\d\d-\d\d([t ]\d\d:\d\d(:\d\d(\.\d+)?)?(z|[+-]\d\d:?\d\d)?)?)$",
    _I,
)
#: A line that is nothing but an address, or a list of them with labels.
_BARE_URL = re.compile(r"^((\w+:\s*)?(https?://|www\.)\S+\s*)+$", _I)
#: Reprint and licensing notices, ad-blocker pleas, the site's own error messages.
_NOTICE = re.compile(
    r"^(this copy is for your personal,? non-?commercial use|to order presentation-ready copies)|"
    r"\byou('re| are)( using)?( an)? ad[- ]?block|\b(turn off|disable|whitelist|pause) (your )?ad[- ]?block|"
    r"^an error (has )?occurred|^(order|request) reprints?$|"
    r"^print (this )?(article|page|story)$",
    _I,
)
#: "Write to Jane Doe at jane@example.org": how to reach the author, not the article.
_CONTACT = re.compile(r"^(write to|contact|e-?mail)\s+[\w .,'-]{2,80}\s+at\s+\S+@\S+\.?$", _I)
#: A topics or tags list.
_TAGS = re.compile(r"^(tags?|tagged( with)?|topics|filed under)\s*:", _I)
#: Who reported, wrote or edited it, and where it came from: the desk's credits, not the story.
_CREDIT_BY = re.compile(
    r"^\(?((additional|further|with) )?(reporting|writing|editing|research|compiled|produced|"
    r"graphics?|translated|fact-?checking)( and (writing|editing|reporting|research))? by\b",
    _I,
)
_CREDIT = re.compile(
    r"\bcontributed (additional )?(reporting|research|to (this|the) (report|story|article))\b"
    r".{0,40}$|^(sources?|citation|via)\s*:",
    _I,
)


#: A CMS shortcode left unrendered: a widget ("[button link=… ]Send us YOUR kit review[/button]").
_SHORTCODE = re.compile(r"^\[(\w[\w-]*)(\s+[\w-]+\s*=\s*\S+)+\s*\].*\[/\1\]$")


def is_credit(line: str) -> bool:
    """The desk's credits: "Reporting by A; Editing by B", "(Reporting by A)", "Additional
    reporting by A", "A contributed to this report", "SOURCE: …", not "Reporting by the Times
    revealed…" (a sentence goes on past a short name)."""
    if _CREDIT.search(line):
        return True
    if not _CREDIT_BY.match(line):
        return False
    return (
        ";" in line
        or line.startswith("(")
        or bool(re.search(r"\b(editing|edited|writing) by\b", line[3:], _I))
        or len(line.split()) <= 8
    )


#: An address of a person or account: an e-mail, an @handle, a link.
_HANDLE = r"(\S+@\S+\.\w+|(?<!\w)@\w{2,}|https?://\S+|\b[\w-]+\.(com|org|net|co\.uk)/\S*)"
#: How to reach the writer or follow the site: a line that names a platform or an address.
_FOLLOW = re.compile(
    r"^(follow|like|find|join|connect with|e-?mail|reach|contact|write to|tweet|dm|message)\b.{0,160}"
    rf"(\b(on|at|via) (twitter|facebook|instagram|youtube|tiktok|linkedin|threads|bluesky|"
    rf"mastodon|telegram|x)\b|{_HANDLE})|\b(may|can) be (reached|contacted|emailed)\b.{{0,80}}{_HANDLE}",
    _I,
)
#: A line of nothing but addresses and the words that label them.
_ADDRESSES = re.compile(rf"^(([\w'’ ]{{1,30}}:\s*)?{_HANDLE}[\s,;|]*(and |or )?)+$", _I)
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
    r"in other news|also in [\w ]+|comments?|"
    rf"{_ALSO_LIKE})$",
    _I,
)
_TERMINAL = ".!?\"'\u201d\u2019)…:。！？"


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


def _heading(line: str) -> str:
    """A heading as its words: "You may also like…" and "More:" without their ends."""
    return line.strip().rstrip(":.…").strip()


def is_end_of_article(line: str) -> bool:
    """True for a section heading after which the page is no longer the article."""
    return bool(_END_OF_ARTICLE.match(_heading(line)))


#: End-of-article headings no article uses for a section of its own: what follows them is
#: other articles, however much of the page it is ("You may also like…" over six excerpts).
_TEASER_LIST = re.compile(
    r"^(you (may|might) (also )?like|recommended for you|related (articles|stories|posts)|"
    rf"{_ALSO_LIKE})$",
    _I,
)


def is_byline(line: str) -> bool:
    """True for a byline: "by NAME" with a date, a time or a read-time, or a read-time alone."""
    line = line.strip()
    if _READ_TIME.search(line) and len(line) < 200:
        return True
    return bool(_BYLINE.match(line) and (_DATE_OR_TIME.search(line) or len(line.split()) <= 8))


_PHOTO_CREDIT = re.compile(
    r"\b(photos?|images?|pictures?|photograph(s|y)?)\s*(©|\(c\)|courtesy|credit)|©\s*\w", _I
)


def is_caption(line: str) -> bool:
    """True for a photo caption or credit."""
    line = line.strip()
    if _CAPTION_START.match(line):
        return True
    if len(line) < 160 and _PHOTO_CREDIT.search(line) and not line.endswith(("?", "!")):
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


@dataclass(frozen=True)
class Rule:
    """One kind of furniture: its id (what removal records and the review name) and its test."""

    id: str
    test: Callable[[str], bool]
    """Called with the line, whitespace folded and list bullets stripped."""


_DATE_TOKEN = re.compile(
    r"\b\d{1,4}([:/.-]\d{1,4}){0,2}(st|nd|rd|th)?\b|\b([ap]\.?m\.?|(?-i:[A-Z]{1,3}T)|GMT|UTC)\b|"
    rf"\b{_MONTH}|"
    r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|[,|·–—-]",
    _I,
)


def is_dateline(line: str) -> bool:
    """A short line that is a date and time, with at most a byline after it ("November 20,
    2019 - 11:28 AMT", "5:45 AM PST 11/19/2019 by Patrick Shanley")."""
    if len(line.split()) > 12 or not re.search(r"\d", line):
        return False
    if not re.search(rf"\d:\d\d|\d/\d|\b{_MONTH}", line, _I):
        return False  # a table's row of numbers is no date: a date has a month or a time
    rest = _DATE_TOKEN.sub(" ", line)
    rest = re.sub(r"\bby\s+.*$", "", rest, flags=_I)
    return len(rest.split()) == 0 and len(_DATE_TOKEN.findall(line)) >= 3


def _short(limit: int, pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda line: len(line) < limit and bool(pattern.search(line))


#: The furniture rules, in the order they are tried; tests/test_clean.py has real lines for each.
RULES: tuple[Rule, ...] = (
    Rule("empty", lambda line: not any(ch.isalnum() for ch in line)),
    Rule(
        "prompt",
        lambda line: (
            len(line) < 200
            and bool(_PROMPT.search(line) or (len(line) < 80 and _PROMPT_START.match(line)))
        ),
    ),
    Rule("control", lambda line: bool(_CONTROL.match(line))),
    Rule("disclosure", lambda line: bool(_DISCLOSURE.match(line))),
    Rule("byline", is_byline),
    Rule("caption", is_caption),
    Rule("share", lambda line: bool(_SHARE.match(line))),
    Rule("cookie", _short(300, _COOKIE)),
    Rule("read-more", lambda line: bool(_READ_MORE.match(line))),
    Rule("timestamp", lambda line: bool(_TIMESTAMP.match(line)) or is_dateline(line)),
    Rule("copyright", _short(200, _COPYRIGHT)),
    Rule("address", lambda line: bool(_BARE_URL.match(line))),
    Rule("notice", _short(300, _NOTICE)),
    Rule("contact", lambda line: bool(_CONTACT.match(line))),
    Rule("tags", lambda line: bool(_TAGS.match(line))),
    Rule("credit", lambda line: len(line) < 400 and is_credit(line)),
    Rule("shortcode", lambda line: bool(_SHORTCODE.match(line))),
    Rule("follow", _short(300, _FOLLOW)),
    Rule("address", _short(300, _ADDRESSES)),
)


def furniture_rule(line: str) -> str | None:
    """The id of the rule that takes ``line`` for page furniture, or None when it is prose."""
    bare = " ".join(line.split()).strip("*•·|-–— ")
    for rule in RULES:
        if rule.test(bare):
            return rule.id
    return None


def is_furniture(line: str) -> bool:
    """True for a line that is page furniture wherever it stands."""
    return furniture_rule(line) is not None


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(tuple(_TERMINAL))


def looks_like_heading(line: str) -> bool:
    """Short, no final punctuation: a heading (or, glued to a paragraph, a link teaser)."""
    words = line.split()
    return 1 <= len(words) <= 20 and not _ends_sentence(line)


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
            teasers = bool(_TEASER_LIST.match(_heading(block.text)))
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
    rf"(?:(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>{_MONTH}),?)\s+(?P<year>\d{{4}})"
    r"(?:(?:,|\s+at|\s*[·|–—-])?\s*(?P<hour>\d{1,2})[:.](?P<minute>\d\d)"
    r"\s*(?:(?P<half>[ap])\.?\s?m\.?)?(?:\s+[A-Z]{2,4}\b)?)?"
)
_BYLINE_PARTS = re.compile(rf"^by\s+(?P<author>.+?)\s*[,·|–—-]?\s+(?P<date>{BYLINE_DATE})", _I)


def split_byline(byline: str) -> tuple[str, str]:
    """The author and the date (as written) in a byline like "by NAME January 7, 2024 10:51 PM 2 min read"."""
    text = _READ_TIME.sub("", " ".join(byline.split())).strip(" ·|-–—")
    match = _BYLINE_PARTS.match(text)
    if match:
        return match.group("author").strip(" ,·|-–—"), match.group("date")
    if text.lower().startswith("by "):
        return text[3:].split("·")[0].split("|")[0].strip(" ,"), ""
    return "", ""
