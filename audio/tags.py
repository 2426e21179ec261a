"""ID3v2.3 tags with cover art and chapters, written with mutagen.

Players break on v2.4 frames inside a v2.3 tag, so the tag is built, converted
with ``update_to_v23()`` and saved with ``v2_version=3``. Chapters are one
top-level ordered ``CTOC`` with a title (Apple shows no chapters without it;
Overcast needs the CTOC) and a ``CHAP`` with a ``TIT2`` for each chapter, and a ``WXXX``
with its link when it has one (a briefing's story: its own page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import TagError


@dataclass(frozen=True)
class Chapter:
    """A chapter of the episode."""

    title: str
    start: float
    """Seconds from the start."""
    end: float
    """Seconds from the start."""
    url: str = ""
    """A page for this chapter (``WXXX`` in its ``CHAP``)."""


@dataclass(frozen=True)
class EpisodeTags:
    """Everything written into the MP3's tag."""

    title: str
    artist: str
    """Author and voice credit."""
    album: str
    """The show's name."""
    date: datetime | None = None
    comment: str = ""
    """The AI-assistance disclosure."""
    url: str = ""
    """The article's address."""
    cover: bytes | None = None
    cover_mime: str = "image/png"
    chapters: tuple[Chapter, ...] = field(default_factory=tuple)
    genre: str = "Podcast"


def write_tags(mp3: Path, tags: EpisodeTags) -> None:
    """Replace ``mp3``'s tag with ``tags`` as ID3v2.3."""
    from mutagen.id3 import (
        APIC,
        CHAP,
        COMM,
        CTOC,
        ID3,
        TALB,
        TCON,
        TDRC,
        TIT2,
        TPE1,
        TXXX,
        WOAS,
        WXXX,
        CTOCFlags,
        ID3NoHeaderError,
    )  # fmt: skip

    try:
        try:
            id3 = ID3(str(mp3))
            id3.delete()
        except ID3NoHeaderError:
            pass
        id3 = ID3()
        id3.add(TIT2(encoding=1, text=tags.title))
        id3.add(TPE1(encoding=1, text=tags.artist))
        id3.add(TALB(encoding=1, text=tags.album))
        id3.add(TCON(encoding=1, text=tags.genre))
        if tags.date is not None:
            id3.add(TDRC(encoding=1, text=tags.date.strftime("%Y-%m-%dT%H:%M:%S")))
        if tags.comment:
            id3.add(COMM(encoding=1, lang="eng", desc="", text=tags.comment))
        if tags.url:
            id3.add(WOAS(url=tags.url))
            id3.add(TXXX(encoding=1, desc="Article URL", text=tags.url))
        if tags.cover:
            id3.add(APIC(encoding=0, mime=tags.cover_mime, type=3, desc="Cover", data=tags.cover))
        if tags.chapters:
            ids = [f"chp{i}" for i in range(len(tags.chapters))]
            id3.add(
                CTOC(
                    element_id="toc",
                    flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                    child_element_ids=ids,
                    sub_frames=[TIT2(encoding=1, text="Chapters")],
                )
            )
            for element_id, chapter in zip(ids, tags.chapters, strict=True):
                frames: list[Any] = [TIT2(encoding=1, text=chapter.title)]
                if chapter.url:
                    frames.append(WXXX(encoding=0, desc="chapter url", url=chapter.url))
                id3.add(
                    CHAP(
                        element_id=element_id,
                        start_time=int(round(chapter.start * 1000)),
                        end_time=int(round(chapter.end * 1000)),
                        sub_frames=frames,
                    )
                )
        id3.update_to_v23()
        id3.save(str(mp3), v2_version=3)
    except Exception as error:  # mutagen raises many types for a bad file
        raise TagError(f"cannot tag {mp3}: {error}") from None


@dataclass(frozen=True)
class Mp3Layout:
    """What one read of an MP3's headers says of it."""

    seconds: float
    """Its length as players see it (from its Xing/Info header)."""
    bitrate: int
    """Bits a second."""
    audio_start: int
    """The byte its audio starts at, past the ID3 tag: with :attr:`bitrate`, what a number of
    bytes downloaded is in seconds of audio."""


def mp3_layout(path: Path) -> Mp3Layout:
    """The length, bitrate and tag size of an MP3, read once."""
    from mutagen.mp3 import MP3

    mp3: Any = MP3(str(path))  # mutagen is untyped
    start = int(mp3.tags.size) if mp3.tags is not None else 0
    return Mp3Layout(float(mp3.info.length), int(mp3.info.bitrate), start)
