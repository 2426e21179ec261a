"""Readings: where the rules chose between two ways to say something, kept for the editor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    """A place where the rules chose between two readings, for an editor to confirm."""

    kind: str
    """What was decided: ``unit or word``, ``Roman numeral or letter``, ``year or count``,
    ``Saint or Street``, ``Doctor or Drive``, ``month or day first``, ``million or meters``."""
    written: str
    """The words as written."""
    said: str
    """The reading chosen."""
    other: str
    """The reading not chosen."""


_READINGS: ContextVar[list[Reading] | None] = ContextVar("readings", default=None)


@contextmanager
def recording() -> Iterator[list[Reading]]:
    """Collect every :class:`Reading` the rules choose while the block runs (this thread only)."""
    found: list[Reading] = []
    token = _READINGS.set(found)
    try:
        yield found
    finally:
        _READINGS.reset(token)


def chose(kind: str, written: str, said: str, other: str) -> str:
    """Note a choice (when recording) and return the reading chosen."""
    found = _READINGS.get()
    if found is not None:
        found.append(Reading(kind, written.strip(), said.strip(), other.strip()))
    return said
