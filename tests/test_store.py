"""The SQLite episode store: migrations recorded, guids that never change."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from podcast.core.episode import guid_for
from podcast.core.store import MIGRATIONS, Store
from tests.helpers import episode


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
    with Store(path) as store:  # reopening applies nothing twice
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]


def test_round_trip_keeps_aware_datetimes_and_categories(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        saved = store.save(episode(categories=("News", "Local")))
        assert saved.published == datetime(2026, 1, 1, tzinfo=UTC)
        assert saved.published.tzinfo is not None
        assert saved.categories == ("News", "Local")
        assert saved.created is not None and saved.updated is not None


def test_rebuilt_episode_keeps_its_guid_and_creation_time(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        first = store.save(episode())
        second = store.save(
            episode(guid="something-else", audio="episodes/a-2.mp3", audio_bytes=20)
        )
        assert second.guid == first.guid == guid_for("https://x.example/a")
        assert second.created == first.created
        assert second.audio == "episodes/a-2.mp3"
        assert len(store.episodes()) == 1


def test_episodes_newest_first_and_referenced_files(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.save(episode("k1", published=datetime(2026, 1, 1, tzinfo=UTC)))
        store.save(
            episode("k2", published=datetime(2026, 2, 1, tzinfo=UTC), audio="episodes/b.mp3")
        )
        assert [e.key for e in store.episodes()] == ["k2", "k1"]
        assert "episodes/b.mp3" in store.referenced_files()


def test_store_is_a_plain_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.save(episode())
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM episodes").fetchone() == (1,)


def test_the_copy_is_made_only_when_the_store_changed(tmp_path: Path) -> None:
    path = tmp_path / "episodes.db"
    with Store(path) as store:  # new: its migrations are changes
        copy = store.backup()
    made = copy.stat().st_mtime_ns
    with Store(path) as store:  # opened and closed with nothing written: the copy stays
        assert store.backup() == copy and copy.stat().st_mtime_ns == made
    copy.unlink()
    with Store(path) as store:  # no copy yet: one is made even so
        assert store.backup().is_file()
