"""Golden tables: one case per line, ``rule<TAB>input<TAB>expected``, and a fourth column
for a known weakness, which must still fail (a strict xfail) until it is mended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def golden_cases(table: Path) -> list[Any]:
    """The table's rows as pytest params (input, expected), each named ``rule:line:input``."""
    rows = []
    for number, line in enumerate(table.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        rule, given, expected, *weak = line.split("\t")
        marks = [pytest.mark.xfail(reason=weak[0], strict=True)] if weak else []
        rows.append(pytest.param(given, expected, id=f"{rule}:{number}:{given}", marks=marks))
    return rows
