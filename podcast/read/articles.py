"""Articles in: HTML, Markdown, plain text and JSON files, or standard input.

Every reader returns an :class:`Article`: metadata plus the body as blocks of
paragraphs and headings, as written. Turning the blocks into speech is the
``voices`` package's job.
"""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from podcast.errors import ArticleError
from podcast.read.urls import safe_url
from voices.clean import Cleaned, Removed, clean_blocks_recorded, clean_page_text, split_byline
from voices.script import Block

#: Formats by file suffix.
SUFFIXES = {
    ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
    ".txt": "text", ".text": "text", ".json": "json",
}  # fmt: skip

#: Files larger than this are refused rather than read (a page with scripts and styles is rarely 2 MB).
MAX_ARTICLE_BYTES = 20 * 1024 * 1024
#: Articles longer than this are refused: about six and a half hours of audio.
MAX_WORDS = 60_000

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


@dataclass(frozen=True)
class Article:
    """One article, as written."""

    title: str
    """The headline."""
    blocks: tuple[Block, ...]
    """The body: paragraphs and headings, in order."""
    author: str = ""
    """The byline's names."""
    published: datetime | None = None
    """When it was published (timezone-aware, UTC)."""
    url: str = ""
    """The article's canonical address."""
    summary: str = ""
    """A standfirst or description."""
    categories: tuple[str, ...] = field(default_factory=tuple)
    """Sections or tags."""
    image: str = ""
    """Lead image address."""
    language: str = ""
    """Language code if the source says it (e.g. ``en``)."""
    source: str = ""
    """Where it was read from: a path, or ``-`` for standard input."""
    removed: tuple[Removed, ...] = field(default_factory=tuple, compare=False, repr=False)
    """Every block the furniture rules took out of the page, with the rule (for the review)."""
    coverage: float | None = field(default=None, compare=False)
    """Share of the page's article text (as a fuller extraction finds it) that is kept."""

    @property
    def key(self) -> str:
        """What identifies the article across rebuilds: its URL, else its slugged title."""
        return self.url or "title:" + slugify(self.title)

    @property
    def slug(self) -> str:
        """A short ASCII name for its files."""
        return slugify(self.title)


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII, lower case, hyphens: safe in a URL and a file name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "episode"


_LOOSE_FORMATS = (
    "%B %d, %Y %I:%M %p", "%B %d, %Y %I:%M%p", "%B %d, %Y, %I:%M %p", "%B %d, %Y",
    "%b %d, %Y %I:%M %p", "%b %d, %Y", "%d %B %Y", "%B %d %Y",
)  # fmt: skip


def parse_loose_date(text: str) -> datetime | None:
    """A date as a byline writes it ("January 7, 2024 10:51 PM"), taken as UTC; None if unclear."""
    cleaned = " ".join(text.replace(".", "").replace("a m", "AM").replace("p m", "PM").split())
    cleaned = re.sub(r"\b([ap])m\b", lambda m: m.group(1).upper() + "M", cleaned)
    cleaned = re.sub(r"\bSept\b", "Sep", cleaned)
    for fmt in _LOOSE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


_TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|·|•)\s+|:\s+")


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", text).lower())


def strip_site_name(title: str, site_name: str = "", url: str = "") -> str:
    """The headline without the site's name the page puts before or after it
    ("… in Healthcare | Appen", "… - California Globe"): the name is the page's
    ``og:site_name``, or a part whose letters are the site's address's."""
    host = urllib.parse.urlsplit(url).hostname or ""
    host_letters = _letters(re.sub(r"^www\d?\.", "", host).rsplit(".", 1)[0]) if host else ""
    name_letters = _letters(site_name)

    def is_site(part: str) -> bool:
        letters = _letters(part)
        if not letters or len(part.split()) > 6:
            return False
        return letters == name_letters or (
            len(letters) >= 4
            and bool(host_letters)
            and (letters in host_letters or host_letters in letters)
        )

    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    if is_site(parts[-1]):
        cut = [m.start() for m in _TITLE_SEPARATOR.finditer(title)][-1]
        return title[:cut].strip()
    if is_site(parts[0]):
        return title[_TITLE_SEPARATOR.search(title).end() :].strip()  # type: ignore[union-attr]
    return title


def tidy_author(author: str) -> str:
    """A byline's names as they are said: "JANE DOE; MARK ROE" → "Jane Doe and Mark Roe"."""
    author = " ".join(re.sub(r"^by\s+", "", author.strip(), flags=re.I).split())
    if author.isupper():
        author = author.title()
    names = [n.strip() for n in re.split(r"\s*;\s*|\s+and\s+", author) if n.strip()]
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return author


