"""The episode store: one SQLite file in the working folder, with named migrations.

Each migration runs inside a transaction and is recorded in the ``migrations``
table, so an interrupted upgrade leaves the store as it was.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from audio.atomic import replacing
from podcast.core.episode import Episode
from podcast.core.errors import StoreError
from podcast.core.migrations import MIGRATIONS

#: The copy of the store kept after each run that ended well, beside it.
BACKUP_SUFFIX = ".bak"


def damaged(path: Path, error: Exception) -> StoreError:
    """The one-line error for a store SQLite cannot read, with what to do."""
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    if backup.is_file():
        advice = (
            f"the copy kept after the last run that ended well is {backup}: put it in its "
            f"place (mv {backup} {path}) and run again; episodes published since are taken "
            "back with `audio-edition adopt`"
        )
    else:
        advice = "move it aside and run `audio-edition adopt` to rebuild it from the published site"
    return StoreError(f"the episode store {path} is damaged ({error}): {advice}")


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _readable(method: _Method) -> _Method:
    """Turn SQLite's 'malformed' and 'not a database' errors into :func:`damaged`."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            if type(error) is not sqlite3.DatabaseError:  # locked, constraint, misuse: not damage
                raise
            raise damaged(self.path, error) from None

    return cast(_Method, wrapper)


