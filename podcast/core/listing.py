"""What publishing reads of the store, and no more: the newest episodes of a feed, one fixed
page of its archive, what changed since the last publish, and the files left behind.

Every query is an index away (migration ``0014_publishing``), so publishing one new episode
costs about the same with a thousand episodes stored as with fifty thousand. A feed is chosen
by its series and, for a category feed, its categories (compared as ``str.casefold`` does).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any

from podcast.core.episode import Episode
from podcast.core.store import Store

#: The order episodes were added in: the archive's pages never move.
ADDED = "coalesce(created, published)"
_LIGHT = ", ".join(
    f.name
    for f in fields(Episode)
    if f.name not in ("cues", "sentence_keys", "piece_keys", "review")
)


class Listing:
    """Publishing's queries over ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        self.db.create_function("casefold", 1, lambda s: str(s).casefold(), deterministic=True)

    @staticmethod
    def _where(series: str, categories: Sequence[str]) -> tuple[str, list[Any]]:
        where, params = "series = ?", [series]
        if categories:
            marks = ", ".join("?" * len(categories))
            where += (
                " AND EXISTS (SELECT 1 FROM json_each(episodes.categories) "
                f"WHERE casefold(json_each.value) IN ({marks}))"
            )
            params += [c.casefold() for c in categories]
        return where, params

    def _rows(self, sql: str, params: Iterable[Any]) -> list[Episode]:
        return [Episode.from_row(row) for row in self.db.execute(sql, tuple(params))]

    def newest(self, limit: int, series: str = "", categories: Sequence[str] = ()) -> list[Episode]:
        """The newest ``limit`` episodes of a feed, by their date, newest first."""
        where, params = self._where(series, categories)
        return self._rows(
            f"SELECT {_LIGHT} FROM episodes WHERE {where} ORDER BY published DESC, key LIMIT ?",
            [*params, limit],
        )

    def count(self, series: str = "", categories: Sequence[str] = ()) -> int:
        where, params = self._where(series, categories)
        return int(
            self.db.execute(f"SELECT count(*) FROM episodes WHERE {where}", params).fetchone()[0]
        )

    def page(
        self,
        number: int,
        size: int,
        total: int,
        series: str = "",
        categories: Sequence[str] = (),
    ) -> list[Episode]:
        """Archive page ``number`` (1: the oldest ``size`` of the feed's ``total`` episodes), in
        the order they were added; a page in the newer half is read from the newest end, so
        the page a new episode joins is found at once however long the archive."""
        where, params = self._where(series, categories)
        first = (number - 1) * size
        if first < total / 2:
            return self._rows(
                f"SELECT {_LIGHT} FROM episodes WHERE {where} ORDER BY {ADDED}, key "
                "LIMIT ? OFFSET ?",
                [*params, size, first],
            )
        last = min(first + size, total)
        rows = self._rows(
            f"SELECT {_LIGHT} FROM episodes WHERE {where} ORDER BY {ADDED} DESC, key DESC "
            "LIMIT ? OFFSET ?",
            [*params, last - first, total - last],
        )
        return rows[::-1]

    def position(
        self, episode: Episode, total: int, series: str = "", categories: Sequence[str] = ()
    ) -> int:
        """How many of a feed's ``total`` episodes were added before ``episode`` (its place in
        the archive), counted from the newest end: a new episode's is found at once."""
        where, params = self._where(series, categories)
        added = (episode.created or episode.published).isoformat()
        row = self.db.execute(
            f"SELECT count(*) FROM episodes WHERE {where} AND "
            f"({ADDED} > ? OR ({ADDED} = ? AND key > ?))",
            [*params, added, added, episode.key],
        ).fetchone()
        return total - 1 - int(row[0])

    def changed_since(self, mark: str) -> list[Episode]:
        """Episodes saved after ``mark`` (an ``updated`` value)."""
        return self._rows(f"SELECT {_LIGHT} FROM episodes WHERE updated > ?", [mark])

    def high_water(self) -> str:
        """The newest ``updated`` of any episode ('' for none)."""
        row = self.db.execute("SELECT max(updated) FROM episodes").fetchone()
        return str(row[0] or "")

    def meta(self, name: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else ""

    def set_meta(self, values: dict[str, str]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", list(values.items())
        )

    def stale(self) -> list[str]:
        """Files a rebuild or a removal left in the site, to sweep after the next publish (not
        one its article's episode names again, as a rebuild back to an earlier text does)."""
        from podcast.core.store import site_files_of

        left = []
        for path, key in self.db.execute("SELECT path, key FROM stale_files").fetchall():
            current = self.store.get(key)
            if current is None or path not in site_files_of(current):
                left.append(path)
        return left

    def swept(self) -> None:
        """Forget the files :meth:`stale` listed (swept, or named again)."""
        self.db.execute("DELETE FROM stale_files")
