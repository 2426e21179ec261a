"""The ``[read]`` settings' selectors and patterns, compiled and checked: the core's half of
the newsroom's reading rules (settings are refused at load with the key that is wrong);
:mod:`podcast.read.selectors` applies them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any


def compile_selector(selector: str) -> Any:
    """An lxml selector for a CSS selector; ValueError (with the reason) when it is not one."""
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        return CSSSelector(selector)
    except SelectorError as error:
        raise ValueError(str(error) or "not a CSS selector") from None


def compile_text(rule: str) -> Callable[[str], bool]:
    """A ``skip_text`` entry as a test of a paragraph: ``/pattern/`` is searched, anything else
    is the paragraph's exact text (white space folded). ValueError for a bad pattern."""
    if len(rule) >= 2 and rule.startswith("/") and rule.endswith("/"):
        try:
            pattern = re.compile(rule[1:-1])
        except re.error as error:
            raise ValueError(str(error)) from None
        return lambda text: bool(pattern.search(text))
    exact = " ".join(rule.split())
    return lambda text: " ".join(text.split()) == exact


def problem(body: Sequence[str], skip: Sequence[str], skip_text: Sequence[str]) -> str | None:
    """The first ``[read]`` entry that cannot be used, as ``read.KEY[N] …``, or None."""
    for key, selectors in (("body", body), ("skip", skip)):
        for index, selector in enumerate(selectors):
            try:
                compile_selector(selector)
            except ValueError as error:
                return f"read.{key}[{index}] {selector!r} is not a CSS selector: {error}"
    for index, rule in enumerate(skip_text):
        if not rule.strip():
            return f"read.skip_text[{index}] is empty"
        try:
            compile_text(rule)
        except ValueError as error:
            return f"read.skip_text[{index}] {rule!r} is not a regular expression: {error}"
    return None
