"""The readers, one per format: plain or scraped text, Markdown, HTML and JSON.

Every reader returns an :class:`~podcast.read.model.Article`: metadata plus the
body as blocks of paragraphs and headings, as written. Turning the blocks into
speech is the ``voices`` package's job.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from podcast.core.errors import ArticleError
from podcast.core.settings import ReadSettings
from podcast.read.bylines import tidy_author
from podcast.read.clean import (
    Cleaned,
    Removed,
    clean_blocks_recorded,
    clean_page_text,
    split_byline,
)
from podcast.read.fields import parse_datetime, parse_loose_date, strip_site_name
from podcast.read.model import Article
from voices.script import Block


def _paragraph_blocks(text: str) -> Cleaned:
    """Paragraphs separated by blank lines (lines inside one are joined), furniture dropped."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if lines:
            blocks.append(Block("paragraph", " ".join(lines)))
    return clean_blocks_recorded(blocks)


def read_text(text: str, source: str = "") -> Article:
    """Plain text, or text scraped from a page: page furniture is dropped by rule.

    The first line that is not furniture is the title; paragraphs are separated
    by blank lines; a byline ("by NAME DATE · 2 min read") gives the author and date.
    """
    page = clean_page_text(text)
    if not page.title:
        raise ArticleError(f"{source or 'article'} is empty")
    author, written_date = split_byline(page.byline) if page.byline else ("", "")
    return Article(
        title=page.title,
        blocks=page.blocks,
        author=tidy_author(author),
        published=parse_loose_date(written_date),
        source=source,
        removed=page.removed,
    )


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def _md_inline(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return text.strip()


def read_markdown(text: str, source: str = "") -> Article:
    """Markdown: optional ``---`` front matter, ``#`` title, ``##`` headings, paragraphs and lists."""
    meta: dict[str, str] = {}
    front = re.match(r"\A---\s*\n(.*?)\n---\s*\n", text, re.S)
    if front:
        for line in front.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[front.end() :]
    title = meta.get("title", "")
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", _md_inline(" ".join(paragraph))))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        heading = re.match(r"(#{1,6})\s+(.*?)\s*#*$", line)
        if heading:
            flush()
            text_of = _md_inline(heading.group(2))
            if len(heading.group(1)) == 1 and (not title or text_of == title):
                title = title or text_of  # the front matter's title, said once
            else:
                blocks.append(Block("heading", text_of))
        elif not line:
            flush()
        elif re.match(r"([-*+]|\d+[.)])\s+", line):
            flush()
            paragraph.append(re.sub(r"^([-*+]|\d+[.)])\s+", "", line))
            flush()
        elif line.startswith(">"):
            paragraph.append(line.lstrip("> "))
        elif not re.fullmatch(r"[-*_=]{3,}", line):
            if not title and not blocks and not paragraph:
                title = _md_inline(line)
            else:
                paragraph.append(line)
    flush()
    if not title:
        raise ArticleError(f"{source or 'article'} is empty")
    cleaned = clean_blocks_recorded(blocks)
    return Article(
        title=title,
        blocks=cleaned.blocks,
        removed=cleaned.removed,
        author=meta.get("author", ""),
        published=parse_datetime(meta.get("date") or meta.get("published") or None),
        url=meta.get("url", ""),
        summary=meta.get("summary", "") or meta.get("description", ""),
        source=source,
    )


def html_text(html: str) -> str:
    """The text of an HTML snippet on one line; empty when it holds none (only a comment, say)."""
    from lxml import etree
    from lxml import html as lxml_html

    if not html.strip():
        return ""
    try:
        return " ".join(lxml_html.fromstring(html).text_content().split())
    except (etree.ParserError, ValueError):
        return ""


def read_html_fragment(html: str, source: str = "") -> tuple[Block, ...]:
    """Blocks from an HTML fragment that is already the article body (a feed entry's content)."""
    return html_fragment(html, source)[0]


def html_fragment(html: str, source: str = "") -> tuple[tuple[Block, ...], tuple[Removed, ...]]:
    """:func:`read_html_fragment`, with a record of what the furniture rules removed."""
    from lxml import etree
    from lxml import html as lxml_html

    from podcast.read.extract import fragment_blocks

    if not html.strip():
        return (), ()
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        raise ArticleError(f"{source or 'article'}: content is not readable HTML") from None
    blocks, removed = fragment_blocks(root)
    cleaned = clean_blocks_recorded(blocks)
    return cleaned.blocks, tuple(removed) + cleaned.removed


_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>", re.I)


def read_html(html: str, source: str = "", read: ReadSettings | None = None) -> Article:
    """HTML: the article body (:mod:`podcast.read.extract`), headings kept, and the page's
    metadata; ``read`` is the newsroom's reading rules (``[read]``), applied first."""
    from lxml import etree
    from lxml import html as lxml_html

    from podcast.read.extract import extract

    # An XHTML page's XML declaration names the encoding its bytes had; the text is decoded
    # by now, and lxml refuses a decoded string that still declares one.
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        page = lxml_html.fromstring(html)
    except (etree.ParserError, ValueError):
        raise ArticleError(f"{source or 'article'} is not readable HTML") from None

    def meta(*names: str) -> str:
        for name in names:
            for attribute in ("property", "name", "itemprop"):
                found = page.xpath(f"//meta[@{attribute}=$n]/@content", n=name)
                if found and found[0].strip():
                    return str(found[0]).strip()
        return ""

    canonical = page.xpath("//link[@rel='canonical']/@href")
    language = (page.get("lang") or "").strip()
    page_title = " ".join("".join(page.xpath("//title//text()")).split())
    bylines = [
        " ".join(e.text_content().split())
        for e in page.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' byline ')]")
    ]
    by_rules: list[Removed] = []
    if read is not None and (read.skip or read.body):
        from podcast.read.selectors import apply_to_page

        ruled = lxml_html.fromstring(html)
        by_rules = apply_to_page(ruled, read)
        html = lxml_html.tostring(ruled, encoding="unicode")
    found = extract(html, meta("og:title", "twitter:title"))
    if by_rules:
        found = replace(found, removed=tuple(by_rules) + found.removed)
    if not found.blocks:
        raise ArticleError(f"{source or 'article'} has no article text")
    doc = found.metadata
    title = meta("og:title", "twitter:title") or doc.get("title") or ""
    published = meta("article:published_time", "datePublished", "date", "pubdate") or doc.get(
        "date"
    )
    try:
        when = parse_datetime(published)
    except ArticleError:
        when = parse_datetime(doc.get("date"))
    candidates = [doc.get("author"), meta("author"), meta("article:author")]
    candidates += [split_byline(byline)[0] for byline in bylines[:1]]
    # The first that names someone: a profile URL in article:author gives way to the byline.
    author = next((said for said in map(tidy_author, filter(None, candidates)) if said), "")
    categories = [c.strip() for c in (doc.get("categories") or "").split(",") if c.strip()]
    section = meta("article:section")
    if section and section not in categories:
        categories.insert(0, section)
    categories += [
        t for t in page.xpath("//meta[@property='article:tag']/@content") if t not in categories
    ]
    url = meta("og:url") or (str(canonical[0]) if canonical else "") or doc.get("url") or ""
    # A page whose <title> is empty or broken: its first h1, else the body's first heading.
    first_h1 = " ".join("".join(page.xpath("(//h1)[1]//text()")).split())
    first_heading = next((b.text for b in found.blocks if b.kind == "heading"), "")
    return Article(
        title=strip_site_name(
            title or page_title or first_h1 or first_heading, meta("og:site_name"), url
        ),
        blocks=found.blocks,
        author=author,
        published=when,
        url=url,
        summary=meta("og:description", "description") or doc.get("description") or "",
        categories=tuple(categories),
        image=meta("og:image"),
        language=language,
        source=source,
        removed=found.removed,
        coverage=found.coverage,
    )


