"""The article body of an HTML page: furniture out, and nothing of the article lost with it.

Stages, each general (no site is special-cased) and each recorded:

1. **Furniture elements** (navigation, asides, figures, blocks whose class says caption,
   related, share…) are removed, each removal recorded with its rule.
2. **The main text** is extracted by trafilatura from what is left, favouring precision.
3. **The guard.** trafilatura also extracts the untouched page, favouring nothing: the
   *reference* body. A furniture element holding a fair share of the reference's words is
   article, not furniture: it is kept (and that recorded) and the main text extracted again.
   If the main text still covers less than :data:`MIN_COVERAGE` of the reference, the
   extractor picked a fragment (a reprint notice, a teaser): the reference is used instead.
4. **Continuations.** An article split into several containers of the same kind (ads or
   embeds between the chunks) is read whole: paragraphs in the other containers with the
   same tag and class as the one the text came from are added in page order.
5. **Furniture blocks** (bylines, captions, prompts, "Read more"…) are removed by the
   rules in :mod:`podcast.read.clean`, each removal recorded.

The coverage (what share of the reference's words will be spoken) is kept for the review.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from podcast.read.clean import Removed, clean_blocks_recorded
from podcast.read.continuations import BLOCK_TAGS, continuations, embedded_posts, page_positions
from podcast.read.elements import (
    link_only,
    link_only_html,
    strip_furniture,
    strip_inline_cards,
)
from podcast.read.wordbags import shared_words, words
from voices.script import Block

#: Below this share of the reference's words, the main text is a fragment, not the article...
MIN_COVERAGE = 0.5
#: ... when it is also under this many words (a whole short article is not a fragment)...
FRAGMENT_WORDS = 150
#: ... or under this share whatever its length.
MIN_COVERAGE_ANY = 0.2
#: A furniture element is kept when this share of the reference's words is in it...
PROTECT_SHARE = 0.15
#: ... and most of its own words are in the reference.
PROTECT_OVERLAP = 0.6


@dataclass(frozen=True)
class Extraction:
    """An HTML page's article body, what was taken out of it and why."""

    blocks: tuple[Block, ...]
    removed: tuple[Removed, ...]
    coverage: float | None
    """Share of the reference body's words that are in ``blocks`` (None without a reference)."""
    notes: tuple[str, ...] = ()
    """Decisions the guard took (kept elements, the reference used, continuations read)."""
    metadata: dict[str, str] = field(default_factory=dict)
    """What trafilatura found: title, author, date, url, description, categories."""


def _trafilatura(html: str, *, precision: bool) -> Any:
    import trafilatura
    from lxml import etree

    extracted = trafilatura.extract(
        html,
        output_format="xml",
        include_formatting=True,
        include_links=True,
        include_images=False,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=precision,
    )
    return etree.fromstring(extracted.encode("utf-8")) if extracted else None


def doc_blocks(doc: Any, title: str, teasers: bool = True) -> tuple[str, list[Block]]:
    """Blocks from trafilatura's XML (a table row is one paragraph, its cells joined by commas);
    a heading that repeats the title is the title. Returns the title (the first heading when
    none was given) and the blocks."""
    blocks: list[Block] = []
    main = doc.find("main") if doc is not None else None
    for line_break in main.iter("lb") if main is not None else []:
        line_break.tail = " " + (line_break.tail or "")  # words either side stay apart
    for element in main.iter("p", "head", "item", "quote", "row") if main is not None else []:
        parent = element.getparent()
        if element.tag == "quote" and element.find("p") is not None:
            continue  # its paragraphs come on their own
        if element.tag == "p" and parent is not None and parent.tag == "item":
            continue  # the item is read as a whole
        if element.tag == "row":
            if element.find(".//cell/p") is not None or element.find(".//cell/head") is not None:
                continue  # a layout table: its paragraphs and headings come on their own
            cells = [" ".join("".join(c.itertext()).split()) for c in element.iter("cell")]
            text = ", ".join(c for c in cells if c)  # a data table: a row is read as a list
            if text:
                blocks.append(Block("paragraph", text))
            continue
        if element.tag in ("item", "quote") and any(
            a.tag == "row" for a in element.iterancestors()
        ):
            continue
        text = " ".join("".join(element.itertext()).split())
        if not text:
            continue
        if element.tag == "head":
            if text == title or not title and not blocks:
                title = title or text
                continue
            blocks.append(Block("heading", text))
        elif teasers and link_only(element):
            continue
        else:
            blocks.append(Block("paragraph", text))
    return title, blocks


