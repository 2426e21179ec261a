"""What one line of page furniture looks like: the rules, as a table (:data:`RULES`).

Rules, not special cases: each recognises a kind of furniture that news sites share
(navigation, bylines with read-time, photo captions and credits, newsletter and subscription
prompts, share and cookie prompts, "Read more" and related-article teasers, live-blog
timestamps), and :func:`is_end_of_article` the section headings after which a page stops being
the article ("News Feed", "More news", "Editors' picks"). :mod:`podcast.read.clean` applies them
to blocks and to a page's text; ``tests/test_clean.py`` has real lines for each rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_I = re.IGNORECASE
#: A month's name, whole or shortened ("Dec.", "Sept", "December").
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"

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
READ_TIME = re.compile(
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


def heading_words(line: str) -> str:
    """A heading as its words: "You may also like…" and "More:" without their ends."""
    return line.strip().rstrip(":.…").strip()


def is_end_of_article(line: str) -> bool:
    """True for a section heading after which the page is no longer the article."""
    return bool(_END_OF_ARTICLE.match(heading_words(line)))


#: End-of-article headings no article uses for a section of its own: what follows them is
#: other articles, however much of the page it is ("You may also like…" over six excerpts).
TEASER_LIST = re.compile(
    r"^(you (may|might) (also )?like|recommended for you|related (articles|stories|posts)|"
    rf"{_ALSO_LIKE})$",
    _I,
)


def is_byline(line: str) -> bool:
    """True for a byline: "by NAME" with a date, a time or a read-time, or a read-time alone."""
    line = line.strip()
    if READ_TIME.search(line) and len(line) < 200:
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
    rf"\b{MONTH}|"
    r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|[,|·–—-]",
    _I,
)


def is_dateline(line: str) -> bool:
    """A short line that is a date and time, with at most a byline after it ("November 20,
    2019 - 11:28 AMT", "5:45 AM PST 11/19/2019 by Patrick Shanley")."""
    if len(line.split()) > 12 or not re.search(r"\d", line):
        return False
    if not re.search(rf"\d:\d\d|\d/\d|\b{MONTH}", line, _I):
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


def ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(tuple(_TERMINAL))


def looks_like_heading(line: str) -> bool:
    """Short, no final punctuation: a heading (or, glued to a paragraph, a link teaser)."""
    words = line.split()
    return 1 <= len(words) <= 20 and not ends_sentence(line)