def _string(data: dict[str, Any], key: str, source: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ArticleError(f"{source}: field {key!r} must be a string")
    return value.strip()


def read_json(text: str, source: str = "") -> Article:
    """A JSON object: title, author, published, url, body or html, summary, categories, image."""
    name = source or "article"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ArticleError(f"{name} is not valid JSON: {error}") from None
    except RecursionError:
        raise ArticleError(f"{name} is not an article: its JSON is nested too deeply") from None
    return article_from_dict(data, name)


def article_from_dict(data: Any, source: str) -> Article:
    """An :class:`Article` from a decoded JSON object (also one line of a JSONL manifest)."""
    if not isinstance(data, dict):
        raise ArticleError(
            f"{source}: expected a JSON object with 'title' and 'body', 'content' or 'html'"
        )
    html = _string(data, "html", source)
    body = _string(data, "body", source)
    content = _string(data, "content", source)
    if html:
        base = read_html(html, source)
    elif content:  # the body as a CMS keeps it: an HTML fragment, not a page
        blocks, removed = html_fragment(content, source)
        base = Article(title="", blocks=blocks, source=source, removed=removed)
    elif body:
        cleaned = _paragraph_blocks(body)
        base = Article(title="", blocks=cleaned.blocks, source=source, removed=cleaned.removed)
    else:
        raise ArticleError(f"{source}: needs a 'body', 'content' or 'html' field")
    categories = data.get("categories") or []
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise ArticleError(f"{source}: field 'categories' must be a list of strings")
    title = _string(data, "title", source) or base.title
    if not title:
        raise ArticleError(f"{source}: field 'title' is missing")
    return Article(
        title=title,
        blocks=base.blocks,
        author=_string(data, "author", source) or base.author,
        published=parse_datetime(data.get("published"), f"{source}: field 'published'")
        or base.published,
        url=_string(data, "url", source) or base.url,
        summary=_string(data, "summary", source) or base.summary,
        categories=tuple(categories) or base.categories,
        image=_string(data, "image", source) or base.image,
        language=_string(data, "language", source) or base.language,
        source=source,
        removed=base.removed,
        coverage=base.coverage,
    )
