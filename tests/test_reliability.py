"""Issue 15, tried as a hostile or unlucky operator would: nothing published is lost, one
article never sinks the night, and the tool stops when told to. Each test reproduces one
reported defect through the real CLI (a real process where signals or the store are involved)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest
from mutagen.id3 import ID3

from tests.helpers import assert_site_valid, invoke_cli, report_of, run_cli, write_articles

pytestmark = pytest.mark.e2e


def feed_guids(site: Path) -> list[str]:
    return [e.id for e in feedparser.parse((site / "feed.xml").read_bytes()).entries]


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def three_published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder whose site holds three episodes, built for real."""
    work = tmp_path_factory.mktemp("three")
    write_articles(work / "articles", 3)
    result = invoke_cli("batch", "articles", "-j", "1", cwd=work)
    assert result.returncode == 0, result.stderr
    return work


@pytest.fixture
def published(three_published: Path, tmp_path: Path) -> Path:
    target = tmp_path / "work"
    shutil.copytree(three_published, target, symlinks=True)
    return target


def _empty_store(work: Path) -> Path:
    (work / ".audio-edition" / "episodes.db").write_bytes(b"")
    for side in ("-wal", "-shm"):
        (work / ".audio-edition" / f"episodes.db{side}").unlink(missing_ok=True)
    return work


def _no_state(work: Path) -> Path:
    shutil.rmtree(work / ".audio-edition")
    return work


def _other_folder(work: Path) -> Path:
    other = work.parent / "elsewhere"
    other.mkdir()
    return other


LOST_STORES = {
    "empty store": _empty_store,
    "state deleted": _no_state,
    "another folder": _other_folder,
}


@pytest.mark.parametrize("case", sorted(LOST_STORES))
def test_a_lost_store_never_unlists_or_deletes_the_published_site(
    published: Path, case: str
) -> None:
    """Item 1: the feed lists episodes the store does not know: refuse, and change nothing."""
    site = published / "site"
    before = tree_digest(site)
    cwd = LOST_STORES[case](published)
    (cwd / "new.md").write_text("# A fourth story\n\nThe harbour opened today.\n")
    result = invoke_cli("build", "new.md", "--site", str(site), cwd=cwd)
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: the site {site} lists 3 episode(s) that the episode store ")
    assert "has no record of" in line and "audio-edition adopt" in line
    assert tree_digest(site) == before
    batch = run_cli("batch", str(published / "articles"), "--site", str(site), cwd=cwd)
    assert batch.returncode == 1 and "has no record of" in batch.stderr
    prune = invoke_cli("prune", "--older-than", "1h", "--site", str(site), cwd=cwd)
    assert prune.returncode == 1 and "has no record of" in prune.stderr
    assert tree_digest(site) == before


def test_adopt_takes_a_published_site_back_into_a_new_store(published: Path) -> None:
    """Item 1, the way forward: `adopt` rebuilds the store's records from the feed and files."""
    site = published / "site"
    guids = feed_guids(site)
    page_before = {p.name: p.read_text() for p in (site / "episodes").glob("*.html")}
    _no_state(published)
    adopted = invoke_cli("adopt", cwd=published)
    assert adopted.returncode == 0, adopted.stderr
    assert "Adopted 3 episode(s)" in adopted.stdout
    assert invoke_cli("adopt", cwd=published).stdout.startswith("Adopted 0 episode(s)")
    (published / "new.md").write_text("# A fourth story\n\nThe harbour opened today.\n")
    result = invoke_cli("build", "new.md", cwd=published)
    assert result.returncode == 0, result.stderr
    after = feed_guids(site)
    assert len(after) == 4 and set(guids) < set(after)
    assert_site_valid(published)
    # Adopted episodes keep their pages, transcripts and chapters (re-rendered from the records).
    for name, text in page_before.items():
        assert (site / "episodes" / name).read_text().count("<span data-start=") == text.count(
            "<span data-start="
        )
    # Their articles, built again, keep their guids (the store now knows them).
    again = invoke_cli("batch", "articles", "-j", "1", cwd=published)
    assert again.returncode == 0, again.stderr
    assert set(feed_guids(site)) == set(after)
    assert invoke_cli("check", "--no-audio", cwd=published).returncode == 0


