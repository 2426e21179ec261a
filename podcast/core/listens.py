"""The players' beacons, kept as counts: for each episode and day, how many plays began and
how many reached each tenth. Nothing else of a beacon is kept (no address, no cookie, no
time finer than the day), so no listener can be told from another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from podcast.core.store import Store

#: What a beacon may say: 0 a play began, 10 … 100 that tenth was reached.
MARKS = tuple(range(0, 101, 10))


@dataclass(frozen=True)
class Curve:
    """One episode's listening: plays, and how many of them reached each tenth."""

    guid: str
    plays: int
    reached: tuple[int, ...]
    """For 10, 20 … 100 %: how many plays got that far."""

    @property
    def shares(self) -> tuple[float, ...]:
        """Each tenth's share of the plays (at most 1: a seek back may reach a tenth twice)."""
        return tuple(min(1.0, n / self.plays) if self.plays else 0.0 for n in self.reached)

    @property
    def median_share(self) -> int | None:
        """How far half the plays got, in percent (0 when fewer than half reached 10 %);
        None without plays."""
        if not self.plays:
            return None
        return max(
            [mark for mark, share in zip(MARKS[1:], self.shares, strict=True) if share >= 0.5]
            or [0]
        )


class Listens:
    """The listens table of ``store``."""

    def __init__(self, store: Store) -> None:
        self.db = store.db

    def record(self, guid: str, reached: int, when: datetime | None = None) -> None:
        if reached not in MARKS:
            raise ValueError(f"not a mark: {reached}")
        day = (when or datetime.now(UTC)).astimezone(UTC).date().isoformat()
        self.db.execute(
            "INSERT INTO listens (guid, day, reached, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (guid, day, reached) DO UPDATE SET count = count + 1",
            (guid, day, reached),
        )

    def curves(self, since: date | None = None, until: date | None = None) -> dict[str, Curve]:
        """Each episode's curve over the days from ``since`` to before ``until``."""
        rows = self.db.execute(
            "SELECT guid, reached, sum(count) FROM listens WHERE day >= ? AND day < ? "
            "GROUP BY guid, reached",
            ((since or date.min).isoformat(), (until or date.max).isoformat()),
        ).fetchall()
        counts: dict[str, dict[int, int]] = {}
        for guid, reached, total in rows:
            counts.setdefault(guid, {})[int(reached)] = int(total)
        return {
            guid: Curve(guid, marks.get(0, 0), tuple(marks.get(m, 0) for m in MARKS[1:]))
            for guid, marks in counts.items()
        }
