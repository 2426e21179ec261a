"""ID3v2.3 tags and chapters, read back with mutagen."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import imageio_ffmpeg
import pytest
from mutagen.id3 import ID3, CTOCFlags

from audio.errors import TagError
from audio.tags import Chapter, EpisodeTags, write_tags


@pytest.fixture
def mp3(tmp_path: Path) -> Path:
    path = tmp_path / "t.mp3"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=3",
         "-c:a", "libmp3lame", "-b:a", "64k", str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_tags_round_trip_as_v23(mp3: Path) -> None:
    title = 'Tom & Jerry <b>"quoted"</b> 🎧 عربي'
    write_tags(mp3, EpisodeTags(
        title=title, artist="Ann; read by voice", album="Show", date=datetime(2026, 5, 6, 7, 8, tzinfo=UTC),
        comment="This audio is created with AI assistance.", url="https://x.example/a",
        cover=b"\x89PNG\r\n\x1a\nfake",
        chapters=(Chapter("Intro", 0, 1.5), Chapter("Body", 1.5, 3.0, "https://x.example/body")),
    ))  # fmt: skip
    assert mp3.read_bytes()[:4] == b"ID3\x03"
    tags = ID3(mp3)
    assert tags.version == (2, 3, 0)
    assert str(tags["TIT2"]) == title
    assert str(tags["TDRC"]).startswith("2026-05-06")
    assert "TYER" not in tags or str(tags["TYER"]) == "2026"
    (toc,) = tags.getall("CTOC")
    assert toc.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    assert str(toc.sub_frames["TIT2"]) == "Chapters"
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chaps] == [
        (0, 1500, "Intro"),
        (1500, 3000, "Body"),
    ]
    assert not chaps[0].sub_frames.getall("WXXX")
    assert [w.url for w in chaps[1].sub_frames.getall("WXXX")] == ["https://x.example/body"]


def test_retagging_replaces_the_old_tag(mp3: Path) -> None:
    write_tags(mp3, EpisodeTags(title="One", artist="A", album="S"))
    write_tags(mp3, EpisodeTags(title="Two", artist="A", album="S"))
    tags = ID3(mp3)
    assert str(tags["TIT2"]) == "Two"
    assert not tags.getall("CHAP")


def test_untaggable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TagError, match="cannot tag"):
        write_tags(tmp_path / "missing" / "x.mp3", EpisodeTags(title="T", artist="A", album="S"))


def test_the_layout_says_where_the_audio_starts_after_the_tag(mp3: Path) -> None:
    from audio.tags import mp3_layout

    write_tags(mp3, EpisodeTags(title="One", artist="A", album="S", cover=b"\x89PNG" + bytes(5000)))
    layout = mp3_layout(mp3)
    data = mp3.read_bytes()
    assert layout.audio_start > 5000 and data[:3] == b"ID3"
    assert data[layout.audio_start] == 0xFF and data[layout.audio_start + 1] & 0xE0 == 0xE0
    assert abs(layout.bitrate - 64_000) < 640 and abs(layout.seconds - 3.0) < 0.1