def _metadata(doc: Any) -> dict[str, str]:
    if doc is None:
        return {}
    names = ("title", "author", "date", "url", "description", "categories")
    return {name: doc.get(name) for name in names if doc.get(name)}


def extract(html: str, title: str = "") -> Extraction:
    """The article body of ``html`` (see the module docstring); ``title`` is the page's
    headline when known (a heading repeating it is not read twice)."""
    from lxml import html as lxml_html

    carded = lxml_html.fromstring(html)
    cards = strip_inline_cards(carded)
    if cards:
        html = lxml_html.tostring(carded, encoding="unicode")
    reference_doc = _trafilatura(html, precision=False)
    # The reference is the fuller reading: link-dense blocks stay in it, so what the guard
    # measures against does not shrink with the teaser rule.
    _, reference_blocks = doc_blocks(reference_doc, title, teasers=False)
    reference = words(" ".join(b.text for b in reference_blocks))
    ref_total = sum(reference.values())
    notes: list[str] = []

    def main_text(keep: frozenset[str]) -> tuple[Any, list[tuple[str, Removed]], Any]:
        page = lxml_html.fromstring(html)
        removed = strip_furniture(page, keep)
        return (
            page,
            removed,
            _trafilatura(lxml_html.tostring(page, encoding="unicode"), precision=True),
        )

    page, removed, doc = main_text(frozenset())
    # A "furniture" element that holds a fair share of the article is article.
    keep = frozenset(
        path for path, record in removed
        if ref_total and _is_article(words(record.text), reference, ref_total)
    )  # fmt: skip
    if keep:
        for path, record in removed:
            if path in keep:
                notes.append(f"kept: rule {record.rule!r} would remove {len(record.text.split())} "
                             f"words of the article ({record.text[:60]}…)")  # fmt: skip
        page, removed, doc = main_text(keep)
    title_found, blocks = doc_blocks(doc, title)
    kept = words(" ".join(b.text for b in blocks))
    shared = shared_words(kept, reference)
    fragment = shared < MIN_COVERAGE_ANY * ref_total or (
        shared < MIN_COVERAGE * ref_total and sum(kept.values()) < FRAGMENT_WORDS
    )
    if ref_total and (fragment or not blocks):
        notes.append(
            f"the main text held {shared_words(kept, reference)} of the page's {ref_total} article "
            "words: read the fuller extraction instead"
        )
        # The fuller reading of the page without its furniture elements, if it holds enough of
        # the article (a modal's "Thank you / This article has been sent to" stays out), else
        # the fuller reading of the whole page.
        fuller_doc = _trafilatura(lxml_html.tostring(page, encoding="unicode"), precision=False)
        _, fuller = doc_blocks(fuller_doc, title)
        held = shared_words(words(" ".join(b.text for b in fuller)), reference)
        if fuller and held >= MIN_COVERAGE * ref_total and held >= shared_words(kept, reference):
            doc, blocks = fuller_doc, fuller
        else:
            doc, blocks = reference_doc, list(reference_blocks)
            page = lxml_html.fromstring(html)
    positions = page_positions(page)
    added = continuations(page, blocks, positions)
    if added:
        notes.append(f"read {len(added) - len(blocks)} paragraph(s) from the article's other parts")
        blocks = added
    posts = embedded_posts(page, blocks, positions)
    if posts:
        notes.append(f"read {len(posts) - len(blocks)} embedded post(s)")
        blocks = posts
    blocks, pictured = _without_headline_and_captions(blocks, title or title_found, page)
    cleaned = clean_blocks_recorded(blocks)
    spoken = words(" ".join(b.text for b in cleaned.blocks))
    coverage = min(1.0, shared_words(spoken, reference) / ref_total) if ref_total else None
    metadata = _metadata(doc if doc is not None else reference_doc)
    if title_found and "title" not in metadata:
        metadata["title"] = title_found
    return Extraction(
        blocks=cleaned.blocks,
        removed=tuple(cards)
        + tuple(record for _, record in removed)
        + tuple(pictured)
        + cleaned.removed,
        coverage=coverage,
        notes=tuple(notes),
        metadata=metadata,
    )


