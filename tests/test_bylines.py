"""Bylines as the intro says them: a golden table of what pages give and what is said."""

from __future__ import annotations

from pathlib import Path

import pytest

from podcast.read.bylines import tidy_author
from tests.golden import golden_cases

TABLE = Path(__file__).parent / "data" / "bylines.tsv"


def cases() -> list:
    return golden_cases(TABLE)


def test_the_table_covers_every_rule() -> None:
    from podcast.read.bylines import LABELS, NOT_NAMES, TRIMS

    rules = {p.id.split(":")[0] for p in cases()}
    assert rules >= {"address", "email", "no letters", "account", "date", "label", "role",
                     "credential", "capitals", "initialism", "names"}  # fmt: skip
    # every rule of the tables is named in the golden table
    named = {why.split(":")[0] for _, why in NOT_NAMES} | {
        why.split(":")[0] for _, _, why in (*LABELS, *TRIMS)
    }
    assert named <= rules, named - rules


@pytest.mark.parametrize(("raw", "said"), cases())
def test_golden_table(raw: str, said: str) -> None:
    assert tidy_author(raw) == said
