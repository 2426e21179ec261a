"""Stage 4 of :mod:`podcast.read.extract`: an article split over several containers (ads or
embeds between its chunks) read whole, and the posts embedded in it (a platform's
``<blockquote>``) kept in page order."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from podcast.read.elements import element_text, link_only_html
from podcast.read.wordbags import shared_words, words
from voices.script import Block, BlockKind

BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")


def page_positions(page: Any) -> tuple[list[Any], dict[str, tuple[int, Any]]]:
    elements = list(page.iter("p", "h2", "h3", "h4", "h5", "h6", "blockquote"))
    position: dict[str, tuple[int, Any]] = {}
    for index, element in enumerate(elements):
        position.setdefault(element_text(element), (index, element))
    return elements, position


def _place(
    blocks: list[Block], extra: list[tuple[int, Block]], position: dict[str, tuple[int, Any]]
) -> list[Block]:
    """``blocks`` with ``extra`` (page index, block) put where they stand in the page."""
    placed: list[tuple[int, int, Block]] = []
    last = -1
    for block in blocks:
        hit = position.get(block.text)
        last = hit[0] if hit is not None else last
        placed.append((last, 0, block))
    placed += [(at, 1, block) for at, block in extra]
    placed.sort(key=lambda item: (item[0], item[1]))
    return [block for _, _, block in placed]


Positions = tuple[list[Any], dict[str, tuple[int, Any]]]


def continuations(page: Any, blocks: list[Block], positions: Positions) -> list[Block]:
    """Paragraphs from containers of the same tag and class as the one the text came from."""
    elements, position = positions
    parents: Counter[Any] = Counter()
    for block in blocks:
        hit = position.get(block.text)
        if hit is not None and hit[1].tag == "p" and hit[1].getparent() is not None:
            parents[hit[1].getparent()] += 1
    if not parents:
        return []
    container, count = parents.most_common(1)[0]
    if count < 2 or not container.get("class"):
        return []
    signature = (container.tag, container.get("class"))
    have = words(" ".join(b.text for b in blocks))
    index_of = {id(e): i for i, e in enumerate(elements)}
    extra: list[tuple[int, Block]] = []
    for other in page.iter(container.tag):
        if other is container or (other.tag, other.get("class")) != signature:
            continue
        if any(a is container for a in other.iterancestors()) or any(
            a is other for a in container.iterancestors()
        ):
            continue  # the same part, seen from inside or outside
        for element in other.iter("p", "h2", "h3", "h4", "h5", "h6"):
            text = element_text(element)
            if not text or id(element) not in index_of or link_only_html(element):
                continue
            bag = words(text)
            if shared_words(bag, have) >= 0.8 * sum(bag.values()):
                continue  # already read (trafilatura's text of it differs a little)
            kind: BlockKind = "paragraph" if element.tag == "p" else "heading"
            extra.append((index_of[id(element)], Block(kind, text)))
            have += bag
    return _place(blocks, extra, position) if extra else []


#: Classes the platforms give an embedded post's ``<blockquote>`` (their embed codes, not a site's).
EMBED_CLASSES = (
    "twitter-tweet",
    "instagram-media",
    "tiktok-embed",
    "bluesky-embed",
    "mastodon-embed",
    "text-post-media",
)


_LINK_WORD = re.compile(r"^(https?://|www\.|pic\.twitter\.com/)\S*$|^\S+\.\w{2,4}/\S+$", re.I)


def embedded_posts(page: Any, blocks: list[Block], positions: Positions) -> list[Block]:
    """Posts embedded from social platforms (quoted in the article; extractors drop them), with
    their bare links left out, where they stand in the page."""
    elements, position = positions
    index_of = {id(e): i for i, e in enumerate(elements)}
    have = words(" ".join(b.text for b in blocks))
    extra: list[tuple[int, Block]] = []
    for quote in page.iter("blockquote"):
        classes = set((quote.get("class") or "").split())
        if not classes & set(EMBED_CLASSES) or id(quote) not in index_of:
            continue
        text = " ".join(w for w in element_text(quote).split() if not _LINK_WORD.match(w))
        bag = words(text)
        if not bag or shared_words(bag, have) >= 0.8 * sum(bag.values()):
            continue
        extra.append((index_of[id(quote)], Block("paragraph", text)))
        have += bag
    return _place(blocks, extra, position) if extra else []
