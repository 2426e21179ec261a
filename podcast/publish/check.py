"""``audio-edition check``: what in a published site breaks Apple's or Podcasting 2.0's rules.

It reads the site as a podcast app would: every feed page, every enclosure,
transcript and chapters file they name, and each MP3's tags and loudness.
Each finding names its rule, so a newsroom can look the rule up.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from podcast.errors import ConfigError
from podcast.publish.apple import category_problem
from podcast.publish.artwork import load_artwork
from podcast.publish.feed import FEED_FILE, MAX_DESCRIPTION_BYTES, podcast_guid
from podcast.publish.pages import INDEX_FILE
from podcast.settings import Settings

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
_VTT_TIMING = re.compile(r"^(\d{2,}:)?\d{2}:\d{2}\.\d{3} --> (\d{2,}:)?\d{2}:\d{2}\.\d{3}( .*)?$")


@dataclass(frozen=True)
class Finding:
    """One broken rule."""

    severity: str
    """``error`` (apps reject or misbehave) or ``warning`` (recommended)."""
    rule: str
    """Dotted rule name, e.g. ``item.enclosure.length``."""
    message: str
    where: str
    """The file, and the episode where it applies."""


@dataclass
class Report:
    """Everything found, and what was looked at."""

    findings: list[Finding] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)

    def add(self, severity: str, rule: str, message: str, where: str) -> None:
        """Record a finding."""
        self.findings.append(Finding(severity, rule, message, where))

    @property
    def errors(self) -> list[Finding]:
        """The findings that are errors."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """The findings that are warnings."""
        return [f for f in self.findings if f.severity == "warning"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: findings and counts."""
        return {
            "ok": not self.errors,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "checked": dict(self.checked),
            "findings": [asdict(f) for f in self.findings],
        }


def _seconds(stamp: str) -> float:
    parts = stamp.split(":")
    return float(sum(float(p) * 60**i for i, p in enumerate(reversed(parts))))


def check_vtt(text: str, where: str, report: Report) -> None:
    """WebVTT: the header, valid ascending timings, text lines of at most 65 characters."""
    if not text.startswith("WEBVTT"):
        report.add("error", "transcript.vtt.header", "does not start with WEBVTT", where)
        return
    previous = -1.0
    for number, block in enumerate(text.strip().split("\n\n")[1:], 1):
        lines = block.splitlines()
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None or not _VTT_TIMING.match(lines[timing]):
            report.add(
                "error", "transcript.vtt.timing", f"cue {number} has no valid timing line", where
            )
            continue
        start, end = (_seconds(x.split()[0]) for x in lines[timing].split("-->"))
        if end < start or start < previous:
            report.add(
                "error",
                "transcript.vtt.order",
                f"cue {number} runs backwards or out of order",
                where,
            )
        previous = start
        for line in lines[timing + 1 :]:
            if len(line) > 65:
                report.add(
                    "error",
                    "transcript.vtt.line",
                    f"cue {number} has a line of {len(line)} characters (max 65)",
                    where,
                )


