"""The newsroom's own reading rules (``[read]`` in edition.toml), applied before extraction.

A newsroom knows its CMS: one selector removes its hover cards, one names where the body is,
one pattern drops the promo line every article ends with. Each removal is recorded with the
setting that made it, as the furniture rules' are, so the review shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from podcast.core.readrules import compile_selector, compile_text
from podcast.core.settings import ReadSettings
from podcast.read.clean import Removed
from podcast.read.elements import element_text
from podcast.read.model import Article


def apply_to_page(page: Any, read: ReadSettings) -> list[Removed]:
    """Apply ``read.skip`` and ``read.body`` to a parsed page, in place: skipped elements are
    removed; where a body selector matches, the page's body holds only what it matched.
    Returns what was removed, each with its setting."""
    removed: list[Removed] = []
    for selector in read.skip:
        for element in compile_selector(selector)(page):
            if element.getparent() is None:
                continue
            text = element_text(element)
            if text:
                removed.append(Removed(text, f"read.skip: {selector}", "element"))
            element.drop_tree()  # lxml.html keeps its tail: the words after it stay
    body = page.find(".//body")
    for selector in read.body:
        found = [e for e in compile_selector(selector)(page) if e is not body]
        found = [e for e in found if not any(a in found for a in e.iterancestors())]
        if not found or body is None:
            continue
        outside = element_text(body)
        for child in list(body):
            body.remove(child)
        body.text = None
        for element in found:
            element.tail = None
            body.append(element)
        if outside:
            removed.append(Removed(f"{len(outside.split())} words outside {selector}",
                                   f"read.body: {selector}", "element"))  # fmt: skip
        break
    return removed


def text_skipper(read: ReadSettings) -> Callable[[str], str | None]:
    """A test of a paragraph: the ``read.skip_text`` entry that drops it, or None."""
    tests = [(rule, compile_text(rule)) for rule in read.skip_text]

    def rule_for(text: str) -> str | None:
        return next((f"read.skip_text: {rule}" for rule, test in tests if test(text)), None)

    return rule_for


def skip_paragraphs(article: Article, read: ReadSettings) -> Article:
    """``article`` without the paragraphs ``read.skip_text`` names, each removal recorded."""
    if not read.skip_text:
        return article
    rule_for = text_skipper(read)
    kept, removed = [], []
    for block in article.blocks:
        rule = rule_for(block.text)
        if rule is None:
            kept.append(block)
        else:
            removed.append(Removed(block.text, rule, block.kind))
    if not removed:
        return article
    return replace(article, blocks=tuple(kept), removed=article.removed + tuple(removed))
