"""Articles as a newsroom's CMS sends them: our JSON article, a Ghost webhook, a WordPress post.

Each shape becomes what to do (build the article, or take its episode down) and the article in
our JSON shape (``content`` holding the body as the CMS's HTML fragment), which the service's
durable queue keeps. Reading the article itself waits for its job: a bad article is that job's
failure, with the reason, and the next job still runs.

* **Ghost** (``post.published``, ``post.published.edited``, ``post.unpublished``,
  ``post.deleted``): ``{"post": {"current": {…}, "previous": {…}}}``; a deleted post has an
  empty ``current``, an unpublished one a ``current.status`` other than ``published``.
* **WordPress** (the REST API's post object, ``?_embed`` for the author's name, the featured
  image and the categories): ``title.rendered``, ``content.rendered``, ``link``, ``date_gmt``…;
  a post whose ``status`` is not ``publish`` (trashed, made private or a draft) is taken down.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from podcast.core.errors import ArticleError
from podcast.read.fields import parse_datetime
from podcast.read.model import article_key

#: The shapes :func:`incoming` tells apart.
SHAPES = ("article", "ghost", "wordpress")


@dataclass(frozen=True)
class Incoming:
    """What a CMS asked for."""

    action: str
    """``build`` or ``delete``."""
    article: dict[str, Any]
    """The article in our JSON shape (for ``delete``, what identifies it: title, url, date)."""
    shape: str
    """Which of :data:`SHAPES` it came as."""

    @property
    def key(self) -> str:
        """The article's key, or '' when what identifies it cannot be read (the job fails)."""
        title = self.article.get("title") or ""
        url = self.article.get("url") or ""
        if not isinstance(title, str) or not isinstance(url, str) or not (title or url):
            return ""
        try:
            published = parse_datetime(self.article.get("published"))
        except ArticleError:
            return ""
        return article_key(" ".join(title.split()), url, "", published)


def incoming(data: Any) -> Incoming:
    """What ``data`` (a decoded JSON body) asks for, by its shape."""
    if isinstance(data, dict) and isinstance(data.get("post"), dict):
        post = data["post"]
        if "current" in post or "previous" in post:
            return _ghost(post)
    if isinstance(data, dict) and isinstance(data.get("title"), dict) and "link" in data:
        return _wordpress(data)
    if not isinstance(data, dict):
        raise ArticleError("the body is not a JSON object (an article, a Ghost or WordPress post)")
    return Incoming("build", data, "article")


def _names(people: Any) -> str:
    if not isinstance(people, list):
        return ""
    return ", ".join(p["name"] for p in people if isinstance(p, dict) and p.get("name"))


def _ghost(post: dict[str, Any]) -> Incoming:
    current = post.get("current") or {}
    previous = post.get("previous") or {}
    if not isinstance(current, dict) or not isinstance(previous, dict):
        raise ArticleError("a Ghost webhook's post.current and post.previous must be objects")
    if not current:  # post.deleted: only what it was
        return Incoming("delete", _ghost_article(previous), "ghost")
    article = _ghost_article(current)
    if current.get("status", "published") != "published":  # post.unpublished
        return Incoming("delete", article, "ghost")
    return Incoming("build", article, "ghost")


def _ghost_article(post: dict[str, Any]) -> dict[str, Any]:
    tags: list[Any] = post["tags"] if isinstance(post.get("tags"), list) else []
    return {
        "title": post.get("title") or "",
        "content": post.get("html") or "",
        "url": post.get("url") or "",
        "published": post.get("published_at") or None,
        "author": _names(post.get("authors")) or _names([post.get("primary_author")]),
        "summary": post.get("custom_excerpt") or post.get("excerpt") or "",
        # Ghost's internal tags (#hash) are the CMS's, not the reader's.
        "categories": [
            t["name"]
            for t in tags
            if isinstance(t, dict)
            and isinstance(t.get("name"), str)
            and not t["name"].startswith("#")
            and t.get("visibility", "public") == "public"
        ],  # fmt: skip
        "image": post.get("feature_image") or "",
    }


def _rendered(value: Any) -> str:
    return value.get("rendered", "") if isinstance(value, dict) else ""


def _text(fragment: str) -> str:
    """A WordPress title or excerpt as text: tags dropped, entities (``&#8217;``) decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", fragment)).split())


def _wordpress(post: dict[str, Any]) -> Incoming:
    embedded: dict[str, Any] = post["_embedded"] if isinstance(post.get("_embedded"), dict) else {}
    media = embedded.get("wp:featuredmedia") or []
    terms = embedded.get("wp:term") or []
    date = post.get("date_gmt")
    article = {
        "title": _text(_rendered(post.get("title"))),
        "content": _rendered(post.get("content")),
        "url": post.get("link") or "",
        # date_gmt is UTC written without its zone.
        "published": f"{date}+00:00" if isinstance(date, str) and date else None,
        "author": _names(embedded.get("author")),
        "summary": _text(_rendered(post.get("excerpt"))),
        "categories": [
            _text(t["name"])
            for group in terms
            if isinstance(group, list)
            for t in group
            if isinstance(t, dict) and t.get("taxonomy") == "category" and t.get("name")
        ],  # fmt: skip
        "image": next(
            (m["source_url"] for m in media if isinstance(m, dict) and m.get("source_url")), ""
        ),
    }
    action = "build" if post.get("status", "publish") == "publish" else "delete"
    return Incoming(action, article, "wordpress")
