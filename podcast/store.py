"""The episode store: one SQLite file in the working folder, with named migrations.

Each migration runs inside a transaction and is recorded in the ``migrations``
table, so an interrupted upgrade leaves the store as it was.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from podcast.cues import TranscriptCue
from podcast.errors import StoreError
from podcast.migrations import MIGRATIONS

#: Namespace for episode guids: uuid5(EPISODE_NAMESPACE, article key).
EPISODE_NAMESPACE = uuid.UUID("6c0f3d2e-7a53-5b8e-9a51-2f4c1d0e9b77")


@dataclass(frozen=True)
class Episode:
    """A published episode, as the store keeps it."""

    key: str
    """The article's identity (its URL or slugged title)."""
    guid: str
    """Feed guid; assigned once, never changes."""
    slug: str
    """ASCII name used in file names."""
    title: str
    published: datetime
    """Publication time (UTC-aware)."""
    audio: str
    """MP3 path relative to the site."""
    audio_bytes: int
    """Exact size of the MP3."""
    duration: float
    """Seconds."""
    transcript: str
    """WebVTT path relative to the site."""
    chapters: str
    """Chapters JSON path relative to the site."""
    voice: str
    """The voice that read it."""
    fingerprint: str
    """Hash of everything that decides the audio; unchanged means nothing to rebuild."""
    author: str = ""
    summary: str = ""
    url: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)
    srt: str = ""
    """SubRip transcript path relative to the site."""
    cues: tuple[TranscriptCue, ...] = field(default_factory=tuple)
    """Transcript cues, one per sentence."""
    marks: tuple[tuple[float, str], ...] = field(default_factory=tuple)
    """Chapters: (start, title)."""
    sentence_keys: tuple[str, ...] = field(default_factory=tuple)
    """Sentence-cache keys of its sentences; cache entries no episode names can be pruned."""
    piece_keys: tuple[str, ...] = field(default_factory=tuple)
    """Piece-cache keys of its MP3's pieces and their loudness blocks (pruned the same way)."""
    gain: float | None = None
    """Mastering gain of its MP3 in dB, where the next build's gain starts."""
    input_lufs: float | None = None
    """Loudness of its compressed programme before the gain (with ``gain``, for the next build)."""
    review: str = "{}"
    """The editor's review of its last build, as JSON (podcast.review.model.Review)."""
    series: str = ""
    """The feed of its own it belongs to (``briefing``); empty: the show's feeds."""
    image: str = ""
    """Its own artwork (the article's image, made square), site-relative; empty: the show's."""
    created: datetime | None = None
    updated: datetime | None = None

    @property
    def page(self) -> str:
        """The episode's web page, relative to the site; stable across rebuilds."""
        return f"episodes/{self.slug}-{self.guid[:8]}.html"

    @property
    def embed(self) -> str:
        """Its player page for an ``<iframe>`` on the newsroom's own pages."""
        return self.page.removesuffix(".html") + ".embed.html"

    @property
    def oembed(self) -> str:
        """Its oEmbed response (``type: rich``), for a CMS that embeds by the page's address."""
        return self.page.removesuffix(".html") + ".oembed.json"

    def to_row(self) -> dict[str, Any]:
        """The episode as column values."""
        row = asdict(self)
        row["categories"] = json.dumps(list(self.categories))
        row["cues"] = json.dumps([asdict(c) for c in self.cues], ensure_ascii=False)
        row["marks"] = json.dumps([list(m) for m in self.marks], ensure_ascii=False)
        row["sentence_keys"] = json.dumps(list(self.sentence_keys))
        row["piece_keys"] = json.dumps(list(self.piece_keys))
        for name in ("published", "created", "updated"):
            value = row[name]
            row[name] = value.astimezone(UTC).isoformat() if value else None
        return row

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Episode:
        """An episode from a row of the ``episodes`` table."""
        present = set(row.keys())
        data = {f.name: row[f.name] for f in fields(cls) if f.name in present}
        data["categories"] = tuple(json.loads(data["categories"] or "[]"))
        if "cues" in data:
            data["cues"] = tuple(TranscriptCue(**c) for c in json.loads(data["cues"] or "[]"))
        for name in ("sentence_keys", "piece_keys"):
            if name in data:
                data[name] = tuple(json.loads(data[name] or "[]"))
        if "marks" in data:
            data["marks"] = tuple((float(a), str(t)) for a, t in json.loads(data["marks"] or "[]"))
        for name in ("published", "created", "updated"):
            if data[name]:
                data[name] = datetime.fromisoformat(data[name])
        return cls(**data)


def guid_for(key: str) -> str:
    """The guid an article with ``key`` gets when it is first published."""
    return str(uuid.uuid5(EPISODE_NAMESPACE, key))


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
    def episodes(self, limit: int | None = None, *, transcripts: bool = True) -> list[Episode]:
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
            sql += " LIMIT ?"
            params = (limit,)
        return [Episode.from_row(r) for r in self.db.execute(sql, params)]

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
            self.db.execute(f"INSERT OR REPLACE INTO episodes ({columns}) VALUES ({marks})", row)
        except sqlite3.Error as error:
            raise StoreError(f"cannot save episode {episode.key!r}: {error}") from None
        saved = self.get(episode.key)
        assert saved is not None
        return saved

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
        try:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("DELETE FROM episodes WHERE key = ?", [(k,) for k in keys])
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
    def record_files(self, paths: Iterable[str]) -> None:
        """Note site-relative files a run is about to put into the site (see :meth:`forget_files`)."""
        self.db.executemany(
            "INSERT OR IGNORE INTO site_files (path) VALUES (?)", [(p,) for p in paths]
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
        partial = target.with_name(target.name + ".tmp")
        try:
            partial.unlink(missing_ok=True)  # a file, or a link left there: never written through
            copy = sqlite3.connect(str(partial))
            try:
                self.db.backup(copy)
            finally:
                copy.close()
            os.replace(partial, target)
        except (sqlite3.Error, OSError) as error:
            partial.unlink(missing_ok=True)
            raise StoreError(
                f"cannot keep a copy of the episode store at {target}: {error}"
            ) from None
        return target

    @_readable
    def referenced_files(self) -> set[str]:
        """Every site-relative file an episode points to."""
        files: set[str] = set()
        for episode in self.episodes(transcripts=False):
            files.update((episode.audio, episode.transcript, episode.chapters, episode.page,
                          episode.embed, episode.oembed))  # fmt: skip
            files.update(name for name in (episode.srt, episode.image) if name)
        return files