class Store:
    """Episodes in an SQLite file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._probes = 0
        """Rows :meth:`check_writable` wrote and took back (SQLite counts them as changes)."""
        for name in (path.name, path.name + "-wal", path.name + "-shm"):
            if path.with_name(name).is_symlink():  # SQLite would write through it
                raise StoreError(
                    f"{path.with_name(name)} is a symbolic link: the episode store and its "
                    "journal are never written through one; put the file itself there"
                )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            # Every page is read once: a store damaged anywhere is found here, before any work.
            problems = [r[0] for r in self.db.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError("; ".join(problems))
            self.migrate()
        except sqlite3.DatabaseError as error:
            if type(error) is not sqlite3.DatabaseError:
                raise StoreError(f"cannot open episode store {path}: {error}") from None
            raise damaged(path, error) from None
        except (sqlite3.Error, OSError) as error:
            raise StoreError(f"cannot open episode store {path}: {error}") from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def applied_migrations(self) -> list[str]:
        """Names of the migrations applied, in order."""
        return [r["name"] for r in self.db.execute("SELECT name FROM migrations ORDER BY name")]

    def migrate(self) -> None:
        """Apply every migration not yet recorded, each in its own transaction."""
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"
        )
        done = set(self.applied_migrations())
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in filter(str.strip, sql.split(";")):
                    self.db.execute(statement)
                self.db.execute(
                    "INSERT INTO migrations (name, applied) VALUES (?, ?)",
                    (name, datetime.now(UTC).isoformat()),
                )
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    @_readable
    def get(self, key: str) -> Episode | None:
        """The episode for the article ``key``, if any."""
        row = self.db.execute("SELECT * FROM episodes WHERE key = ?", (key,)).fetchone()
        return Episode.from_row(row) if row else None

    @_readable
    def episodes(
        self, limit: int | None = None, *, transcripts: bool = True, offset: int = 0
    ) -> list[Episode]:
        """Episodes, newest first; without ``transcripts`` their cues, sentence and piece keys
        and review are left out (faster); the chapter marks, small, stay (show notes list them)."""
        columns = "*"
        if not transcripts:
            names = [
                f.name
                for f in fields(Episode)
                if f.name not in ("cues", "sentence_keys", "piece_keys", "review")
            ]
            columns = ", ".join(names)
        sql = f"SELECT {columns} FROM episodes ORDER BY published DESC, key"
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = (limit, offset)
        return [Episode.from_row(r) for r in self.db.execute(sql, params)]

    @_readable
    def by_guid(self, guid: str) -> Episode | None:
        """The episode whose guid is ``guid``, if any."""
        row = self.db.execute("SELECT * FROM episodes WHERE guid = ?", (guid,)).fetchone()
        return Episode.from_row(row) if row else None

    @_readable
    def count(self) -> int:
        """How many episodes the store holds."""
        return int(self.db.execute("SELECT count(*) FROM episodes").fetchone()[0])

    def save(self, episode: Episode) -> Episode:
        """Insert or replace ``episode``; an existing episode keeps its guid and creation time."""
        now = datetime.now(UTC)
        existing = self.get(episode.key)
        row = episode.to_row()
        if existing is not None:
            row["guid"] = existing.guid
            row["created"] = (existing.created or now).isoformat()
        else:
            row["created"] = row["created"] or now.isoformat()
        row["updated"] = now.isoformat()
        columns = ", ".join(row)
        marks = ", ".join(f":{c}" for c in row)
        try:
            with self._transaction():
                self.db.execute(
                    f"INSERT OR REPLACE INTO episodes ({columns}) VALUES ({marks})", row
                )
                saved = self.get(episode.key)
                assert saved is not None
                # What the rebuild left behind (the old MP3, its transcripts, a renamed page)
                # is swept by the next publish, once the feeds no longer name it.
                left = site_files_of(existing) - site_files_of(saved) if existing else set()
                self.db.executemany(
                    "INSERT OR IGNORE INTO stale_files (path, key) VALUES (?, ?)",
                    [(f, episode.key) for f in left],
                )
        except sqlite3.Error as error:
            raise StoreError(f"cannot save episode {episode.key!r}: {error}") from None
        return saved

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction (or a part of the caller's, when one is open)."""
        if self.db.in_transaction:
            yield
            return
        with self.db:
            self.db.execute("BEGIN")
            yield

    def check_writable(self) -> None:
        """Fail, one line, when the store cannot be written (a read-only file or disk), before
        a run makes any audio: its first write would otherwise fail after the work was done."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:  # a write, taken back: only a write finds a file SQLite opened read-only
                self.db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('probe', '')")
                self._probes += 1
            finally:
                self.db.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            raise StoreError(f"cannot write to the episode store {self.path}: {error}") from None

    def rekey(self, old: str, new: str) -> bool:
        """Give the episode keyed ``old`` the key ``new`` (its guid, files and dates stay);
        False when there is none, or ``new`` is taken."""
        try:
            cursor = self.db.execute(
                "UPDATE episodes SET key = ? WHERE key = ? "
                "AND NOT EXISTS (SELECT 1 FROM episodes WHERE key = ?)",
                (new, old, new),
            )
        except sqlite3.Error as error:
            raise StoreError(f"cannot rename episode {old!r}: {error}") from None
        return cursor.rowcount == 1

    def delete(self, keys: list[str]) -> None:
        """Remove the episodes with these keys, in one transaction."""
        gone = [e for e in (self.get(k) for k in keys) if e is not None]
        try:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("DELETE FROM episodes WHERE key = ?", [(k,) for k in keys])
                self.db.executemany(
                    "INSERT OR IGNORE INTO stale_files (path, key) VALUES (?, ?)",
                    [(f, e.key) for e in gone for f in site_files_of(e)],
                )
                # Every later archive page moves up: the next publish writes them all.
                self.db.execute(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES ('publish.full', '1')"
                )
        except sqlite3.Error as error:
            raise StoreError(f"cannot delete episodes: {error}") from None

    @_readable
    def own_site(self) -> str | None:
        """The site this store publishes, as :meth:`claim_site` recorded it; None before its
        first publish."""
        row = self.db.execute("SELECT value FROM meta WHERE name = 'site'").fetchone()
        return str(row[0]) if row else None

    @_readable
    def claim_site(self, site: str) -> None:
        """Record ``site`` as the one this store publishes, if it has none yet."""
        self.db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('site', ?)", (site,))

    @_readable
    def site_paragraphs(self, site: str, fingerprints: Iterable[str]) -> dict[str, set[str]]:
        """For each of ``fingerprints``, the articles of ``site`` it was seen in."""
        seen: dict[str, set[str]] = {}
        wanted = list(dict.fromkeys(fingerprints))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.db.execute(
                "SELECT fingerprint, article FROM site_paragraphs WHERE site = ? AND fingerprint "
                f"IN ({','.join('?' * len(chunk))})",
                (site, *chunk),
            )
            for fingerprint, article in rows:
                seen.setdefault(fingerprint, set()).add(article)
        return seen

    @_readable
    def remember_paragraphs(self, site: str, article: str, fingerprints: Iterable[str]) -> None:
        """Note that ``article`` of ``site`` has paragraphs with these fingerprints."""
        self.db.executemany(
            "INSERT OR IGNORE INTO site_paragraphs (site, fingerprint, article) VALUES (?, ?, ?)",
            [(site, f, article) for f in fingerprints],
        )

    @_readable
    def guids(self) -> set[str]:
        """The guid of every episode in the store."""
        return {r[0] for r in self.db.execute("SELECT guid FROM episodes")}

    @_readable
    def record_files(self, paths: Iterable[str], key: str = "") -> None:
        """Note site-relative files a run is about to put into the site (see :meth:`forget_files`).
        With ``key``, they are an article's episode's, and provisional: if that episode is not
        saved naming them (the run was killed in between), the next publish sweeps them."""
        paths = list(paths)
        with self._transaction():
            self.db.executemany(
                "INSERT OR IGNORE INTO site_files (path) VALUES (?)", [(p,) for p in paths]
            )
            if key:
                self.db.executemany(
                    "INSERT OR IGNORE INTO stale_files (path, key) VALUES (?, ?)",
                    [(p, key) for p in paths],
                )

    @_readable
    def recorded_files(self) -> set[str]:
        """Every site file a run recorded and has not yet removed."""
        return {r[0] for r in self.db.execute("SELECT path FROM site_files")}

    @_readable
    def forget_files(self, paths: Iterable[str]) -> None:
        """Drop the records of files removed from the site."""
        self.db.executemany("DELETE FROM site_files WHERE path = ?", [(p,) for p in paths])

    def backup(self) -> Path:
        """Copy the store beside itself (``episodes.db.bak``), atomically; returns the copy's path.

        A run that changed nothing (no row written since the store was opened, migrations
        included) keeps the copy it finds: it is already this store.
        """
        target = self.path.with_name(self.path.name + BACKUP_SUFFIX)
        if self.db.total_changes == self._probes and target.is_file():
            return target
        try:
            with replacing(target) as partial:
                copy = sqlite3.connect(str(partial))
                try:
                    self.db.backup(copy)
                finally:
                    copy.close()
        except (sqlite3.Error, OSError) as error:
            raise StoreError(
                f"cannot keep a copy of the episode store at {target}: {error}"
            ) from None
        return target

    @_readable
    def referenced_files(self) -> set[str]:
        """Every site-relative file an episode points to."""
        files: set[str] = set()
        for episode in self.episodes(transcripts=False):
            files |= site_files_of(episode)
        return files


def site_files_of(episode: Episode) -> set[str]:
    """The site-relative files an episode points to."""
    files = {episode.audio, episode.transcript, episode.chapters, episode.page, episode.embed,
             episode.oembed}  # fmt: skip
    return files | {name for name in (episode.srt, episode.image) if name}