def check_chapters(text: str, where: str, report: Report) -> None:
    """Podcasting 2.0 chapters JSON 1.2: version, ascending float start times, titles."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        report.add("error", "chapters.json", f"not valid JSON: {error}", where)
        return
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("1."):
        report.add("error", "chapters.version", "missing or unknown version", where)
        return
    chapters = data.get("chapters")
    if not isinstance(chapters, list) or not chapters:
        report.add("error", "chapters.list", "no chapters", where)
        return
    starts = []
    for index, chapter in enumerate(chapters):
        if not isinstance(chapter, dict) or not isinstance(chapter.get("startTime"), int | float):
            report.add(
                "error", "chapters.start", f"chapter {index + 1} has no numeric startTime", where
            )
            return
        if not str(chapter.get("title", "")).strip():
            report.add("error", "chapters.title", f"chapter {index + 1} has no title", where)
        starts.append(float(chapter["startTime"]))
    if starts != sorted(starts):
        report.add("error", "chapters.order", "startTime values are not ascending", where)


def check_mp3(
    path: Path, where: str, report: Report, *, audio: tuple[float, float] | None
) -> float | None:
    """ID3v2.3, chapters with titles, constant bitrate, and (with ``audio``) loudness."""
    from mutagen import MutagenError
    from mutagen.id3 import ID3, CTOCFlags, ID3NoHeaderError
    from mutagen.mp3 import MP3, BitrateMode

    try:
        info: Any = MP3(str(path)).info  # mutagen is untyped
    except MutagenError as error:
        report.add("error", "mp3.decode", f"not a readable MP3: {error}", where)
        return None
    report.checked["mp3"] += 1
    if info.bitrate_mode not in (BitrateMode.CBR, BitrateMode.UNKNOWN):
        report.add(
            "warning", "mp3.cbr", f"bitrate mode is {info.bitrate_mode.name}, not constant", where
        )
    try:
        tags = ID3(str(path))
    except ID3NoHeaderError:
        report.add("error", "mp3.id3", "no ID3 tag", where)
        return float(info.length)
    if tags.version[:2] != (2, 3):
        report.add(
            "error", "mp3.id3.version", f"ID3v2.{tags.version[1]} (players expect v2.3)", where
        )
    for frame in ("TIT2", "TPE1", "TALB"):
        if frame not in tags:
            report.add("warning", "mp3.id3.frames", f"no {frame} frame", where)
    chaps = tags.getall("CHAP")
    tocs = tags.getall("CTOC")
    if chaps:
        top = [t for t in tocs if t.flags & CTOCFlags.TOP_LEVEL]
        if len(top) != 1:
            report.add("error", "mp3.chapters.ctoc", "chapters without one top-level CTOC", where)
        elif "TIT2" not in top[0].sub_frames:
            report.add(
                "error",
                "mp3.chapters.ctoc_title",
                "the CTOC has no title (Apple shows no chapters)",
                where,
            )
        for chap in chaps:
            if "TIT2" not in chap.sub_frames:
                report.add(
                    "error", "mp3.chapters.title", f"chapter {chap.element_id} has no title", where
                )
    if audio is not None:
        from audio.errors import AudioError
        from audio.master import measure

        target, ceiling = audio
        try:
            lufs, peak = measure(path)
        except AudioError as error:
            report.add("error", "mp3.loudness", f"cannot measure: {error}", where)
            return float(info.length)
        report.checked["loudness"] += 1
        if abs(lufs - target) > 1:
            report.add(
                "error",
                "mp3.loudness",
                f"integrated loudness {lufs:.1f} LUFS (want {target:g} ± 1)",
                where,
            )
        if peak > ceiling:
            report.add(
                "error", "mp3.true_peak", f"true peak {peak:.1f} dBTP (want ≤ {ceiling:g})", where
            )
    return float(info.length)


class _Site:
    def __init__(self, site: Path, base: str) -> None:
        self.site = site.resolve()
        self.base = base.rstrip("/") + "/"

    def local(self, url: str) -> Path | None:
        """The site file an URL points to, if it points into this site."""
        if not url.startswith(self.base):
            return None
        path = (self.site / unquote(url[len(self.base) :])).resolve()
        return path if self.site in path.parents else None


def _check_description(text: str, level: str, where: str, report: Report) -> None:
    size = len(text.encode("utf-8"))
    if size > MAX_DESCRIPTION_BYTES:
        report.add(
            "error",
            f"{level}.description.length",
            f"{size} bytes (max {MAX_DESCRIPTION_BYTES})",
            where,
        )


def _text(element: Any, path: str) -> str:
    return str(element.xpath(f"string({path})", namespaces=NS)).strip()


def check_feed(
    feed: Path,
    site: _Site,
    report: Report,
    state: dict[str, Any],
    *,
    audio: tuple[float, float] | None,
) -> None:
    """One feed page: channel, items, and the files they point to."""
    from lxml import etree

    name = feed.relative_to(site.site).as_posix()
    raw = feed.read_bytes()
    report.checked["feeds"] += 1
    if not raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'):
        report.add(
            "warning",
            "feed.declaration",
            'does not start with <?xml version="1.0" encoding="UTF-8"?>',
            name,
        )
    try:
        root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        report.add("error", "feed.xml", f"not well-formed XML: {error}", name)
        return
    for prefix, uri in NS.items():
        declared = root.nsmap.get(prefix)
        if declared != uri and (declared is not None or prefix != "content"):
            report.add("error", "feed.namespace", f"xmlns:{prefix} must be {uri}", name)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        report.add("error", "feed.rss", "not an RSS 2.0 document with a channel", name)
        return
    for tag in (
        "title",
        "description",
        "language",
        "itunes:image/@href",
        "itunes:category/@text",
        "itunes:explicit",
    ):
        if not _text(channel, tag):
            report.add(
                "error",
                f"channel.{tag.split('/')[0]}",
                f"required <{tag.split('/')[0]}> is missing",
                name,
            )
    for tag in (
        "itunes:author",
        "link",
        "itunes:type",
        "copyright",
        "podcast:guid",
        "podcast:locked",
    ):
        if not _text(channel, tag):
            report.add("warning", f"channel.{tag}", f"recommended <{tag}> is missing", name)
    _check_description(_text(channel, "description"), "channel", name, report)
    language = _text(channel, "language")
    if language and not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", language):
        report.add("error", "channel.language", f"{language!r} is not an ISO 639 code", name)
    explicit = _text(channel, "itunes:explicit")
    if explicit and explicit not in ("true", "false"):
        report.add(
            "error", "channel.explicit", f"itunes:explicit is {explicit!r}, not true or false", name
        )
    category = _text(channel, "itunes:category/@text")
    subcategory = _text(channel, "itunes:category/itunes:category/@text")
    if category and (problem := category_problem(category, subcategory)):
        report.add("error", "channel.category", problem, name)
    self_link = _text(channel, "atom:link[@rel='self']/@href")
    if not self_link:
        report.add("error", "channel.atom_self", 'no atom:link rel="self"', name)
    guid = _text(channel, "podcast:guid")
    if guid:
        try:
            uuid.UUID(guid)
        except ValueError:
            report.add("error", "channel.podcast_guid", f"{guid!r} is not a UUID", name)
        first = _text(channel, "atom:link[@rel='first']/@href") or self_link
        if first and guid != podcast_guid(first):
            report.add(
                "warning",
                "channel.podcast_guid",
                "does not match the feed URL (UUIDv5 of it)",
                name,
            )
    image = _text(channel, "itunes:image/@href")
    artwork = site.local(image) if image else None
    if image and artwork is not None and image not in state["artwork"]:
        state["artwork"].add(image)
        if not artwork.is_file():
            report.add("error", "channel.artwork", f"{image} does not exist", name)
        else:
            try:
                load_artwork(artwork)
            except ConfigError as error:
                report.add("error", "channel.artwork", str(error).split(": ", 1)[-1], name)
    for item in channel.findall("item"):
        check_item(item, name, site, report, state, audio=audio)


def check_item(
    item: Any,
    name: str,
    site: _Site,
    report: Report,
    state: dict[str, Any],
    *,
    audio: tuple[float, float] | None,
) -> None:
    """One episode: required tags, identity, enclosure and its files."""
    title = _text(item, "title")
    where = f"{name} · {title[:60] or '(untitled)'}"
    report.checked["items"] += 1
    if not title:
        report.add("error", "item.title", "no <title>", where)
    guid = _text(item, "guid")
    if not guid:
        report.add("error", "item.guid", "no <guid>", where)
    elif guid in state["guids"].setdefault(state["feed_group"], set()):
        report.add(
            "error",
            "item.guid.duplicate",
            f"guid {guid} appears twice (apps drop or re-download)",
            where,
        )
    else:
        state["guids"][state["feed_group"]].add(guid)
    pub_date = _text(item, "pubDate")
    try:
        if not pub_date or parsedate_to_datetime(pub_date).tzinfo is None:
            raise ValueError
    except (TypeError, ValueError):
        report.add(
            "error", "item.pubDate", f"pubDate {pub_date!r} is not RFC 2822 with a zone", where
        )
    duration = _text(item, "itunes:duration")
    if not re.fullmatch(r"\d+|(\d+:)?\d{1,2}:\d{2}", duration):
        report.add(
            "error", "item.duration", f"itunes:duration {duration!r} is not whole seconds", where
        )
    episode_type = _text(item, "itunes:episodeType")
    if episode_type and episode_type not in ("full", "trailer", "bonus"):
        report.add(
            "error", "item.episodeType", f"{episode_type!r} is not full, trailer or bonus", where
        )
    _check_description(_text(item, "description"), "item", where, report)
    enclosure = item.find("enclosure")
    if enclosure is None:
        report.add("error", "item.enclosure", "no <enclosure>", where)
        return
    url, length, kind = (
        enclosure.get("url", ""),
        enclosure.get("length", ""),
        enclosure.get("type", ""),
    )
    if not url or not length or not kind:
        report.add("error", "item.enclosure", "enclosure needs url, length and type", where)
        return
    if not url.isascii():
        report.add("error", "item.enclosure.ascii", "enclosure URL is not ASCII", where)
    if url in state["urls"].setdefault(state["feed_group"], set()):
        report.add("error", "item.enclosure.unique", "enclosure URL used by another episode", where)
    state["urls"][state["feed_group"]].add(url)
    if url.lower().endswith(".mp3") and kind != "audio/mpeg":
        report.add(
            "error", "item.enclosure.type", f"type {kind!r} for an MP3 (want audio/mpeg)", where
        )
    if not length.isdigit() or int(length) == 0:
        report.add(
            "error",
            "item.enclosure.length",
            f"length {length!r} must be the file size in bytes",
            where,
        )
    local = site.local(url)
    if local is None:
        report.add(
            "warning",
            "item.enclosure.external",
            "enclosure is not in this site: not checked",
            where,
        )
    elif not local.is_file():
        report.add("error", "item.enclosure.missing", f"{url} does not exist", where)
    else:
        size = local.stat().st_size
        if length.isdigit() and int(length) != size:
            report.add(
                "error", "item.enclosure.length", f"length {length} ≠ file size {size}", where
            )
        if local not in state["mp3s"]:
            state["mp3s"].add(local)
            seconds = check_mp3(local, where, report, audio=audio)
            if seconds is not None and duration.isdigit() and abs(int(duration) - seconds) > 2:
                report.add(
                    "warning",
                    "item.duration.actual",
                    f"itunes:duration {duration} but the MP3 lasts {seconds:.0f} s",
                    where,
                )
    for element, rule, checker in (
        (item.find("podcast:transcript[@type='text/vtt']", NS), "item.transcript", check_vtt),
        (item.find("podcast:chapters", NS), "item.chapters", check_chapters),
    ):
        if element is None:
            report.add("warning", rule, f"no {rule.split('.')[1]}", where)
            continue
        target = site.local(element.get("url", ""))
        if target is None:
            continue
        if not target.is_file():
            report.add("error", rule, f"{element.get('url')} does not exist", where)
            continue
        if target not in state["files"]:
            state["files"].add(target)
            checker(target.read_text(encoding="utf-8", errors="replace"), where, report)


def check_site(site: Path, settings: Settings, *, audio: bool = True) -> Report:
    """Check every feed page under ``site`` and what it points to; with ``audio``, each MP3's
    loudness against the settings' target (± 1 LU) and true-peak ceiling."""
    report = Report()
    site = site.resolve()
    if not (site / FEED_FILE).is_file():
        report.add("error", "site.feed", "no feed.xml: nothing is published", str(site))
        return report
    if not (site / INDEX_FILE).is_file():
        report.add("warning", "site.index", "no index.html", str(site))
    state: dict[str, Any] = {
        "guids": {},
        "urls": {},
        "mp3s": set(),
        "files": set(),
        "artwork": set(),
    }
    checker = _Site(site, settings.show.base_url)
    # The loudness the episodes were mastered to, and their true-peak ceiling, from the settings.
    targets = (settings.audio.loudness, settings.audio.true_peak) if audio else None
    feeds = sorted(site.glob("feed*.xml")) + sorted((site / "feeds").glob("*.xml"))
    for feed in feeds:
        # Pages of one feed share guids and URLs; each category feed is its own group.
        state["feed_group"] = re.sub(r"-\d+\.xml$", ".xml", feed.relative_to(site).as_posix())
        check_feed(feed, checker, report, state, audio=targets)
    return report