def test_adopt_reaches_mp3s_another_tool_put_under_media(published: Path) -> None:
    """Issue 24, minor: a site whose MP3s are under media/ adopted 0 and exited 0, and the next
    build was refused with no way forward."""
    site = published / "site"
    (site / "media" / "2026").mkdir(parents=True)
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    for mp3 in (site / "episodes").glob("*.mp3"):
        mp3.rename(site / "media" / "2026" / mp3.name)
        feed = feed.replace(f"/episodes/{mp3.name}", f"/media/2026/{mp3.name}")
    (site / "feed.xml").write_text(feed, encoding="utf-8")
    _no_state(published)
    adopted = invoke_cli("adopt", cwd=published)
    assert adopted.returncode == 0, adopted.stderr
    assert "Adopted 3 episode(s)" in adopted.stdout
    (published / "new.md").write_text("# A fourth story\n\nThe harbour opened today.\n")
    result = invoke_cli("build", "new.md", cwd=published)
    assert result.returncode == 0, result.stderr
    assert len(feed_guids(site)) == 4
    assert invoke_cli("check", "--no-audio", cwd=published).returncode == 0


def test_adopt_that_cannot_reach_an_mp3_says_what_to_do(published: Path) -> None:
    site = published / "site"
    for mp3 in (site / "episodes").glob("*.mp3"):
        mp3.unlink()
    _no_state(published)
    adopted = invoke_cli("adopt", cwd=published)
    assert adopted.returncode == 1
    assert "Error: 3 episode(s) the feeds list were not adopted" in adopted.stderr
    assert "run adopt again, or publish this folder to a new --site" in adopted.stderr


def test_files_the_tool_has_no_record_of_are_never_deleted(published: Path) -> None:
    """Item 1: only files the tool itself published are removed as stale."""
    stranger = published / "site" / "episodes" / "interview-from-the-old-cms.mp3"
    stranger.write_bytes(b"ID3 not ours")
    story = published / "articles" / "story-0.txt"
    story.write_text(story.read_text().replace("was welcome", "was overdue"))
    before = set((published / "site" / "episodes").glob("story-number-0-*.mp3"))
    result = invoke_cli("batch", "articles", "-j", "1", cwd=published)
    assert result.returncode == 0, result.stderr
    assert stranger.is_file()
    # The replaced MP3 of story 0 (ours, recorded) did go.
    after = set((published / "site" / "episodes").glob("story-number-0-*.mp3"))
    assert len(after) == 1 and not after & before


def test_an_article_that_repeats_a_sentence_builds_with_two_jobs(tmp_path: Path) -> None:
    """Item 2: a sentence said twice in one batch was recorded as in flight with no future."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text("# T\n\nThe vote is tomorrow. The vote is tomorrow.\n")
    (tmp_path / "in" / "b.md").write_text(
        "---\ntitle: Front matter title\n---\n# Front matter title\n\nThe vote is tomorrow.\n"
    )
    result = run_cli("batch", "in", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 built, 0 unchanged, 0 failed")
    script = invoke_cli("script", "in/b.md", cwd=tmp_path).stdout
    assert script.count("Front matter title") == 1


DEEP_JSON = "[" * 100_000 + "]" * 100_000
RSS_CDATA_COMMENT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>G</title>
<item><title>Comment only</title><link>https://g.example/c</link>
<description><![CDATA[<!-- x -->]]></description>
<content:encoded><![CDATA[<p>The ferry runs again from Monday morning.</p>]]></content:encoded></item>
<item><title>Hostile links</title><link>javascript:alert(1)</link>
<content:encoded><![CDATA[<p>The bridge opens on Friday after repairs.</p>]]></content:encoded></item>
<item><title>File link</title><link>file:///etc/passwd</link>
<content:encoded><![CDATA[<p>The library opens on Sunday after repairs.</p>]]></content:encoded></item>
</channel></rss>
"""


