"""What ``check``'s rules read: one small value per kind of thing in a site.

The checker (``podcast.check.run``) makes them as it walks the site; a rule
(``podcast.check.rules``) only reads them. What is costly to find (the parsed
feed, an MP3's tags, its loudness) is found once, when a rule first asks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from podcast.core.errors import ConfigError

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
VTT_TIMING = re.compile(r"^(\d{2,}:)?\d{2}:\d{2}\.\d{3} --> (\d{2,}:)?\d{2}:\d{2}\.\d{3}( .*)?$")


def _text(element: Any, path: str) -> str:
    return str(element.xpath(f"string({path})", namespaces=NS)).strip()


def _seconds(stamp: str) -> float:
    return float(sum(float(p) * 60**i for i, p in enumerate(reversed(stamp.split(":")))))


# Subjects: what each kind of rule reads. The checker makes them; a test only reads.


@dataclass(frozen=True)
class SiteFolder:
    """The site folder."""

    path: Path


@dataclass(frozen=True)
class FeedPage:
    """One feed page: its bytes, and the parsed document (None, with the error, when not XML)."""

    raw: bytes

    @cached_property
    def parsed(self) -> tuple[Any, str]:
        from lxml import etree

        try:
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            return etree.fromstring(self.raw, parser), ""
        except etree.XMLSyntaxError as error:
            return None, str(error)

    @property
    def root(self) -> Any:
        return self.parsed[0]

    @property
    def channel(self) -> Any:
        return None if self.root is None or self.root.tag != "rss" else self.root.find("channel")


@dataclass(frozen=True)
class Channel:
    """A feed page's channel element."""

    element: Any

    def text(self, path: str) -> str:
        return _text(self.element, path)


@dataclass(frozen=True)
class Artwork:
    """A cover image a feed names, in this site."""

    url: str
    path: Path

    @cached_property
    def problem(self) -> str:
        from podcast.publish.artwork import load_artwork

        try:
            load_artwork(self.path)
        except ConfigError as error:
            return str(error).split(": ", 1)[-1]
        return ""


@dataclass
class Item:
    """One item, what earlier items of the same feed used, and its enclosure's file."""

    element: Any
    guids: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    enclosure_file: Path | None = None
    """The enclosure's file when its URL is in this site."""
    seconds: float | None = None
    """The MP3's length, once it has been read."""
    missing_files: dict[str, str] = field(default_factory=dict)
    """Transcript or chapters URLs in this site whose file does not exist, by kind."""
    disclosure: str = ""
    """The AI disclosure the description must open with (``show.disclosure``)."""

    def text(self, path: str) -> str:
        return _text(self.element, path)

    @cached_property
    def enclosure(self) -> tuple[str, str, str] | None:
        """(url, length, type), read once: a dozen rules ask."""
        element = self.element.find("enclosure")
        if element is None:
            return None
        return element.get("url", ""), element.get("length", ""), element.get("type", "")


@dataclass
class Mp3:
    """An enclosure's MP3: stream info, ID3 tags, and loudness when a target is given."""

    path: Path
    targets: tuple[float, float] | None = None
    """(integrated loudness in LUFS, true-peak ceiling in dBTP), or None not to measure."""

    @cached_property
    def info(self) -> tuple[Any, str]:
        from mutagen import MutagenError
        from mutagen.mp3 import MP3

        try:
            return MP3(str(self.path)).info, ""  # mutagen is untyped
        except MutagenError as error:
            return None, str(error)

    @property
    def length(self) -> float | None:
        info = self.info[0]
        return None if info is None else float(info.length)

    @cached_property
    def tags(self) -> Any:
        from mutagen.id3 import ID3, ID3NoHeaderError

        try:
            return ID3(str(self.path))
        except ID3NoHeaderError:
            return None

    @cached_property
    def loudness(self) -> tuple[float, float] | str | None:
        """(LUFS, dBTP) as measured, the reason it cannot be, or None when not asked."""
        if self.targets is None:
            return None
        from audio.errors import AudioError
        from audio.meter import measure

        try:
            return measure(self.path)
        except AudioError as error:
            return str(error)

    def top_tocs(self) -> list[Any]:
        from mutagen.id3 import CTOCFlags

        return [t for t in self.tags.getall("CTOC") if t.flags & CTOCFlags.TOP_LEVEL]


@dataclass(frozen=True)
class Cue:
    number: int
    timing: str | None
    lines: tuple[str, ...]

    @property
    def span(self) -> tuple[float, float]:
        assert self.timing is not None
        start, end = (_seconds(x.split()[0]) for x in self.timing.split("-->"))
        return start, end


@dataclass(frozen=True)
class Transcript:
    """A WebVTT transcript's text."""

    text: str

    @cached_property
    def cues(self) -> list[Cue]:
        cues = []
        for number, block in enumerate(self.text.strip().split("\n\n")[1:], 1):
            lines = block.splitlines()
            at = next((i for i, line in enumerate(lines) if "-->" in line), None)
            timing = lines[at] if at is not None and VTT_TIMING.match(lines[at]) else None
            cues.append(Cue(number, timing, tuple(lines[at + 1 :] if at is not None else ())))
        return cues


@dataclass(frozen=True)
class Chapters:
    """A chapters JSON file's text."""

    text: str

    @cached_property
    def data(self) -> tuple[Any, str]:
        try:
            return json.loads(self.text), ""
        except json.JSONDecodeError as error:
            return None, str(error)

    @property
    def chapters(self) -> list[Any]:
        return list(self.data[0]["chapters"])


def site_file(site: Path, base: str, url: str) -> Path | None:
    """The file in ``site`` that ``url`` points to, or None when it points elsewhere."""
    base = base.rstrip("/") + "/"
    if not url.startswith(base):
        return None
    path = (site / unquote(url[len(base) :])).resolve()
    return path if site in path.parents else None
