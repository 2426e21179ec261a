"""The one lifecycle of the use cases: lock → store → signals → work → publish → backup."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from podcast.app.lifecycle import Stopped, Terminated, session, stop_status
from podcast.core.config import load_settings
from podcast.core.lock import Busy
from podcast.core.settings import Settings
from tests.helpers import hold_lock


def settings_in(folder: Path) -> Settings:
    return load_settings(environ={}, cwd=folder)


def test_the_lock_comes_before_the_store(tmp_path: Path) -> None:
    """build and briefing opened (and so migrated) the store before they took the lock: a
    second run changed a store another run was using before it was refused."""
    settings = settings_in(tmp_path)
    settings.state.mkdir(parents=True)
    holder = hold_lock(settings.state, seconds=30)
    try:
        with pytest.raises(Busy), session(settings):
            pytest.fail("the work ran without the lock")
        assert not settings.folders.store.exists()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_work_that_fails_having_made_nothing_leaves_the_site_as_it_was(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    with pytest.raises(RuntimeError), session(settings):
        raise RuntimeError("a bad article")
    assert not settings.site.exists() or not any(settings.site.iterdir())
    assert not (settings.folders.store.parent / "episodes.db.bak").exists()


def test_work_that_ends_well_publishes_what_the_store_holds_and_backs_it_up(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    with session(settings) as here:
        assert here.made == 0
    assert (settings.site / "feed.xml").is_file()  # the store holds what no feed shows yet
    assert (settings.state / "episodes.db.bak").is_file()


@pytest.mark.parametrize(("stop", "status"), [(KeyboardInterrupt(), 130), (Terminated(), 143)])
def test_a_stop_leaves_as_stopped_with_what_was_published(
    tmp_path: Path, stop: KeyboardInterrupt, status: int
) -> None:
    settings = settings_in(tmp_path)
    with pytest.raises(Stopped) as caught, session(settings, publish=False):
        raise stop
    assert caught.value.published == 0 and caught.value.status == status
    assert stop_status(caught.value) == status


def test_sigterm_inside_the_work_stops_it_as_ctrl_c_does(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Stopped) as caught, session(settings, publish=False):
        signal.raise_signal(signal.SIGTERM)
    assert caught.value.by == "SIGTERM"
    assert signal.getsignal(signal.SIGTERM) == before