#: A block before the first paragraph is the headline again (the intro says the title) when
#: this share of its words are the title's ("Julian Assange: Sweden drops rape investigation"
#: under the title "Sweden drops Assange rape investigation") ...
HEADLINE_SHARE = 0.6
#: ... and it is at most this many words.
HEADLINE_WORDS = 20
#: A block this short whose words an image's description holds is that image's caption.
CAPTION_WORDS = 20
#: The share of a block's words an image's alt text or file name must hold.
CAPTION_SHARE = 0.8


def _image_words(page: Any) -> list[set[str]]:
    """What each image of the page says of itself: its alt text and its file name's words."""
    described = []
    for image in page.iter("img"):
        src = (image.get("src") or "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        text = f"{image.get('alt') or ''} {image.get('title') or ''} {src}"
        found = set(re.findall(r"[^\W_\d]+", text.lower()))
        if len(found) >= 3:
            described.append(found)
    return described


def _without_headline_and_captions(
    blocks: list[Block], title: str, page: Any
) -> tuple[list[Block], list[Removed]]:
    """The blocks without the page's headline and captions:

    - blocks before the first paragraph that say the title again, in other words or the same,
      are the headline (the intro says the title);
    - a short block whose words an image's alt text or file name holds is that image's caption
      ("The slimmer bezels of the 16-inch MacBook Pro" under the image of that alt text)."""
    removed: list[Removed] = []
    said = re.findall(r"[^\W_]+", title.lower())
    title_words = set(said)
    while blocks and any(b.kind == "paragraph" for b in blocks[1:]):
        first = blocks[0]
        words = re.findall(r"[^\W_]+", first.text.lower())
        shared = sum(w in title_words for w in words) / len(words) if words else 0.0
        same = words == said
        if not same and (
            first.kind != "heading" or shared < HEADLINE_SHARE or len(words) > HEADLINE_WORDS
        ):
            break  # the lead sentence, a standfirst, or the lead set large: the article's own
        removed.append(Removed(first.text, "headline", first.kind))
        blocks = blocks[1:]
    images = _image_words(page)
    kept = []
    for block in blocks:
        words = re.findall(r"[^\W_\d]+", block.text.lower())
        if (
            images
            and block.kind == "paragraph"
            and 2 <= len(words) <= CAPTION_WORDS
            and any(
                sum(w in image for w in words) >= CAPTION_SHARE * len(words) for image in images
            )
        ):
            removed.append(Removed(block.text, "image caption", block.kind))
            continue
        kept.append(block)
    return kept, removed


def _is_article(element_words: Counter[str], reference: Counter[str], ref_total: int) -> bool:
    size = sum(element_words.values())
    if not size:
        return False
    shared = shared_words(element_words, reference)
    return shared >= PROTECT_SHARE * ref_total and shared >= PROTECT_OVERLAP * size


def fragment_blocks(root: Any) -> tuple[list[Block], list[Removed]]:
    """Blocks of an HTML fragment that is already the article body (a feed entry's content)."""
    removed = [record for _, record in strip_furniture(root)]
    blocks: list[Block] = []
    for element in root.iter(*BLOCK_TAGS):
        if any(parent.tag in BLOCK_TAGS for parent in element.iterancestors()):
            continue  # read as part of its enclosing block
        text = " ".join(element.text_content().split())
        if not text:
            continue
        if element.tag[0] == "h" and element.tag[1:].isdigit():
            blocks.append(Block("heading", text))
        elif link_only_html(element):
            removed.append(Removed(text, "link-only", "paragraph"))
        else:
            blocks.append(Block("paragraph", text))
    if not blocks:
        text = root.text_content()
        blocks = [Block("paragraph", " ".join(p.split())) for p in text.split("\n\n") if p.strip()]
    return blocks, removed


def joined(blocks: Iterable[Block]) -> str:
    """The blocks' text, one per line."""
    return "\n".join(b.text for b in blocks)
