"""Addresses that come from articles: only http(s) is ever written anywhere."""

from __future__ import annotations

import re

_HTTP = re.compile(r"https?://[^\s]+$", re.I)


def safe_url(url: str) -> str:
    """``url`` if it is an http(s) address, else empty: no ``javascript:`` or ``file:`` links.

    Applied when an article is read and again wherever an article's address is written
    (feed, pages, JSON-LD, ID3), so a record from an older version cannot carry one out.
    """
    url = url.strip()
    return url if _HTTP.match(url) else ""
