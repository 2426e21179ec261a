"""Bad input, hostile content and faults: a one-line error, a non-zero exit, and nothing published lost."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from mutagen.id3 import ID3

from tests.helpers import SHORT_HTML, BuiltSite, add_voice, invoke_cli, run_cli

pytestmark = pytest.mark.e2e


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def work(built_site: BuiltSite, tmp_path: Path) -> Path:
    """A copy of the end-to-end working folder: a published site to keep safe."""
    target = tmp_path / "work"
    shutil.copytree(built_site.work, target)
    return target


def _write(name: str, data: bytes | str) -> Callable[[Path], list[str]]:
    def make(work: Path) -> list[str]:
        path = work / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return ["build", name]

    return make


def corrupt_voice(work: Path) -> list[str]:
    add_voice(work, "en_US-broken-medium", model=b"not an onnx model" * 100)
    return ["build", "harbour.html", "--force", "--voice", "en_US-broken-medium"]


def voice_without_model(work: Path) -> list[str]:
    add_voice(work, "en_US-half-medium", with_model=False)
    return ["build", "harbour.html", "--force", "--voice", "en_US-half-medium"]


def bad_config(work: Path) -> list[str]:
    (work / "edition.toml").write_text('[show]\ntitle = "x"\n\n[audio]\nbitrate = = 3\n')
    return ["build", "harbour.html", "--force"]


BAD_INPUTS: dict[str, tuple[Callable[[Path], list[str]], str, dict[str, str]]] = {
    "missing file": (lambda w: ["build", "nope.html"], "article not found: nope.html", {}),
    "empty file": (_write("empty.txt", "\n \n"), "empty.txt is empty", {}),
    "binary file": (_write("photo.txt", b"\xff\xd8\xff\xe0\0\x10JFIF\0" * 50), "photo.txt is not a text file", {}),
    "html without an article": (_write("nav.html", "<html><body><nav><a href='/'>Home</a></nav><footer>© 2026</footer></body></html>"),
                                "nav.html has no article text", {}),
    "5 MB article": (_write("huge.txt", "A huge article\n\n" + ("Word after word in a very long story. " * 140_000)),
                     "words; the limit is 60000 (about six hours of audio)", {}),
    "malformed json": (_write("bad.json", '{"title": "T", "body": '), "bad.json is not valid JSON: Expecting value: line 1 column 24 (char 23)", {}),
    "malformed config": (bad_config, "edition.toml: Invalid value (at line 5, column 11)", {}),
    "corrupt voice file": (corrupt_voice, "cannot load voice en_US-broken-medium:", {}),
    "voice without its model": (voice_without_model, "unknown voice 'en_US-half-medium'; available: en_US-joe-medium", {}),
    "missing ffmpeg": (lambda w: ["build", "harbour.html", "--force"], "AUDIO_EDITION_FFMPEG=/nonexistent/ffmpeg is not an executable file",
                       {"AUDIO_EDITION_FFMPEG": "/nonexistent/ffmpeg"}),
    "unwritable site": (lambda w: ["build", "harbour.html", "--force", "--site", "/proc/audio-edition-site"],
                        "cannot write to the site /proc/audio-edition-site:", {}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_one_line_error_and_site_unchanged(work: Path, case: str) -> None:
    make, message, env = BAD_INPUTS[case]
    before = tree_digest(work / "site")
    result = invoke_cli(*make(work), cwd=work, env=env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and message in lines[0], lines[0]
    assert tree_digest(work / "site") == before


def test_full_disk_while_writing_the_audio(work: Path) -> None:
    """A file-size limit makes every write past 200 kB fail, as a full disk would."""
    before = tree_digest(work / "site")
    limit = 200_000
    env = {**os.environ}
    env.pop("AUDIO_EDITION_CONFIG", None)
    result = subprocess.run(
        [sys.executable, "-m", "podcast", "build", "harbour.html", "--force"],
        cwd=work, env=env, capture_output=True, text=True, timeout=300,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: "), (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert tree_digest(work / "site") == before
    assert (
        invoke_cli("build", "harbour.html", "--force", cwd=work).returncode == 0
    )  # space again: it works


def test_legacy_encodings_are_decoded(tmp_path: Path) -> None:
    text = "Caf\u00e9 owners \u201cdelighted\u201d\n\nThe caf\u00e9 on the na\u00efve corner reopened on Monday, its owners said.\n"
    (tmp_path / "a.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "b.html").write_bytes(
        ('<html><head><meta charset="iso-8859-1"><title>Caf\u00e9</title></head><body><article>'
         "<h1>Caf\u00e9 reopens</h1><p>" + "The caf\u00e9 reopened on Monday after a long winter. " * 4 + "</p></article></body></html>").encode("latin-1")
    )  # fmt: skip
    first = invoke_cli("script", "a.txt", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Caf\u00e9 owners \u201cdelighted\u201d" in first.stdout and "na\u00efve" in first.stdout
    second = invoke_cli("script", "b.html", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "The caf\u00e9 reopened" in second.stdout


def test_one_5000_character_sentence_is_split_for_the_voice(tmp_path: Path) -> None:
    sentence = (
        ", ".join(
            f"the committee heard from witness number {n} about the budget" for n in range(100)
        )
        + "."
    )
    assert len(sentence) > 5000
    (tmp_path / "long.txt").write_text("A long sentence\n\n" + sentence)
    result = invoke_cli("script", "long.txt", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    body = [
        s
        for p in json.loads(result.stdout)["paragraphs"]
        if p["kind"] == "body"
        for s in p["sentences"]
    ]
    assert len(body) > 15 and all(len(s["spoken"]) <= 400 for s in body)


def test_control_characters_and_emoji(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Bells \u0007 and \u001b[31m colours \U0001f389\n\nThe town cheered \U0001f44f\U0001f3fd at \u0001last\u0085.\n"
    )
    result = invoke_cli("script", "a.txt", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    sentences = [s for p in data["paragraphs"] for s in p["sentences"]]
    assert not any(
        ch in s["text"] + s["spoken"] for s in sentences for ch in "\u0007\u001b\u0001\u0085"
    )
    assert not any("\U0001f44f" in s["spoken"] or "\U0001f389" in s["spoken"] for s in sentences)
    assert any(
        "\U0001f44f" in s["text"] for s in sentences
    )  # the transcript keeps what was written


HOSTILE = {
    "title": '<script>alert("t")</script> ]]> & ../../etc/passwd \u202e\u05e9\u05dc\u05d5\u05dd',
    "author": '<img src=x onerror=alert(1)> "Bobby" Tables',
    "url": "javascript:alert(document.cookie)",
    "image": "file:///etc/passwd",
    "summary": "</description><evil/> & <b>bold</b>",
    "categories": ["../../x", "<i>News</i>"],
    "body": "A body with <script>alert('b')</script> and --> arrows & ampersands.\n\nSecond paragraph here.",
}


def test_hostile_article_is_inert_everywhere_and_stays_in_the_site(tmp_path: Path) -> None:
    (tmp_path / "evil.json").write_text(json.dumps(HOSTILE))
    result = invoke_cli("build", "evil.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    outside = {p for p in tmp_path.rglob("*") if p.is_file()} - set((tmp_path / "site").rglob("*"))
    assert all(
        p.is_relative_to(tmp_path / ".audio-edition") or p == tmp_path / "evil.json"
        for p in outside
    )
    site = tmp_path / "site"
    feed = (site / "feed.xml").read_bytes()
    assert feedparser.parse(feed).bozo == 0
    assert b"<script>" not in feed and b"<evil/>" not in feed and b"javascript:" not in feed
    for page in [site / "index.html", *site.glob("episodes/*.html")]:
        html = page.read_text(encoding="utf-8")
        assert (
            "<script>alert" not in html and "<img src=x" not in html and "javascript:" not in html
        )
        assert "file:///" not in html
    vtt = next(site.glob("episodes/*.vtt")).read_text(encoding="utf-8")
    assert "<script>" not in vtt and "&lt;script&gt;" in vtt
    assert vtt.count("-->") == len(
        [line for line in vtt.splitlines() if " --> " in line and line[0].isdigit()]
    )
    tags = ID3(next(site.glob("episodes/*.mp3")))
    assert str(tags["TIT2"]) == " ".join(HOSTILE["title"].split())  # stored as text, not markup
    assert not tags.getall("WOAS")  # the javascript: link was dropped
    assert invoke_cli("check", "--no-audio", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("point", ["synthesis", "encoding", "commit", "feed"])
def test_sigkill_at_each_fault_point_loses_nothing(work: Path, point: str) -> None:
    article = work / "harbour.html"
    article.write_text(
        SHORT_HTML.replace("The vote was 9-2.", "The vote was 8-3."), encoding="utf-8"
    )
    before = tree_digest(work / "site")
    killed = run_cli("build", "harbour.html", cwd=work, env={"AUDIO_EDITION_FAULT": point})
    assert killed.returncode == -9, killed.stderr
    state = work / ".audio-edition"
    half_written = state / "pieces" / ".tmp-killed"  # as a kill between write and rename leaves
    half_written.parent.mkdir(exist_ok=True)
    half_written.write_bytes(b"half")
    if point in ("synthesis", "encoding"):
        assert list((state / "tmp").glob("build-*"))  # the killed build's work folder
    after = tree_digest(work / "site")
    if point in ("synthesis", "encoding"):
        assert after == before  # nothing reached the site
    check = invoke_cli("check", cwd=work)
    assert check.returncode == 0, check.stdout
    rerun = invoke_cli("build", "harbour.html", cwd=work)
    assert rerun.returncode == 0, rerun.stderr
    # the next run, holding the folder's lock, clears what the killed one left behind
    assert not list((state / "tmp").glob("build-*")) and not half_written.exists()
    assert invoke_cli("check", "--no-audio", cwd=work).returncode == 0
    entries = feedparser.parse((work / "site" / "feed.xml").read_bytes()).entries
    assert len(entries) == 1
    vtt = next((work / "site" / "episodes").glob("*.vtt")).read_text(encoding="utf-8")
    assert "The vote was 8-3." in vtt


def test_corrupted_cache_entry_is_detected_and_regenerated(work: Path) -> None:
    entries = sorted((work / ".audio-edition" / "cache").rglob("*.pcm"))
    victim = entries[0]
    data = bytearray(victim.read_bytes())
    # inverted, not zeroed: a sentence often ends in exact silence, which zeroing leaves as it was
    data[-100:] = bytes(b ^ 0xFF for b in data[-100:])
    victim.write_bytes(bytes(data))
    result = invoke_cli("-v", "build", "harbour.html", "--force", cwd=work)
    assert result.returncode == 0, result.stderr
    assert f"discarding corrupt cache entry {victim}" in result.stderr
    assert "(1 synthesised)" in result.stderr
    assert victim.read_bytes() != bytes(data)
    assert invoke_cli("check", cwd=work).returncode == 0


def test_cache_entries_that_are_folders_are_garbage_not_the_articles_failure(work: Path) -> None:
    """Issue 24, minor: a cache entry that was a directory failed the article on every run."""
    state = work / ".audio-edition"
    victims = sorted((state / "cache").rglob("*.pcm"))[:2] + sorted((state / "pieces").glob("*"))
    for victim in victims:
        victim.unlink()
        victim.mkdir()
        (victim / "inside").write_text("x")
    for _ in range(2):  # and the next run again
        result = invoke_cli("build", "harbour.html", "--force", cwd=work)
        assert result.returncode == 0, result.stderr
    assert all(victim.is_file() for victim in victims[:2])  # said again, and kept again
    assert invoke_cli("check", cwd=work).returncode == 0


def test_a_read_only_store_is_one_line_before_any_audio_is_made(work: Path) -> None:
    """Issue 24, minor: a read-only store gave an sqlite3.OperationalError traceback after the
    audio was made. The store is made read-only by a bind mount in a mount namespace of its own
    (root ignores file modes), as a read-only disk would be."""
    store = work / ".audio-edition" / "episodes.db"
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    if probe.returncode != 0 or not shutil.which("unshare"):
        pytest.skip("needs unshare -m (a mount namespace) to make the store read-only")
    before = tree_digest(work / "site")
    (work / "other.json").write_text('{"title": "Another story", "body": "Never made."}')
    script = (
        f'mount --bind "{store}" "{store}" && mount -o remount,bind,ro "{store}" && '
        f'exec "{sys.executable}" -m podcast build other.json'
    )
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=work, capture_output=True,
                            text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot write to the episode store {store}: attempt to write a readonly database"
    ]
    assert tree_digest(work / "site") == before


def test_store_from_an_older_schema_is_migrated(work: Path) -> None:
    store = work / ".audio-edition" / "episodes.db"
    with sqlite3.connect(store) as db:
        # Back to the first schema: the later columns and their migration records gone.
        db.execute("DELETE FROM migrations WHERE name != '0001_episodes'")
        db.execute("DROP TABLE site_files")
        db.execute("DROP TABLE meta")
        db.execute("DROP TABLE site_paragraphs")
        for table in ("jobs", "outbox", "watched_feeds", "watched_items", "stale_files", "listens"):
            db.execute(f"DROP TABLE {table}")
        db.execute("DROP INDEX episodes_updated")
        db.execute("DROP INDEX episodes_series_added")
        db.execute("DROP INDEX episodes_series_newest")
        for column in (
            "srt",
            "cues",
            "marks",
            "sentence_keys",
            "piece_keys",
            "gain",
            "input_lufs",
            "review",
            "image",
            "series",
            "bitrate",
            "audio_start",
        ):
            db.execute(f"ALTER TABLE episodes DROP COLUMN {column}")
    result = invoke_cli("build", "harbour.html", cwd=work)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(store) as db:
        names = [r[0] for r in db.execute("SELECT name FROM migrations ORDER BY name")]
        assert names == [
            "0001_episodes",
            "0002_transcripts_in_store",
            "0003_sentence_keys",
            "0004_mp3_pieces",
            "0005_site_files",
            "0006_review",
            "0007_episode_image",
            "0008_series",
            "0009_meta",
            "0010_site_paragraphs",
            "0011_jobs",
            "0012_outbox",
            "0013_watch",
            "0014_publishing",
            "0015_listening",
        ]
        assert db.execute("SELECT count(*) FROM episodes").fetchone() == (1,)
    assert invoke_cli("check", "--no-audio", cwd=work).returncode == 0
