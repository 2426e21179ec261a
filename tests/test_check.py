"""`audio-edition check`: clean on a real site, and each broken rule found by name."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import pytest
from mutagen.id3 import ID3

from podcast.publish.artwork import default_artwork
from tests.helpers import BuiltSite, invoke_cli

pytestmark = pytest.mark.e2e


def feed_edit(old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        path = site / "feed.xml"
        text = path.read_text(encoding="utf-8")
        assert re.search(old, text), old
        path.write_text(re.sub(old, new, text, count=count), encoding="utf-8")

    return edit


def only(site: Path, pattern: str) -> Path:
    (path,) = (site / "episodes").glob(pattern)
    return path


def duplicate_item(site: Path) -> None:
    path = site / "feed.xml"
    text = path.read_text(encoding="utf-8")
    item = re.search(r"<item>.*?</item>", text, re.S).group(0)
    path.write_text(
        text.replace(item, item + "\n" + item.replace(".mp3", "-copy.mp3")), encoding="utf-8"
    )


def id3_v24(site: Path) -> None:
    mp3 = only(site, "*.mp3")
    ID3(mp3).save(mp3, v2_version=4)


def untitled_chapter(site: Path) -> None:
    mp3 = only(site, "*.mp3")
    tags = ID3(mp3)
    chap = tags.getall("CHAP")[0]
    chap.sub_frames.delall("TIT2")
    tags.save(mp3, v2_version=3)


def quiet_mp3(site: Path) -> None:
    mp3 = only(site, "*.mp3")
    quiet = mp3.with_name("quiet.mp3")
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(mp3), "-af", "volume=-10dB",
         "-c:a", "libmp3lame", "-b:a", "64k", str(quiet)],
        check=True,
    )  # fmt: skip
    quiet.replace(mp3)
    feed_edit(r'length="\d+"', f'length="{mp3.stat().st_size}"')(site)


def small_artwork(site: Path) -> None:
    (site / "cover.png").write_bytes(default_artwork(600).data)


def broken_vtt(site: Path) -> None:
    only(site, "*.vtt").write_text(
        "WEBVTT\n\n1\n00:00:05.000 -> 00:00:01.000\nHello\n", encoding="utf-8"
    )


def long_vtt_line(site: Path) -> None:
    only(site, "*.vtt").write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n" + "x" * 80 + "\n", encoding="utf-8"
    )


def broken_chapters(site: Path) -> None:
    only(site, "*.chapters.json").write_text(
        json.dumps(
            {
                "version": "1.2.0",
                "chapters": [{"startTime": 5.0, "title": "B"}, {"startTime": 1.0, "title": ""}],
            }
        )
    )


MUTATIONS = {
    "item.enclosure.length": feed_edit(r'length="(\d+)"', 'length="1234"'),
    "item.guid.duplicate": duplicate_item,
    "channel.category": feed_edit(
        r'<itunes:category text="Daily News"/>', '<itunes:category text="Gossip"/>'
    ),
    "channel.explicit": feed_edit(
        r"<itunes:explicit>false</itunes:explicit>", "<itunes:explicit>no</itunes:explicit>"
    ),
    "item.enclosure.ascii": feed_edit(r'(enclosure url="[^"]*?)(\.mp3)', r"\1-é\2"),
    "channel.title": feed_edit(r"<title>The Audio Edition</title>", ""),
    "item.pubDate": feed_edit(r"<pubDate>[^<]+</pubDate>", "<pubDate>yesterday</pubDate>"),
    "item.duration": feed_edit(
        r"<itunes:duration>\d+</itunes:duration>", "<itunes:duration>1.5 minutes</itunes:duration>"
    ),
    "feed.xml": feed_edit(r"</channel>", "</chanel>"),
    "artwork": small_artwork,
    "mp3.id3.version": id3_v24,
    "mp3.chapters.title": untitled_chapter,
    "mp3.loudness": quiet_mp3,
    "transcript.vtt.timing": broken_vtt,
    "transcript.vtt.line": long_vtt_line,
    "chapters.order": broken_chapters,
    "chapters.title": broken_chapters,
}


@pytest.fixture
def site_copy(built_site: BuiltSite, tmp_path: Path) -> Path:
    work = tmp_path / "work"
    shutil.copytree(built_site.work, work, ignore=shutil.ignore_patterns("cache", "tmp"))
    return work


def test_the_built_site_passes(built_site: BuiltSite) -> None:
    result = invoke_cli("check", "--json", cwd=built_site.work)
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["ok"] and report["errors"] == 0 and report["warnings"] == 0
    assert report["checked"] == {"feeds": 1, "items": 1, "mp3": 1, "loudness": 1}


@pytest.mark.parametrize("rule", sorted(MUTATIONS))
def test_each_broken_rule_is_reported(site_copy: Path, rule: str) -> None:
    MUTATIONS[rule](site_copy / "site")
    result = invoke_cli("check", "--json", cwd=site_copy)
    assert result.returncode == 1, result.stdout
    report = json.loads(result.stdout)
    rules = {f["rule"] for f in report["findings"] if f["severity"] == "error"}
    assert rule in rules, report["findings"]


def test_human_report_names_rule_and_place(site_copy: Path) -> None:
    MUTATIONS["item.enclosure.length"](site_copy / "site")
    result = invoke_cli("check", "--no-audio", cwd=site_copy)
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if "item.enclosure.length" in line)
    assert (
        line.startswith("error")
        and "feed.xml · Harbour & ferry plan wins backing: length 1234 ≠ file size" in line
    )
    assert result.stdout.splitlines()[-1].endswith("1 error(s), 0 warning(s).")


def test_no_site_is_an_error(tmp_path: Path) -> None:
    result = invoke_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "site.feed" in result.stdout


def test_loudness_is_checked_against_the_configured_target(tmp_path: Path) -> None:
    """Issue 17's first bug: a newsroom at −19 LUFS got a loudness error on every MP3."""
    (tmp_path / "edition.toml").write_text("[audio]\nloudness = -19.0\ntrue_peak = -2.0\n")
    (tmp_path / "a.md").write_text(
        "# Quiet news\n\nThe council met on Tuesday about the harbour.\n"
    )
    assert invoke_cli("build", "a.md", cwd=tmp_path).returncode == 0
    result = invoke_cli("check", "--json", cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert result.returncode == 0, findings
    assert not [f for f in findings if f["rule"].startswith("mp3.")]
    (tmp_path / "edition.toml").write_text("[audio]\nloudness = -14.0\n")
    louder = invoke_cli("check", "--json", cwd=tmp_path)
    assert louder.returncode == 1
    (finding,) = [f for f in json.loads(louder.stdout)["findings"] if f["rule"] == "mp3.loudness"]
    assert "want -14 ± 1" in finding["message"]


def test_a_stuck_ffmpeg_does_not_hold_up_the_measurement(
    built_site: BuiltSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17's second bug: the loudness measurement waited on ffmpeg for ever."""
    import time

    from audio.errors import FFmpegFailed
    from audio.ffmpeg import ffmpeg_exe
    from audio.meter import measure

    stuck = tmp_path / "ffmpeg"
    stuck.write_text("#!/bin/sh\nsleep 600\n")
    stuck.chmod(0o755)
    monkeypatch.setenv("AUDIO_EDITION_FFMPEG", str(stuck))
    ffmpeg_exe.cache_clear()
    try:
        started = time.monotonic()
        with pytest.raises(FFmpegFailed, match="did not finish in 1 s"):
            measure(built_site.mp3, timeout=1.0)
        assert time.monotonic() - started < 10
    finally:
        ffmpeg_exe.cache_clear()


def test_check_reports_an_mp3_it_cannot_measure(built_site: BuiltSite, tmp_path: Path) -> None:
    broken = tmp_path / "ffmpeg"
    broken.write_text("#!/bin/sh\necho 'cannot decode' >&2\nexit 1\n")
    broken.chmod(0o755)
    site = tmp_path / "site"
    shutil.copytree(built_site.site, site)
    result = invoke_cli("check", "--site", str(site), "--json", cwd=tmp_path,
                     env={"AUDIO_EDITION_FFMPEG": str(broken)})  # fmt: skip
    assert result.returncode == 1, result.stderr
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "mp3.measure"]
    assert "cannot measure" in finding["message"] and "cannot decode" in finding["message"]
