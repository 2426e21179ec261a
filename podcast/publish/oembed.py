"""The oEmbed endpoint ``serve`` and ``service`` answer: ``/oembed?url=…&maxwidth=…&maxheight=…``.

Each episode's page has its oEmbed response as a file beside it (``….oembed.json``, for a site
on a static host); the endpoint answers for any of the episode's addresses (its page, its
player) from that file, with the sizes a consumer asked for honoured, as the oEmbed 1.0
specification asks (section 2.2): the ``html``, ``width`` and ``height`` never exceed
``maxwidth`` and ``maxheight``. A page served by ``serve`` or ``service`` names the endpoint
in its discovery link (:func:`discovery`), so consumers that look for one find it.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from podcast.publish.sitepath import resolve

#: The route both servers answer.
ENDPOINT = "oembed"
#: The player's natural size, and the narrowest it is usable at.
WIDTH, HEIGHT, MIN_WIDTH = 600, 260, 200


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"


def _error(status: int, message: str) -> Reply:
    return Reply(status, json.dumps({"error": message}).encode())


def _oembed_file(root: Path, url: str) -> Path | None:
    """The oEmbed file of the episode at ``url`` (its page or its player), found under
    ``root`` by the URL's path as the site's files are (:func:`~podcast.publish.sitepath.resolve`:
    never a hidden name, nothing outside the site); the site's own path prefix, if any, is
    tried off too."""
    parts = [p for p in urllib.parse.unquote(urllib.parse.urlsplit(url).path).split("/") if p]
    if any(part.startswith(".") for part in parts):
        return None
    for start in range(len(parts)):
        relative = "/".join(parts[start:])
        stem = re.sub(r"(\.embed)?\.html$", "", relative)
        if stem != relative:
            found = resolve(root, "/" + urllib.parse.quote(f"{stem}.oembed.json"))
            if found is not None:
                return found
    return None


def _size(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of pixels")
    return int(value)


def answer_oembed(root: Path, query: Mapping[str, str]) -> Reply:
    """The endpoint's answer to ``query`` (the request's parameters) for the site at ``root``."""
    form = query.get("format", "json") or "json"
    if form != "json":
        return _error(501, "only format=json is offered")
    url = query.get("url", "")
    if not url:
        return _error(400, "url is required")
    try:
        max_width = _size(query.get("maxwidth"), "maxwidth")
        max_height = _size(query.get("maxheight"), "maxheight")
    except ValueError as problem:
        return _error(400, str(problem))
    found = _oembed_file(root.resolve(), url)
    if found is None:
        return _error(404, "no episode at that url")
    data = json.loads(found.read_text(encoding="utf-8"))
    width = min(int(data.get("width", WIDTH)), max_width or WIDTH)
    height = min(int(data.get("height", HEIGHT)), max_height or HEIGHT)
    if max_width or max_height:  # what was asked; without it, the file's answer as it is
        data["width"], data["height"] = width, height
        data["html"] = _sized(str(data["html"]), width, height)
    for name in ("thumbnail_width", "thumbnail_height"):
        if name in data and max_width:
            data[name] = min(int(data[name]), max_width)
    return Reply(200, json.dumps(data, ensure_ascii=False).encode())


def _sized(html: str, width: int, height: int) -> str:
    """The snippet's ``<iframe>`` at ``width`` × ``height``, narrower on a narrow screen."""
    html = re.sub(r'\swidth="[^"]*"', f' width="{width}"', html, count=1)
    html = re.sub(r'\sheight="[^"]*"', f' height="{height}"', html, count=1)
    return re.sub(r'\sstyle="[^"]*"', ' style="border:0;max-width:100%"', html, count=1)


_DISCOVERY = re.compile(
    rb'(<link rel="alternate" type="application/json\+oembed" href=")([^"]+)\.oembed\.json(")'
)


def discovery(page: bytes) -> bytes | None:
    """An episode page with its oEmbed discovery link turned from the file to the endpoint
    (``…/oembed?url=PAGE&format=json``); None for a page without one."""
    found = _DISCOVERY.search(page)
    if found is None:
        return None
    href = found.group(2).decode()
    base, _, relative = href.rpartition("/episodes/")
    page_url = f"{base}/episodes/{relative}.html"
    endpoint = f"{base}/{ENDPOINT}?" + urllib.parse.urlencode({"url": page_url, "format": "json"})
    escaped = endpoint.replace("&", "&amp;").encode()
    return page[: found.start()] + found.group(1) + escaped + found.group(3) + page[found.end() :]
