"""Sentence splitting: abbreviations, initials, decimals and quotes do not end a sentence."""

from __future__ import annotations

import pytest

from voices.sentences import split_sentences

CASES = [
    ("One. Two! Three?", ["One.", "Two!", "Three?"]),
    ("Met on Jan. 7. Then left.", ["Met on Jan. 7.", "Then left."]),
    ("James T. Kirk arrived. He sat.", ["James T. Kirk arrived.", "He sat."]),
    ("It rose 3.5 percent. Then fell.", ["It rose 3.5 percent.", "Then fell."]),
    ('He said "Go." Then he went.', ['He said "Go."', "Then he went."]),
    ("The U.S. Patriot system works.", ["The U.S. Patriot system works."]),
    ("Dr. Ellen Marsh spoke. Mr. Kirk too.", ["Dr. Ellen Marsh spoke.", "Mr. Kirk too."]),
    ("A heading without a stop\nA list item", ["A heading without a stop", "A list item"]),
    ("Wait... what? Yes.", ["Wait... what?", "Yes."]),
    ("e.g. this one. Next.", ["e.g. this one.", "Next."]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_long_sentences_split_at_clauses() -> None:
    clause = "the committee met again to discuss the budget for next year"
    text = ", ".join([clause] * 8) + "."
    pieces = split_sentences(text, max_chars=120)
    assert len(pieces) > 1
    assert all(len(p) <= 120 for p in pieces)
    assert " ".join(pieces).replace(" ,", ",") == text


def test_punctuation_only_is_dropped() -> None:
    assert split_sentences("— * —") == []
