"""Texts as bags of words: what the extraction's guard, continuations and captions compare."""

from __future__ import annotations

import re
from collections import Counter


def words(text: str) -> Counter[str]:
    """A text's words, lower case, as a bag."""
    return Counter(re.findall(r"[^\W_]+", text.lower().replace("\u2019", "'")))


def shared_words(a: Counter[str], b: Counter[str]) -> int:
    return sum((a & b).values())