def parse_datetime(value: Any, where: str = "published") -> datetime | None:
    """An ISO 8601 date or datetime as a UTC-aware datetime (naive ones are taken as UTC)."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ArticleError(f"{where} must be an ISO 8601 date, not {value!r}")
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ArticleError(f"{where} is not an ISO 8601 date: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01 at +14:00 is before the first day a datetime holds
        raise ArticleError(f"{where} is out of range: {value!r}") from None


def _decode(data: bytes, name: str) -> str:
    """Text from bytes: UTF-8, else the charset an HTML page declares, else a detected one."""
    if b"\0" in data[:8192]:
        raise ArticleError(f"{name} is not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", data[:4096], re.I)
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    ascii_share = sum(byte < 0x80 for byte in data[:200_000]) / max(1, len(data[:200_000]))
    if ascii_share > 0.9:
        # Mostly ASCII with a few accented letters and curly quotes: Windows-1252, the
        # legacy encoding of nearly all Western news text.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("cp1252", errors="replace")


def clean_text(text: str) -> str:
    """Drop control characters (keeping line breaks and tabs)."""
    return _CONTROL.sub("", text)


def finish_article(article: Article) -> Article:
    """Checks every reader's result passes: text cleaned, links made safe, length and content checked."""
    name = article.source or "article"
    blocks = tuple(
        Block(b.kind, " ".join(clean_text(b.text).split()))
        for b in article.blocks
        if clean_text(b.text).strip()
    )
    if not any(block.kind == "paragraph" for block in blocks):
        raise ArticleError(f"{name} has no article text")
    title = " ".join(clean_text(article.title).split())
    if not title:
        raise ArticleError(f"{name} has no title")
    words = sum(len(b.text.split()) for b in blocks)
    if words > MAX_WORDS:
        raise ArticleError(
            f"{name} has {words} words; the limit is {MAX_WORDS} (about six hours of audio)"
        )
    return replace(
        article,
        title=title,
        blocks=blocks,
        author=" ".join(clean_text(article.author).split()),
        summary=" ".join(clean_text(article.summary).split()),
        url=safe_url(article.url),
        image=safe_url(article.image),
    )


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


def read_html(html: str, source: str = "") -> Article:
    """HTML: the article body (:mod:`podcast.read.extract`), headings kept, and the page's metadata."""
    from lxml import etree
    from lxml import html as lxml_html

    from podcast.read.extract import extract

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
    found = extract(html, meta("og:title", "twitter:title"))
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
    author = doc.get("author") or meta("author", "article:author")
    if not author and bylines:
        author = split_byline(bylines[0])[0]
    author = tidy_author(author)
    categories = [c.strip() for c in (doc.get("categories") or "").split(",") if c.strip()]
    section = meta("article:section")
    if section and section not in categories:
        categories.insert(0, section)
    categories += [
        t for t in page.xpath("//meta[@property='article:tag']/@content") if t not in categories
    ]
    url = meta("og:url") or (str(canonical[0]) if canonical else "") or doc.get("url") or ""
    return Article(
        title=strip_site_name(title or page_title, meta("og:site_name"), url),
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
        raise ArticleError(f"{source}: expected a JSON object with 'title' and 'body' or 'html'")
    html = _string(data, "html", source)
    body = _string(data, "body", source)
    if html:
        base = read_html(html, source)
    elif body:
        cleaned = _paragraph_blocks(body)
        base = Article(title="", blocks=cleaned.blocks, source=source, removed=cleaned.removed)
    else:
        raise ArticleError(f"{source}: needs a 'body' or an 'html' field")
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


_READERS = {"html": read_html, "markdown": read_markdown, "text": read_text, "json": read_json}


def sniff(text: str) -> str:
    """Guess the format of text with no file name."""
    start = text.lstrip()[:200].lower()
    if start.startswith("{"):
        return "json"
    if start.startswith(("<!doctype", "<html", "<")):
        return "html"
    if start.startswith(("#", "---")):
        return "markdown"
    return "text"


def read_article(source: str | Path, stdin: bytes | None = None) -> Article:
    """Read the article at ``source`` (``-`` for ``stdin``), by its suffix or its content."""
    name = str(source)
    if name == "-":
        data = stdin if stdin is not None else b""
        kind = None
    else:
        path = Path(source)
        if not path.exists():
            raise ArticleError(f"article not found: {name}")
        if not path.is_file():
            raise ArticleError(f"not a file: {name}")
        try:
            if path.stat().st_size > MAX_ARTICLE_BYTES:
                raise ArticleError(f"{name} is larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB")
            data = path.read_bytes()
        except OSError as error:
            raise ArticleError(f"cannot read {name}: {error.strerror or error}") from None
        kind = SUFFIXES.get(path.suffix.lower())
    if not data.strip():
        raise ArticleError(f"{'standard input' if name == '-' else name} is empty")
    text = clean_text(_decode(data, name))
    return finish_article(_READERS[kind or sniff(text)](text, name))
