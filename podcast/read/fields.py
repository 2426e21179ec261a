"""An article's fields as pages write them: titles with the site's name, bylines, dates, slugs."""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from datetime import UTC, datetime
from typing import Any

from podcast.errors import ArticleError


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
