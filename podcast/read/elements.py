"""The furniture elements of an HTML page: what an element's tag, class, role, link density or
inline card says about it, before any text is extracted (stage 1 of :mod:`podcast.read.extract`).
Each removal is recorded with its rule."""

from __future__ import annotations

import re
from typing import Any

from podcast.read.clean import Removed

#: Elements that are never the article.
FURNITURE_TAGS = (
    "nav", "footer", "aside", "form", "button", "figure", "figcaption", "script", "style",
    "noscript", "iframe", "svg", "dialog", "template", "select", "input",
)  # fmt: skip


#: class/id words that mark furniture (matched as whole words of the attribute).
FURNITURE_WORDS = frozenset(
    """caption captions credit credits byline bylines newsletter newsletters subscribe subscription
    signup sign-up related recirc recirculation recommended recommendations share sharing social
    cookie cookies consent gdpr promo promotion advert advertisement ad ads sponsor sponsored paywall
    readmore read-more more-stories most-read mostread popular trending audio-player tts listen
    breadcrumb breadcrumbs toolbar tags author-bio outbrain taboola comments
    scrim""".split()
)


FURNITURE_ROLES = frozenset(
    {"navigation", "complementary", "dialog", "banner", "contentinfo", "search"}
)


def furniture_rule(element: Any) -> str | None:
    """The rule that takes an element for furniture (``<aside>``, ``class~related``…), or None."""
    if not isinstance(element.tag, str):
        return None
    if element.tag in FURNITURE_TAGS:
        return f"element <{element.tag}>"
    role = (element.get("role") or "").lower()
    if role in FURNITURE_ROLES:
        return f"role {role}"
    names = re.split(
        r"[\s_]+|(?<=[a-z])(?=[A-Z])", f"{element.get('class') or ''} {element.get('id') or ''}"
    )
    lowered = {w.lower() for w in names if w}
    parts = {p for w in lowered for p in w.split("-")}
    hits = sorted((lowered | parts) & FURNITURE_WORDS)
    if hits and (element.tag == "blockquote" or element.find(".//blockquote") is not None):
        return None  # a quoted post embedded in the article ("social-embed") is quoted content
    return f"class or id '{hits[0]}'" if hits else None


def element_text(element: Any) -> str:
    """An element's text, its runs kept apart and white space folded."""
    return " ".join(" ".join(element.itertext()).split())


def strip_furniture(page: Any, keep: frozenset[str] = frozenset()) -> list[tuple[str, Removed]]:
    """Remove furniture elements from a parsed page, never one holding most of its text nor
    one whose path is in ``keep``; returns (path, record) of each element removed."""
    tree = page.getroottree()
    body = page.find(".//body")
    root = body if body is not None else page
    total = len(element_text(root).split()) or 1
    removed: list[tuple[str, Removed]] = []
    for element in list(root.iter()):
        if element is root or element.getparent() is None:
            continue
        if element.tag in ("article", "main", "body"):
            continue
        rule = furniture_rule(element)
        if rule is None:
            continue
        path = tree.getpath(element)
        text = element_text(element)
        if path in keep or len(text.split()) >= total * 0.5:
            continue
        if text and element.tag not in ("script", "style", "noscript", "template", "svg"):
            removed.append((path, Removed(text, rule, "element")))
        element.drop_tree()
    return removed


#: Inline elements that can hold a card (a person's hover card, a teaser) inside a paragraph.
_INLINE = ("span", "div", "aside", "section", "ul")


#: An inline card is at least this share link text ...
CARD_DENSITY = 0.8


#: ... with at least this many links (or an image).
CARD_LINKS = 2


def strip_inline_cards(page: Any) -> list[Removed]:
    """Remove cards set inside paragraphs (a hover card after a name: "Kristi NoemKristi Lynn
    NoemSouth Dakota governor…MORE"): an element inside a ``<p>`` that holds an image or two
    links or more and is mostly link text is not the paragraph. Returns what was removed."""
    removed: list[Removed] = []
    for paragraph in list(page.iter("p")):
        for element in reversed(list(paragraph.iter(*_INLINE))):  # innermost first
            if element.getparent() is None or element is paragraph:
                continue
            links = list(element.iter("a"))
            has_image = element.find(".//img") is not None
            if len(links) < CARD_LINKS and not (has_image and links):
                continue
            if link_density(element, "a", " ") < CARD_DENSITY:
                continue
            text = element_text(element)
            if text:
                removed.append(Removed(text, "inline card", "element"))
            element.drop_tree()  # lxml.html keeps its tail: the paragraph's words after the card
    return removed


#: A short block whose words are mostly link text is navigation or a teaser (link density, as
#: trafilatura and the boilerplate literature weigh it: Kohlschütter et al. 2010).
LINK_DENSITY = 0.7


#: ... when it is at most this many words (a long paragraph with many links is prose).
LINK_BLOCK_WORDS = 40


def link_density(element: Any, link: str = "ref", glue: str = "") -> float:
    """The share of a block's words that are link text. ``link`` is the link's tag (``ref`` in
    trafilatura's XML, ``a`` in HTML), ``glue`` what joins its text runs."""

    def text_of(node: Any) -> str:
        return " ".join(glue.join(node.itertext()).split())

    total = len(re.findall(r"[^\W_]+", text_of(element)))
    linked = sum(len(re.findall(r"[^\W_]+", text_of(ref))) for ref in element.iter(link))
    return linked / total if total else 0.0


_ADDRESS_TEXT = re.compile(r"https?://|\bwww\.|\S+@\S+\.\w+", re.I)


#: A price in a linked block: an offer the article makes (a deals post), not a teaser.
_PRICE = re.compile(r"[$€£¥]\s?\d|\d\s?(?:USD|EUR|GBP)\b")


def link_only(element: Any, link: str = "ref", glue: str = "") -> bool:
    """A short block that is mostly links: a teaser for another article, or navigation. A
    linked sentence of a dozen words or more, a quotation, or a block with a price is the
    article's own."""
    text = " ".join(glue.join(element.itertext()).split())
    words = len(text.split())
    if not 0 < words <= LINK_BLOCK_WORDS or _PRICE.search(text):
        return False
    if words >= 12 and text.rstrip(' )"”’').endswith((".", "!", "?")):
        return False
    if re.search('["“”«»]', text):
        return False  # a quotation, linked or not, is someone's words: the article's
    if _ADDRESS_TEXT.search(text):
        return False  # an address shown as itself is the address rule's to judge, not a teaser
    return link_density(element, link, glue) >= LINK_DENSITY


def link_only_html(element: Any) -> bool:
    """An HTML paragraph that is nothing but a link (a teaser)."""
    return link_only(element, "a", " ")
