"""The nightly batch, for real: sources, skipping, failures, the report, the lock, SIGKILL, prune."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from audio.atomic import TEMP_PREFIX
from podcast.core.store import Store
from tests.helpers import (
    assert_site_valid,
    hold_lock,
    invoke_cli,
    report_of,
    run_cli,
    write_articles,
)

pytestmark = pytest.mark.e2e


def test_folder_batch_skips_unchanged_and_rebuilds_only_the_edit(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 3)
    first = run_cli("batch", "articles", "--jobs", "2", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("3 built, 0 unchanged, 0 failed")
    report = report_of(tmp_path)
    assert report["counts"] == {"built": 3, "skipped": 0, "failed": 0}
    # Each article says its title and two sentences of its own, plus the disclosure and
    # the outro, which are the same in every episode: those two are synthesised once.
    assert sum(b["sentences"] for b in report["built"]) == 3 * 5
    assert sum(b["synthesized"] for b in report["built"]) == 3 * 3 + 2
    again = run_cli("batch", "articles", cwd=tmp_path)
    assert again.returncode == 0
    assert again.stdout.startswith("0 built, 3 unchanged, 0 failed")
    story = tmp_path / "articles" / "story-1.txt"
    story.write_text(story.read_text().replace("was welcome", "was overdue"))
    edited = invoke_cli("batch", "articles", "--jobs", "1", cwd=tmp_path)
    assert edited.stdout.startswith("1 built, 2 unchanged, 0 failed")
    (built,) = report_of(tmp_path)["built"]
    assert built["synthesized"] == 1
    assert invoke_cli("check", "--no-audio", cwd=tmp_path).returncode == 0


def test_bad_articles_are_reported_and_the_rest_published(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 1)
    (tmp_path / "articles" / "empty.txt").write_text("")
    (tmp_path / "articles" / "bad.json").write_text("{nope")
    (tmp_path / "articles" / "german.json").write_text(json.dumps({
        "title": "Rente", "language": "de", "body": "Die Rente steigt im Juli um fünf Prozent für alle."}))  # fmt: skip
    result = invoke_cli("batch", "articles", "-j", "1", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    report = report_of(tmp_path)
    assert report["exit_status"] == 3
    reasons = {Path(f["label"]).name: f["reason"] for f in report["failed"]}
    assert set(reasons) == {"empty.txt", "bad.json", "german.json"}
    assert "is empty" in reasons["empty.txt"]
    assert "not valid JSON" in reasons["bad.json"]
    assert "no installed voice speaks it" in reasons["german.json"]
    assert all(f["seconds"] >= 0 for f in report["failed"])
    assert len(report["built"]) == 1 and report["built"][0]["seconds"] > 0
    assert "failed: articles/bad.json" in result.stderr


def test_nothing_could_be_done_exits_1(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "bad.json").write_text("{nope")
    result = run_cli("batch", "articles", "missing-folder", cwd=tmp_path)
    assert result.returncode == 1
    assert "Error: source not found: missing-folder" in result.stderr


def test_jsonl_manifest_isolates_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "First from manifest", "body": "A first short story about the harbour.", "url": "https://x.example/1"}),
        "{not json",
        json.dumps({"title": "No body"}),
        json.dumps({"title": "Second from manifest", "body": "A second short story about the bridge.", "categories": ["Local"]}),
    ]  # fmt: skip
    (tmp_path / "today.jsonl").write_text("\n".join(lines) + "\n")
    result = invoke_cli("batch", "today.jsonl", "-j", "1", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    report = report_of(tmp_path)
    assert [b["title"] for b in report["built"]] == ["First from manifest", "Second from manifest"]
    assert sorted(f["label"] for f in report["failed"]) == ["today.jsonl:2", "today.jsonl:3"]


def test_one_batch_at_a_time(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 1)
    state = tmp_path / ".audio-edition"
    state.mkdir()
    holder = hold_lock(state, seconds=3)
    try:
        busy = run_cli("batch", "articles", cwd=tmp_path)
        assert busy.returncode == 1
        assert (
            busy.stderr
            == f"Error: {state} is in use by process {holder.pid}; wait for it to finish or use --wait\n"
        )
        waited = invoke_cli("batch", "articles", "--wait", "-j", "1", cwd=tmp_path)
        assert waited.returncode == 0, waited.stderr
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_a_stale_lock_from_a_killed_process_is_recovered(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 1)
    state = tmp_path / ".audio-edition"
    state.mkdir()
    holder = hold_lock(state, seconds=60)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    assert (state / "lock").read_text().startswith("process ")  # left behind, and harmless
    assert invoke_cli("batch", "articles", "-j", "1", cwd=tmp_path).returncode == 0


def _committed(tmp_path: Path) -> int:
    """How many episodes the store holds (read-only, while a batch may be writing it)."""
    store = tmp_path / ".audio-edition" / "episodes.db"
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM episodes").fetchone()[0])
    except sqlite3.Error:  # not created yet, or mid-migration
        return 0


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], bound: float) -> None:
    """Wait for a state (never a fixed time): until ``ready()``, the process ends, or ``bound``."""
    deadline = time.monotonic() + bound
    while not ready() and process.poll() is None:
        assert time.monotonic() < deadline, "the batch reached no checkpoint"
        time.sleep(0.02)


def test_sigkill_at_any_moment_leaves_a_valid_site_and_the_next_run_resumes(tmp_path: Path) -> None:
    """SIGKILL at checkpoints, not after fixed delays (which a busy machine outran: issue 26):
    as soon as the run holds its lock, then as soon as each run has committed one more
    episode (with publish_every = 1, that is while it publishes it)."""
    write_articles(tmp_path / "articles", 6)
    env = {**os.environ}
    env.pop("AUDIO_EDITION_CONFIG", None)
    (tmp_path / "edition.toml").write_text("[batch]\npublish_every = 1\n")
    lock = tmp_path / ".audio-edition" / "lock"
    for round_ in range(6):
        before = _committed(tmp_path)
        process = subprocess.Popen(
            [sys.executable, "-m", "podcast", "-q", "batch", "articles", "--jobs", "2"],
            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        if round_ == 0:
            _wait_until(lock.exists, process, 120)
        else:
            _wait_until(lambda before=before: _committed(tmp_path) > before, process, 300)
        os.killpg(process.pid, signal.SIGKILL)  # the batch and its worker processes, mid-work
        process.wait()
        assert_site_valid(tmp_path)
        if process.returncode == 0:
            break  # it finished before the kill
    final = run_cli("batch", "articles", cwd=tmp_path)
    assert final.returncode == 0, final.stderr
    assert_site_valid(tmp_path)
    counts = report_of(tmp_path)["counts"]
    assert counts["built"] + counts["skipped"] == 6
    assert counts["skipped"] >= 1, f"earlier runs finished nothing: {report_of(tmp_path)}"
    assert not list((tmp_path / "site").rglob(TEMP_PREFIX + "*"))
    assert len(feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes()).entries) == 6
    assert invoke_cli("check", "--no-audio", cwd=tmp_path).returncode == 0


def test_prune_removes_old_episodes_their_files_and_unused_cache(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": f"Story {n}", "body": f"Short story number {n} about the town.",
                    "published": (datetime.now(UTC) - timedelta(days=age)).isoformat()})
        for n, age in enumerate((200, 100, 1))
    ]  # fmt: skip
    (tmp_path / "m.jsonl").write_text("\n".join(lines))
    assert invoke_cli("batch", "m.jsonl", "-j", "1", cwd=tmp_path).returncode == 0
    mp3s_before = set((tmp_path / "site" / "episodes").glob("*.mp3"))
    cache = tmp_path / ".audio-edition" / "cache"
    entries_before = len(list(cache.rglob("*.pcm")))
    with Store(tmp_path / ".audio-edition" / "episodes.db") as store:
        pieces = {e.title: set(e.piece_keys) for e in store.episodes()}
        # Retention counts from an episode's first publication here: make two of them old.
        for episode in store.episodes():
            store.db.execute(
                "UPDATE episodes SET created = ? WHERE key = ?",
                (episode.published.isoformat(), episode.key),
            )
    pieces_folder = tmp_path / ".audio-edition" / "pieces"
    assert {p.stem for p in pieces_folder.glob("*.json")} == set().union(*pieces.values())
    old_pieces = (pieces["Story 0"] | pieces["Story 1"]) - pieces["Story 2"]
    dry = invoke_cli("prune", "--older-than", "90d", "--dry-run", cwd=tmp_path)
    # Each old story had two sentences of its own (title, body); the disclosure and outro stay.
    # Its MP3 pieces and their loudness go too.
    assert dry.returncode == 0
    assert (
        f"Would remove 2 episode(s) and {4 + len(old_pieces)} unused cache entries." in dry.stdout
    )
    assert set((tmp_path / "site" / "episodes").glob("*.mp3")) == mp3s_before
    result = invoke_cli("prune", "--older-than", "90d", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Removed 2 episode(s)" in result.stdout
    parsed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert [e.title for e in parsed.entries] == ["Story 2"]
    assert len(list((tmp_path / "site" / "episodes").glob("*.mp3"))) == 1
    assert len(list(cache.rglob("*.pcm"))) == entries_before - 4
    assert {p.stem for p in pieces_folder.glob("*.json")} == pieces["Story 2"]
    assert {p.stem for p in pieces_folder.glob("*.mp3")} < pieces["Story 2"]
    assert invoke_cli("check", "--no-audio", cwd=tmp_path).returncode == 0
    bad = invoke_cli("prune", cwd=tmp_path)
    assert bad.returncode == 1 and "say how old" in bad.stderr


def test_a_full_site_disk_fails_the_unpublished_episode_and_keeps_the_report(
    tmp_path: Path,
) -> None:
    """Issue 24, minor: with the site's disk full, '[3/8] built' was printed for an episode the
    feed never got, the exit status was 1, not 3, and no report was written. The disk fills as
    the third feed is written (the fault point raises ENOSPC there and after)."""
    write_articles(tmp_path / "articles", 3)
    (tmp_path / "edition.toml").write_text("[batch]\npublish_every = 1\n")
    result = run_cli("batch", "articles", "-j", "1", cwd=tmp_path,
                     env={"AUDIO_EDITION_FAULT": "feed:enospc:3"})  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert "Error: cannot publish: cannot write the site in " in result.stderr
    assert result.stderr.rstrip().endswith("site: No space left on device")
    assert "2 built, 0 unchanged, 1 failed" in result.stdout
    report = report_of(tmp_path)
    assert report["exit_status"] == 3 and report["counts"]["failed"] == 1
    (failed,) = report["failed"]
    assert (
        "built, but not published" in failed["reason"]
        and "the next run publishes it" in failed["reason"]
    )
    assert len(feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes()).entries) == 2
    assert_site_valid(tmp_path)
    again = run_cli("batch", "articles", "-j", "1", cwd=tmp_path)  # space again
    assert again.returncode == 0, again.stderr
    assert len(feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes()).entries) == 3