def test_one_bad_article_never_aborts_the_batch(tmp_path: Path) -> None:
    """Items 3, 4 and 5 in one real batch: every bad article fails alone, links are cleaned,
    links out of the source folder are not followed; the rest is published, exit 3."""
    write_articles(tmp_path / "in", 1)
    (tmp_path / "in" / "deep.json").write_text(DEEP_JSON)
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret title\n\nThe password is swordfish.\n")
    (tmp_path / "in" / "zz.txt").symlink_to(secret)
    (tmp_path / "feed.rss").write_text(RSS_CDATA_COMMENT)
    (tmp_path / "today.jsonl").write_text(
        json.dumps({"title": "Year one", "body": "Text.", "published": "0001-01-01T00:00:00+14:00"})
        + "\n"
    )
    result = invoke_cli("batch", "in", "feed.rss", "today.jsonl", "-j", "1", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    report = report_of(tmp_path)
    reasons = {f["label"]: f["reason"] for f in report["failed"]}
    assert set(reasons) == {"in/deep.json", "in/zz.txt", "today.jsonl:1"}
    assert "nested too deeply" in reasons["in/deep.json"]
    assert "outside the source folder" in reasons["in/zz.txt"]
    assert "published" in reasons["today.jsonl:1"] and "out of range" in reasons["today.jsonl:1"]
    assert sorted(b["title"] for b in report["built"]) == [
        "Comment only", "File link", "Hostile links", "Story number 0 from the council"
    ]  # fmt: skip
    site = tmp_path / "site"
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.suffix in (".xml", ".html"))
    assert b"javascript:" not in everything and b"file:" not in everything
    assert b"swordfish" not in everything
    for mp3 in (site / "episodes").glob("*.mp3"):
        assert all(not f.url.startswith(("javascript", "file")) for f in ID3(mp3).getall("WOAS"))
    assert_site_valid(tmp_path)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _start_batch(work: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ}
    env.pop("AUDIO_EDITION_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "podcast", "batch", "articles", *args],
        cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _wait_for_workers(process: subprocess.Popen[str], count: int) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        children = _children(process.pid)
        if len(children) >= count:
            return children
        time.sleep(0.1)
    raise AssertionError("the batch started no worker processes")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_worker_processes_die_with_the_batch(tmp_path: Path, how: signal.Signals) -> None:
    """Item 6: pool workers and the resource tracker outlive a killed batch no more."""
    write_articles(tmp_path / "articles", 8)
    process = _start_batch(tmp_path, "--jobs", "2")
    children = _wait_for_workers(process, 3)  # two workers and the resource tracker
    time.sleep(1.0)
    process.send_signal(how)
    _, stderr = process.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(children), f"left running: {_alive(children)}"
    if how == signal.SIGTERM:  # stopped as Ctrl-C stops: cleaned up, and says so
        assert process.returncode == 143, stderr
        assert "Traceback" not in stderr
        assert not list((tmp_path / ".audio-edition" / "tmp").glob("build-*"))
    # (after SIGKILL a work folder may stay; the next run sweeps it: test_batch's SIGKILL test)
    assert_site_valid(tmp_path)


def test_ctrl_c_stops_the_batch_within_seconds_and_says_what_was_published(tmp_path: Path) -> None:
    """Item 7: SIGINT cancels the queue, drops what runs, and tells the truth."""
    write_articles(tmp_path / "articles", 12)
    process = _start_batch(tmp_path, "--jobs", "2")
    assert process.stderr is not None
    lines = []
    for line in process.stderr:
        lines.append(line)
        if "built:" in line:
            break
    process.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    rest, more = process.communicate(timeout=60)
    waited = time.monotonic() - interrupted
    stderr = "".join(lines) + more
    assert process.returncode == 130, stderr
    assert waited < 10, f"took {waited:.1f} s to stop"
    published = len(feed_guids(tmp_path / "site"))
    assert 1 <= published < 12
    assert (
        f"Interrupted (Ctrl-C): {published} episode(s) published before the interruption" in stderr
    )
    assert "nothing published was changed" not in stderr
    assert not list((tmp_path / ".audio-edition" / "tmp").glob("build-*"))
    assert_site_valid(tmp_path)
    report = report_of(tmp_path)
    assert report["interrupted"] is True and report["counts"]["built"] == published
    again = run_cli("batch", "articles", "-j", "2", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"{12 - published} built, {published} unchanged, 0 failed")


def test_a_damaged_store_is_one_line_with_what_to_do(published: Path) -> None:
    """Item 9: a store damaged in the middle is named, and the copy of the last good run offered."""
    store = published / ".audio-edition" / "episodes.db"
    assert (published / ".audio-edition" / "episodes.db.bak").is_file()
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(store.read_bytes())
    page = 4096
    middle = len(data) // page // 2 * page
    data[middle : middle + page] = os.urandom(page)
    store.write_bytes(bytes(data))
    result = invoke_cli("build", "articles/story-1.txt", "--force", cwd=published)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: the episode store {store.resolve()} is damaged")
    assert "episodes.db.bak" in line
    shutil.copy(published / ".audio-edition" / "episodes.db.bak", store)
    assert invoke_cli("batch", "articles", "-j", "1", cwd=published).returncode == 0


def test_batch_checks_the_site_is_writable_before_making_audio(tmp_path: Path) -> None:
    """Minor: a batch into a site it cannot write fails before any synthesis."""
    write_articles(tmp_path / "articles", 1)
    result = run_cli("batch", "articles", "--site", "/proc/audio-edition-site", cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot write to the site /proc/audio-edition-site" in result.stderr
    assert not list((tmp_path / ".audio-edition" / "cache").rglob("*.pcm"))


def test_build_into_a_closed_pipe_is_still_a_success(published: Path) -> None:
    """Minor: `build … | head -1` after a successful build is not an error."""
    result = subprocess.run(
        f"{sys.executable} -m podcast build articles/story-0.txt articles/story-1.txt | head -c 1;"
        " exit ${PIPESTATUS[0]}",
        shell=True, executable="/bin/bash", cwd=published, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Broken pipe" not in result.stderr
