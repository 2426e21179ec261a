"""An article's fields as pages write them: titles with the site's name, bylines, dates, slugs."""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from datetime import UTC, datetime, timedelta
from typing import Any

from podcast.core.errors import ArticleError
from podcast.read.clean import BYLINE_DATE


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII, lower case, hyphens: safe in a URL and a file name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "episode"


#: Month numbers by the first three letters of their English names (not ``calendar``'s,
#: which follow the process's locale).
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_LOOSE_DATE = re.compile(BYLINE_DATE, re.I)


#: How far past the build time an article's date may lie (time zones, a clock a little
#: ahead) before it is taken for a mistake (9999, 2030): published as the build time, and
#: warned of by ``check``.
FUTURE_TOLERANCE = timedelta(days=1)


def parse_loose_date(text: str) -> datetime | None:
    """A date as a byline writes it, taken as UTC; None if unclear. Month or day first, a
    weekday before, a time after, with or without a space or full stops before am/pm:
    "January 7, 2024 10:51 PM", "Dec. 2, 2026, 6:05am", "2 December 2026, 6:05am"."""
    match = _LOOSE_DATE.match(" ".join(text.split()))
    if not match:
        return None
    month = _MONTHS.get((match["month"] or match["month2"])[:3].lower())
    day = int(match["day"] or match["day2"])
    hour = int(match["hour"] or 0)
    half = (match["half"] or "").lower()
    if half and not 1 <= hour <= 12:
        return None
    if half:
        hour = hour % 12 + (12 if half == "p" else 0)
    try:
        return datetime(int(match["year"]), month or 0, day, hour, int(match["minute"] or 0),
                        tzinfo=UTC)  # fmt: skip
    except ValueError:
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
