"""Where the scheduler commits and counts: a stopped commit comes after its outcome is counted."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import UTC, datetime

import pytest


def test_a_ctrl_c_during_a_commit_comes_after_its_outcome_is_counted() -> None:
    """A Ctrl-C between an episode's commit and its outcome left it published and uncounted:
    'Interrupted (Ctrl-C): 1 episode(s) published' over a feed of 2. Here the commit itself
    is interrupted (the runner is a stand-in; the signal is real)."""
    from types import SimpleNamespace

    from podcast.batch.report import BatchReport, NoProgress
    from podcast.batch.schedule import BatchRun

    class Runner:
        def commit(self, rendered: object) -> object:
            os.kill(os.getpid(), signal.SIGINT)  # raised here at once, were it not held
            return SimpleNamespace(guid="g1", duration=1.0)

    report = BatchReport(started=datetime.now(UTC), jobs=1)
    run = BatchRun(Runner(), report, NoProgress(), 1, 0)  # type: ignore[arg-type]
    review = SimpleNamespace(coverage=None, counts={}, guessed=[])
    rendered = SimpleNamespace(review=review, cues=(), synthesized=0)
    plan = SimpleNamespace(article=SimpleNamespace(source="a.md", title="A"))
    # A batch has other threads (renderers, the pool's): the signal may reach any of them.
    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run.finish(plan, rendered, None, time.monotonic())  # type: ignore[arg-type]
    finally:
        done.set()
        other.join()
    assert run.committed == 1
    assert [(o.status, o.guid) for o in report.outcomes] == [("built", "g1")]
