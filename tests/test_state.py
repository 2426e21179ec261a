"""Issue 24, finding 9: nothing the tool writes in its state folder is written through a link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from podcast.core.errors import StoreError
from podcast.core.lock import NotALock, work_lock
from podcast.core.store import Store
from tests.helpers import invoke_cli


def test_a_symlinked_lock_never_overwrites_its_target(tmp_path: Path) -> None:
    """A root run wrote 'process 3885' into the file ``.audio-edition/lock`` pointed to."""
    state = tmp_path / ".audio-edition"
    state.mkdir()
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    (state / "lock").symlink_to(target)
    with pytest.raises(NotALock, match="is a symbolic link or not a regular file"):
        with work_lock(state):
            pass
    assert target.read_text() == "keep me\n"
    (tmp_path / "a.json").write_text('{"title": "T", "body": "Text here."}')
    result = invoke_cli("build", "a.json", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {state / 'lock'} is a symbolic link or not a regular file: the lock is never "
        "written through one; remove it and run again"
    ]
    assert target.read_text() == "keep me\n"


def test_a_lock_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lock").mkdir()
    with pytest.raises(NotALock):
        with work_lock(tmp_path):
            pass


@pytest.mark.parametrize("name", ["episodes.db", "episodes.db-wal", "episodes.db-shm"])
def test_the_store_and_its_journal_are_never_written_through_a_link(
    tmp_path: Path, name: str
) -> None:
    target = tmp_path / "precious.bin"
    target.write_bytes(b"keep me")
    (tmp_path / name).symlink_to(target)
    with pytest.raises(StoreError, match="is a symbolic link"):
        Store(tmp_path / "episodes.db")
    assert target.read_bytes() == b"keep me"


def test_the_stores_copy_is_never_written_through_a_link(tmp_path: Path) -> None:
    target = tmp_path / "precious.bin"
    target.write_bytes(b"keep me")
    with Store(tmp_path / "episodes.db") as store:
        (tmp_path / "episodes.db.bak.tmp").symlink_to(target)
        store.db.execute("INSERT INTO meta VALUES ('x', 'y')")
        store.backup()
    assert target.read_bytes() == b"keep me"
    assert not os.path.islink(tmp_path / "episodes.db.bak")
