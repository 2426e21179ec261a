"""Furniture learned from the site: a paragraph that recurs word for word across several of a
site's articles ("For the latest stories, download our app…") is the site speaking, not the
story, and a listener should not hear it twenty times a night.

Only a paragraph at an article's edges counts (its first :data:`HEAD` or last :data:`TAIL`
blocks, where sites put their furniture), of :data:`MIN_WORDS` to :data:`MAX_WORDS` words, and
it is furniture once :data:`MIN_ARTICLES` distinct articles of the site hold it (in this batch
or, through the store, in earlier ones).

**A shared quote is not furniture.** Two stories of a day often quote the same sentence, and a
wire story is often run twice. So a paragraph that quotes anyone (quotation marks, or a
reporting verb: "said", "told") is never counted, and two articles sharing a paragraph are not
enough: three must, and only at their edges. A quote is the story's reporting; furniture is
the site speaking, in the same place, in every article.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from podcast.read.clean import Removed
from podcast.read.model import Article

#: Blocks at an article's start and end where site furniture is looked for.
HEAD = 3
TAIL = 5
#: A paragraph of fewer words is too common to tell ("Thank you."); the rules take those.
MIN_WORDS = 5
#: A longer paragraph is the story's own.
MAX_WORDS = 80
#: Distinct articles of one site that must hold a paragraph for it to be furniture.
MIN_ARTICLES = 3
RULE = "site-furniture"

_QUOTE = re.compile(r"[\"“”«»„]|\b(said|says|told|tells|according to)\b", re.I)


def site_of(article: Article) -> str:
    """The site an article comes from: its URL's host without ``www.``; else its source's folder
    or feed (articles from one place are one site's); empty when unknown."""
    host = urllib.parse.urlsplit(article.url).hostname or ""
    if host:
        return host.removeprefix("www.")
    source = article.source.split("#")[0]
    return source.rsplit("/", 1)[0] if "/" in source else ""


def fingerprint(text: str) -> str:
    """A paragraph's identity: its words, lower case, white space and punctuation folded."""
    words = " ".join(re.findall(r"[^\W_]+", text.lower()))
    return hashlib.sha1(words.encode("utf-8")).hexdigest()[:20]


def edge_paragraphs(article: Article) -> list[tuple[int, str]]:
    """(block index, fingerprint) of the paragraphs that could be site furniture."""
    blocks = article.blocks
    edges = set(range(min(HEAD, len(blocks)))) | set(range(max(0, len(blocks) - TAIL), len(blocks)))
    found = []
    for index in sorted(edges):
        block = blocks[index]
        words = len(block.text.split())
        if block.kind != "paragraph" or not MIN_WORDS <= words <= MAX_WORDS:
            continue
        if _QUOTE.search(block.text):
            continue
        found.append((index, fingerprint(block.text)))
    return found


def learn_and_strip(
    articles: Iterable[tuple[str, Article]],
    history: Callable[[str, list[str]], Mapping[str, set[str]]] | None = None,
    remember: Callable[[str, str, list[str]], None] | None = None,
) -> dict[str, Article]:
    """Each article (by its key) without its site's furniture: paragraphs that
    :data:`MIN_ARTICLES` distinct articles of its site hold, counting these articles and what
    ``history(site, fingerprints)`` says earlier ones held; ``remember(site, key,
    fingerprints)`` is then told of each article's edge paragraphs. Each removal is recorded
    with the rule ``site-furniture``; an article is never left without a paragraph."""
    given = list(articles)
    seen: dict[tuple[str, str], set[str]] = {}
    edges: dict[str, tuple[str, list[tuple[int, str]]]] = {}
    for key, article in given:
        site = site_of(article)
        edges[key] = (site, edge_paragraphs(article) if site else [])
        for _, mark in edges[key][1]:
            seen.setdefault((site, mark), set()).add(key)
    if history is not None:
        by_site: dict[str, list[str]] = {}
        for site, mark in seen:
            by_site.setdefault(site, []).append(mark)
        for site, marks in by_site.items():
            for mark, keys in history(site, marks).items():
                seen[(site, mark)] = seen.get((site, mark), set()) | keys
    if remember is not None:
        for key, (site, marked) in edges.items():
            if site:
                remember(site, key, [mark for _, mark in marked])
    out: dict[str, Article] = {}
    for key, article in given:
        site, marked = edges[key]
        drop = {i for i, mark in marked if len(seen.get((site, mark), ())) >= MIN_ARTICLES}
        kept = [b for i, b in enumerate(article.blocks) if i not in drop]
        if not drop or not any(b.kind == "paragraph" for b in kept):
            out[key] = article
            continue
        removed = tuple(
            Removed(article.blocks[i].text, RULE, article.blocks[i].kind) for i in sorted(drop)
        )
        out[key] = replace(article, blocks=tuple(kept), removed=article.removed + removed)
    return out
