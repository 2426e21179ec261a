"""Files never half-written (audio.atomic), and the sentence cache's one entry format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


def test_the_sentence_cache_keeps_what_workers_send_as_it_keeps_samples(tmp_path: Path) -> None:
    """Audio from a worker (bytes) and from this process (samples) are one entry format."""

    from voices.cache import SentenceCache

    cache = SentenceCache(tmp_path)
    samples = np.array([0, 1, -1, 32767, -32768], dtype=np.int16)
    cache.put_pcm("a" * 64, samples.astype("<i2").tobytes())
    cache.put("b" * 64, samples)
    assert cache.get_pcm("b" * 64) == cache.get_pcm("a" * 64) == samples.astype("<i2").tobytes()
    assert np.array_equal(cache.get("a" * 64), samples)
    with pytest.raises(ValueError):
        cache.put_pcm("c" * 64, b"\x00")
    assert cache.get_pcm("d" * 64) is None and cache.misses == 1


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    from audio.atomic import TEMP_PREFIX, write_bytes, write_text

    target = tmp_path / "deep" / "feed.xml"
    write_text(target, "first")
    write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert not list(target.parent.glob(TEMP_PREFIX + "*"))


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(tmp_path: Path) -> None:
    from audio.atomic import TEMP_PREFIX, replacing

    target = tmp_path / "episodes.db.bak"
    target.write_text("old")
    with pytest.raises(RuntimeError), replacing(target) as temporary:
        temporary.write_text("half")
        raise RuntimeError("killed half-way")
    assert target.read_text() == "old"
    assert not list(tmp_path.glob(TEMP_PREFIX + "*"))


def test_a_link_or_folder_at_the_name_is_replaced_never_written_through(tmp_path: Path) -> None:
    from audio.atomic import write_bytes

    outside = tmp_path / "outside"
    outside.write_text("keep")
    link = tmp_path / "entry"
    link.symlink_to(outside)
    write_bytes(link, b"new")
    assert outside.read_text() == "keep" and not link.is_symlink() and link.read_bytes() == b"new"
    folder = tmp_path / "folder-entry"
    (folder / "inside").mkdir(parents=True)
    write_bytes(folder, b"file")
    assert folder.is_file() and folder.read_bytes() == b"file"


def test_every_writer_names_its_temporary_so_one_sweep_finds_it(tmp_path: Path) -> None:
    """What each writer of the three packages leaves when it is killed between write and rename
    carries the one prefix, and the state folder's sweep removes all of it (and nothing else)."""
    from audio.atomic import TEMP_PREFIX, replacing
    from audio.piececache import PieceCache
    from podcast.core.state import StateFolder
    from voices.cache import SentenceCache

    state = StateFolder(tmp_path / "state")
    left: list[Path] = []

    class Killed(BaseException):
        pass

    def killed_inside(target: Path) -> None:
        import audio.atomic

        real = audio.atomic.os.replace

        def die(src: object, dst: object) -> None:
            left.append(Path(str(src)))
            raise Killed

        audio.atomic.os.replace = die  # type: ignore[assignment]
        try:
            with pytest.raises(Killed), replacing(target) as temporary:
                temporary.write_bytes(b"x")
        finally:
            audio.atomic.os.replace = real
        # a killed process never reaches its clean-up: put the temporary back as it was left
        left[-1].write_bytes(b"x")

    SentenceCache(state.sentences).put_pcm("a" * 64, b"\x00\x00")
    PieceCache(state.pieces)._write(state.pieces / "k.json", b"{}")
    for target in (state.sentences / "ab" / ("b" * 64), state.pieces / "k2.json", state.store):
        killed_inside(target)
    assert all(path.name.startswith(TEMP_PREFIX) and path.is_file() for path in left)
    assert state.sweep_leftovers() == len(left)
    assert not any(path.exists() for path in left)
    assert SentenceCache(state.sentences).get_pcm("a" * 64) == b"\x00\x00"
    assert (state.pieces / "k.json").read_bytes() == b"{}"
