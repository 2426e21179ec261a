"""Articles in: a file (HTML, Markdown, plain text, JSON) or standard input, by suffix or content.

Decoding, the size limit and the choice of reader are here; the readers are in
:mod:`podcast.read.formats`, the :class:`~podcast.read.model.Article` in
:mod:`podcast.read.model`.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from podcast.core.errors import ArticleError
from podcast.core.settings import ReadSettings
from podcast.read.formats import read_html, read_json, read_markdown, read_text
from podcast.read.model import MAX_ARTICLE_BYTES, SUFFIXES, Article, clean_text, finish_article
from podcast.read.selectors import skip_paragraphs


def _decode(data: bytes, name: str) -> str:
    """Text from bytes: UTF-8, else the charset an HTML page declares (in a meta tag, or an
    XHTML page's XML declaration), else a detected one."""
    if b"\0" in data[:8192]:
        raise ArticleError(f"{name} is not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = re.search(
        rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)|^\s*<\?xml[^>]+encoding=["']([A-Za-z0-9_-]+)""",
        data[:4096],
        re.I,
    )
    if declared:
        try:
            return data.decode((declared.group(1) or declared.group(2)).decode("ascii"))
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


_READERS: dict[str, Callable[[str, str], Article]] = {
    "html": read_html, "markdown": read_markdown, "text": read_text, "json": read_json,
}  # fmt: skip


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


def read_article(
    source: str | Path, stdin: bytes | None = None, read: ReadSettings | None = None
) -> Article:
    """Read the article at ``source`` (``-`` for ``stdin``), by its suffix or its content,
    with the newsroom's reading rules ``read`` (``[read]``) when given."""
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
    kind = kind or sniff(text)
    article = read_html(text, name, read) if kind == "html" else _READERS[kind](text, name)
    if read is not None:
        article = skip_paragraphs(article, read)
    if name != "-":
        article = replace(article, image_file=local_image(article.image, Path(source).parent))
    return finish_article(article)


def local_image(reference: str, folder: Path) -> str:
    """The file an article's image reference names in its own folder (``photo.jpg``,
    ``img/photo.jpg``, ``file:`` URLs), or empty: never a file outside that folder."""
    reference = reference.strip()
    if (
        not reference
        or re.match(r"^[a-z][a-z0-9+.-]*:", reference, re.I)
        and not (reference.lower().startswith("file:"))
    ):
        return ""
    path = urllib.parse.unquote(urllib.parse.urlsplit(reference).path)
    try:
        folder = folder.resolve()
        candidate = (
            folder / path.lstrip("/") if not Path(path).is_absolute() else Path(path)
        ).resolve()
    except (OSError, ValueError):
        return ""
    inside = folder in candidate.parents
    return str(candidate) if inside and candidate.is_file() else ""
