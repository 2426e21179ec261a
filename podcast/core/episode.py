"""An episode as the store keeps it: the value every layer hands on, and its guid."""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from podcast.core.cues import TranscriptCue

#: Namespace for episode guids: uuid5(EPISODE_NAMESPACE, article key).
EPISODE_NAMESPACE = uuid.UUID("6c0f3d2e-7a53-5b8e-9a51-2f4c1d0e9b77")


@dataclass(frozen=True)
class Episode:
    """A published episode, as the store keeps it."""

    key: str
    """The article's identity (its URL or slugged title)."""
    guid: str
    """Feed guid; assigned once, never changes."""
    slug: str
    """ASCII name used in file names."""
    title: str
    published: datetime
    """Publication time (UTC-aware)."""
    audio: str
    """MP3 path relative to the site."""
    audio_bytes: int
    """Exact size of the MP3."""
    duration: float
    """Seconds."""
    transcript: str
    """WebVTT path relative to the site."""
    chapters: str
    """Chapters JSON path relative to the site."""
    voice: str
    """The voice that read it."""
    fingerprint: str
    """Hash of everything that decides the audio; unchanged means nothing to rebuild."""
    author: str = ""
    summary: str = ""
    url: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)
    srt: str = ""
    """SubRip transcript path relative to the site."""
    cues: tuple[TranscriptCue, ...] = field(default_factory=tuple)
    """Transcript cues, one per sentence."""
    marks: tuple[tuple[float, str], ...] = field(default_factory=tuple)
    """Chapters: (start, title)."""
    sentence_keys: tuple[str, ...] = field(default_factory=tuple)
    """Sentence-cache keys of its sentences; cache entries no episode names can be pruned."""
    piece_keys: tuple[str, ...] = field(default_factory=tuple)
    """Piece-cache keys of its MP3's pieces and their loudness blocks (pruned the same way)."""
    gain: float | None = None
    """Mastering gain of its MP3 in dB, where the next build's gain starts."""
    input_lufs: float | None = None
    """Loudness of its compressed programme before the gain (with ``gain``, for the next build)."""
    review: str = "{}"
    """The editor's review of its last build, as JSON (podcast.review.model.Review)."""
    series: str = ""
    """The feed of its own it belongs to (``briefing``); empty: the show's feeds."""
    image: str = ""
    """Its own artwork (the article's image, made square), site-relative; empty: the show's."""
    bitrate: int = 0
    """Its MP3's bits a second (0: not known, an episode stored before it was kept)."""
    audio_start: int = 0
    """The byte its MP3's audio starts at, past the ID3 tag: with :attr:`bitrate`, how many
    bytes are a minute of it (what a download must reach to count, ``podcast.stats``)."""
    created: datetime | None = None
    updated: datetime | None = None

    @property
    def page(self) -> str:
        """The episode's web page, relative to the site; stable across rebuilds."""
        return f"episodes/{self.slug}-{self.guid[:8]}.html"

    @property
    def embed(self) -> str:
        """Its player page for an ``<iframe>`` on the newsroom's own pages."""
        return self.page.removesuffix(".html") + ".embed.html"

    @property
    def oembed(self) -> str:
        """Its oEmbed response (``type: rich``), for a CMS that embeds by the page's address."""
        return self.page.removesuffix(".html") + ".oembed.json"

    def to_row(self) -> dict[str, Any]:
        """The episode as column values."""
        row = asdict(self)
        row["categories"] = json.dumps(list(self.categories))
        row["cues"] = json.dumps([asdict(c) for c in self.cues], ensure_ascii=False)
        row["marks"] = json.dumps([list(m) for m in self.marks], ensure_ascii=False)
        row["sentence_keys"] = json.dumps(list(self.sentence_keys))
        row["piece_keys"] = json.dumps(list(self.piece_keys))
        for name in ("published", "created", "updated"):
            value = row[name]
            row[name] = value.astimezone(UTC).isoformat() if value else None
        return row

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Episode:
        """An episode from a row of the ``episodes`` table."""
        present = set(row.keys())
        data = {f.name: row[f.name] for f in fields(cls) if f.name in present}
        data["categories"] = tuple(json.loads(data["categories"] or "[]"))
        if "cues" in data:
            data["cues"] = tuple(TranscriptCue(**c) for c in json.loads(data["cues"] or "[]"))
        for name in ("sentence_keys", "piece_keys"):
            if name in data:
                data[name] = tuple(json.loads(data[name] or "[]"))
        if "marks" in data:
            data["marks"] = tuple((float(a), str(t)) for a, t in json.loads(data["marks"] or "[]"))
        for name in ("published", "created", "updated"):
            if data[name]:
                data[name] = datetime.fromisoformat(data[name])
        return cls(**data)


def guid_for(key: str) -> str:
    """The guid an article with ``key`` gets when it is first published."""
    return str(uuid.uuid5(EPISODE_NAMESPACE, key))
