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
   rules in :mod:`voices.clean`, each removal recorded.

The coverage (what share of the reference's words will be spoken) is kept for the review.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from voices.clean import Removed, clean_blocks_recorded
from voices.script import Block, BlockKind

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
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")


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


def words(text: str) -> Counter[str]:
    """A text's words, lower case, as a bag."""
    return Counter(re.findall(r"[^\W_]+", text.lower().replace("\u2019", "'")))


def _shared(a: Counter[str], b: Counter[str]) -> int:
    return sum((a & b).values())


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


def _positions(page: Any) -> tuple[list[Any], dict[str, tuple[int, Any]]]:
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


def _continuations(page: Any, blocks: list[Block], positions: Positions) -> list[Block]:
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
            if _shared(bag, have) >= 0.8 * sum(bag.values()):
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


def _embedded_posts(page: Any, blocks: list[Block], positions: Positions) -> list[Block]:
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
        if not bag or _shared(bag, have) >= 0.8 * sum(bag.values()):
            continue
        extra.append((index_of[id(quote)], Block("paragraph", text)))
        have += bag
    return _place(blocks, extra, position) if extra else []


def link_only_html(element: Any) -> bool:
    """An HTML paragraph that is nothing but a link (a teaser)."""
    return link_only(element, "a", " ")


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
    shared = _shared(kept, reference)
    fragment = shared < MIN_COVERAGE_ANY * ref_total or (
        shared < MIN_COVERAGE * ref_total and sum(kept.values()) < FRAGMENT_WORDS
    )
    if ref_total and (fragment or not blocks):
        notes.append(
            f"the main text held {_shared(kept, reference)} of the page's {ref_total} article "
            "words: read the fuller extraction instead"
        )
        # The fuller reading of the page without its furniture elements, if it holds enough of
        # the article (a modal's "Thank you / This article has been sent to" stays out), else
        # the fuller reading of the whole page.
        fuller_doc = _trafilatura(lxml_html.tostring(page, encoding="unicode"), precision=False)
        _, fuller = doc_blocks(fuller_doc, title)
        held = _shared(words(" ".join(b.text for b in fuller)), reference)
        if fuller and held >= MIN_COVERAGE * ref_total and held >= _shared(kept, reference):
            doc, blocks = fuller_doc, fuller
        else:
            doc, blocks = reference_doc, list(reference_blocks)
            page = lxml_html.fromstring(html)
    positions = _positions(page)
    added = _continuations(page, blocks, positions)
    if added:
        notes.append(f"read {len(added) - len(blocks)} paragraph(s) from the article's other parts")
        blocks = added
    posts = _embedded_posts(page, blocks, positions)
    if posts:
        notes.append(f"read {len(posts) - len(blocks)} embedded post(s)")
        blocks = posts
    blocks, pictured = _without_headline_and_captions(blocks, title or title_found, page)
    cleaned = clean_blocks_recorded(blocks)
    spoken = words(" ".join(b.text for b in cleaned.blocks))
    coverage = min(1.0, _shared(spoken, reference) / ref_total) if ref_total else None
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
    shared = _shared(element_words, reference)
    return shared >= PROTECT_SHARE * ref_total and shared >= PROTECT_OVERLAP * size


def fragment_blocks(root: Any) -> tuple[list[Block], list[Removed]]:
    """Blocks of an HTML fragment that is already the article body (a feed entry's content)."""
    removed = [record for _, record in strip_furniture(root)]
    blocks: list[Block] = []
    for element in root.iter(*_BLOCK_TAGS):
        if any(parent.tag in _BLOCK_TAGS for parent in element.iterancestors()):
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
