"""The rules ``audio-edition check`` holds a published site to: one row per rule.

A row names the rule, where it applies, how bad breaking it is, what the
finding says, and its test. ``where`` is the kind of thing the test reads:

- ``site``: the site folder;
- ``feed``: one feed page's bytes and parsed document;
- ``channel``: a feed page's ``<channel>``;
- ``artwork``: a cover image the feed names;
- ``item``: one ``<item>``, with what earlier items of its feed used;
- ``mp3``: an enclosure's file, its tags, and (when asked) its loudness;
- ``transcript``: a WebVTT file; ``chapters``: a Podcasting 2.0 chapters file.

A test returns what is wrong: nothing when the rule holds, else one mapping
(or several) whose fields fill the message. A *gate* that fails stops the
rest of its subject's rules (a feed that is not XML has no channel to read).
Sources for each rule: ../shared/STANDARDS.md.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeAlias

from podcast.check.subjects import NS, Channel, Chapters, FeedPage, Item, Mp3, Transcript
from podcast.core.apple import category_problem
from podcast.core.config import LANGUAGE_CODE
from podcast.publish.feed import FEED_FILE, MAX_DESCRIPTION_BYTES, podcast_guid
from podcast.publish.pages import INDEX_FILE
from podcast.read.fields import FUTURE_TOLERANCE

ERROR, WARNING = "error", "warning"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
VTT_LINE_MAX = 65
LOUDNESS_TOLERANCE = 1.0
"""LU either side of the configured target that an MP3 may measure."""
DURATION_TOLERANCE = 2
"""Seconds by which itunes:duration may differ from the MP3's length."""

Breach: TypeAlias = None | bool | Mapping[str, Any] | Iterable[Mapping[str, Any]]


@dataclass(frozen=True)
class Rule:
    """One rule: its name, where it applies, severity, message template and test."""

    id: str
    where: str
    severity: str
    message: str
    test: Callable[[Any], Breach]
    gate: bool = False

    def breaches(self, subject: Any) -> list[str]:
        """The messages for each way ``subject`` breaks this rule (none when it holds)."""
        found = self.test(subject)
        if not found:
            return []
        if found is True:
            return [self.message]
        if isinstance(found, Mapping):
            found = [found]
        assert not isinstance(found, bool)
        return [self.message.format(**fields) for fields in found]


# The tests that take more than a line.


def _namespaces(page: FeedPage) -> list[dict[str, str]]:
    wrong = []
    for prefix, uri in NS.items():
        declared = page.root.nsmap.get(prefix)
        # content: is optional, but when declared it must be right.
        if declared != uri and (declared is not None or prefix != "content"):
            wrong.append({"prefix": prefix, "uri": uri})
    return wrong


def _required(tag: str) -> Callable[[Channel], bool]:
    return lambda channel: not channel.text(tag)


def _category_problem(channel: Channel) -> Mapping[str, str] | None:
    category = channel.text("itunes:category/@text")
    subcategory = channel.text("itunes:category/itunes:category/@text")
    problem = category_problem(category, subcategory) if category else None
    return {"problem": problem} if problem else None


def _guid_problem(channel: Channel) -> bool:
    guid = channel.text("podcast:guid")
    try:
        return bool(guid) and not uuid.UUID(guid)
    except ValueError:
        return True


def _guid_not_of_url(channel: Channel) -> bool:
    guid = channel.text("podcast:guid")
    first = channel.text("atom:link[@rel='first']/@href") or channel.text(
        "atom:link[@rel='self']/@href"
    )
    return bool(guid and first) and not _guid_problem(channel) and guid != podcast_guid(first)


def _description_too_long(text: str) -> Mapping[str, Any] | None:
    size = len(text.encode("utf-8"))
    return {"size": size} if size > MAX_DESCRIPTION_BYTES else None


def _pub_date_wrong(item: Item) -> Mapping[str, Any] | None:
    stamp = item.text("pubDate")
    try:
        if stamp and parsedate_to_datetime(stamp).tzinfo is not None:
            return None
    except (TypeError, ValueError):
        pass
    return {"value": stamp}


def _pub_date_future(item: Item) -> Mapping[str, Any] | None:
    try:
        when = parsedate_to_datetime(item.text("pubDate"))
    except (TypeError, ValueError):
        return None  # item.pubDate says so
    if when.tzinfo is None or when <= datetime.now(UTC) + FUTURE_TOLERANCE:
        return None
    return {"value": item.text("pubDate")}


def _enclosure_file_size(item: Item) -> Mapping[str, Any] | None:
    if item.enclosure is None or item.enclosure_file is None or not item.enclosure_file.is_file():
        return None
    length, size = item.enclosure[1], item.enclosure_file.stat().st_size
    return {"length": length, "size": size} if length.isdigit() and int(length) != size else None


def _duration_off(item: Item) -> Mapping[str, Any] | None:
    duration = item.text("itunes:duration")
    if item.seconds is None or not duration.isdigit():
        return None
    if abs(int(duration) - item.seconds) <= DURATION_TOLERANCE:
        return None
    return {"duration": duration, "seconds": item.seconds}


def _not_constant(mp3: Mp3) -> Mapping[str, str] | None:
    from mutagen.mp3 import BitrateMode

    mode = mp3.info[0].bitrate_mode
    return None if mode in (BitrateMode.CBR, BitrateMode.UNKNOWN) else {"mode": str(mode)}


def _id3_missing_frames(mp3: Mp3) -> list[dict[str, str]]:
    return [{"frame": frame} for frame in ("TIT2", "TPE1", "TALB") if frame not in mp3.tags]


def _loudness_off(mp3: Mp3) -> Mapping[str, Any] | None:
    if not isinstance(mp3.loudness, tuple) or mp3.targets is None:
        return None
    lufs, target = mp3.loudness[0], mp3.targets[0]
    if abs(lufs - target) <= LOUDNESS_TOLERANCE:
        return None
    return {"lufs": lufs, "target": target, "tolerance": LOUDNESS_TOLERANCE}


def _peak_over(mp3: Mp3) -> Mapping[str, Any] | None:
    if not isinstance(mp3.loudness, tuple) or mp3.targets is None:
        return None
    peak, ceiling = mp3.loudness[1], mp3.targets[1]
    return {"peak": peak, "ceiling": ceiling} if peak > ceiling else None


def _cues_out_of_order(transcript: Transcript) -> list[dict[str, int]]:
    found, previous = [], -1.0
    for cue in transcript.cues:
        if cue.timing is None:
            continue
        start, end = cue.span
        if end < start or start < previous:
            found.append({"cue": cue.number})
        previous = start
    return found


def _chapter_starts(chapters: Chapters) -> list[float]:
    return [float(chapter["startTime"]) for chapter in chapters.chapters]


def _chapter_without_start(chapters: Chapters) -> Mapping[str, int] | None:
    for index, chapter in enumerate(chapters.chapters, 1):
        if not isinstance(chapter, dict) or not isinstance(chapter.get("startTime"), int | float):
            return {"chapter": index}
    return None


REQUIRED_CHANNEL_TAGS = (
    "title", "description", "language", "itunes:image/@href", "itunes:category/@text",
    "itunes:explicit",
)  # fmt: skip
RECOMMENDED_CHANNEL_TAGS = (
    "itunes:author", "link", "itunes:type", "copyright", "podcast:guid", "podcast:locked",
)  # fmt: skip

RULES: tuple[Rule, ...] = (
    # The site folder.
    Rule("site.feed", "site", ERROR, f"no {FEED_FILE}: nothing is published",
         lambda s: not (s.path / FEED_FILE).is_file(), gate=True),
    Rule("site.index", "site", WARNING, f"no {INDEX_FILE}",
         lambda s: not (s.path / INDEX_FILE).is_file()),
    # A feed page as bytes and as a document.
    Rule("feed.declaration", "feed", WARNING,
         f"does not start with {XML_DECLARATION.decode()}",
         lambda p: not p.raw.startswith(XML_DECLARATION)),
    Rule("feed.xml", "feed", ERROR, "not well-formed XML: {error}",
         lambda p: {"error": p.parsed[1]} if p.root is None else None, gate=True),
    Rule("feed.namespace", "feed", ERROR, "xmlns:{prefix} must be {uri}", _namespaces),
    Rule("feed.rss", "feed", ERROR, "not an RSS 2.0 document with a channel",
         lambda p: p.channel is None, gate=True),
    # The channel.
    *(
        Rule(f"channel.{tag.split('/')[0]}", "channel", ERROR,
             f"required <{tag.split('/')[0]}> is missing", _required(tag))
        for tag in REQUIRED_CHANNEL_TAGS
    ),
    *(
        Rule(f"channel.{tag}", "channel", WARNING, f"recommended <{tag}> is missing", _required(tag))
        for tag in RECOMMENDED_CHANNEL_TAGS
    ),
    Rule("channel.description.length", "channel", ERROR,
         f"{{size}} bytes (max {MAX_DESCRIPTION_BYTES})",
         lambda c: _description_too_long(c.text("description"))),
    Rule("channel.language.code", "channel", ERROR, "{value!r} is not an ISO 639 code",
         lambda c: bool(c.text("language")) and not re.fullmatch(
             LANGUAGE_CODE, c.text("language"))
         and {"value": c.text("language")}),
    Rule("channel.explicit", "channel", ERROR, "itunes:explicit is {value!r}, not true or false",
         lambda c: c.text("itunes:explicit") not in ("", "true", "false")
         and {"value": c.text("itunes:explicit")}),
    Rule("channel.category", "channel", ERROR, "{problem}",
         _category_problem),
    Rule("channel.atom_self", "channel", ERROR, 'no atom:link rel="self"',
         lambda c: not c.text("atom:link[@rel='self']/@href")),
    Rule("channel.podcast_guid", "channel", ERROR, "{value!r} is not a UUID",
         lambda c: _guid_problem(c) and {"value": c.text("podcast:guid")}),
    Rule("channel.podcast_guid.url", "channel", WARNING,
         "does not match the feed URL (UUIDv5 of it)", _guid_not_of_url),
    # A cover the channel or an item names (an item's own artwork: the article's image).
    Rule("artwork.missing", "artwork", ERROR, "{url} does not exist",
         lambda a: not a.path.is_file() and {"url": a.url}, gate=True),
    Rule("artwork", "artwork", ERROR, "{problem}",
         lambda a: a.problem and {"problem": a.problem}),
    # An item.
    Rule("item.title", "item", ERROR, "no <title>", lambda i: not i.text("title")),
    Rule("item.guid", "item", ERROR, "no <guid>", lambda i: not i.text("guid")),
    Rule("item.guid.duplicate", "item", ERROR, "guid {guid} appears twice (apps drop or re-download)",
         lambda i: i.text("guid") in i.guids and {"guid": i.text("guid")}),
    Rule("item.pubDate", "item", ERROR, "pubDate {value!r} is not RFC 2822 with a zone",
         _pub_date_wrong),
    Rule("item.pubDate.future", "item", WARNING,
         "pubDate {value!r} is in the future: apps keep the episode at the top until then",
         _pub_date_future),
    Rule("item.duration", "item", ERROR, "itunes:duration {value!r} is not whole seconds",
         lambda i: not re.fullmatch(r"\d+|(\d+:)?\d{1,2}:\d{2}", i.text("itunes:duration"))
         and {"value": i.text("itunes:duration")}),
    Rule("item.episodeType", "item", ERROR, "{value!r} is not full, trailer or bonus",
         lambda i: i.text("itunes:episodeType") not in ("", "full", "trailer", "bonus")
         and {"value": i.text("itunes:episodeType")}),
    Rule("item.disclosure", "item", ERROR,
         "the description's first line is not the AI disclosure {disclosure!r}",
         lambda i: bool(i.disclosure)
         and not i.text("description").startswith(i.disclosure)
         and {"disclosure": i.disclosure}),
    Rule("item.ai_content", "item", ERROR,
         'no <podcast:txt purpose="ai-content"> saying the audio is AI-made',
         lambda i: not i.text("podcast:txt[@purpose='ai-content']")),
    Rule("item.description.length", "item", ERROR, f"{{size}} bytes (max {MAX_DESCRIPTION_BYTES})",
         lambda i: _description_too_long(i.text("description"))),
    Rule("item.transcript", "item", WARNING, "no transcript",
         lambda i: i.element.find("podcast:transcript[@type='text/vtt']", NS) is None),
    Rule("item.transcript.missing", "item", ERROR, "{url} does not exist",
         lambda i: "transcript" in i.missing_files and {"url": i.missing_files["transcript"]}),
    Rule("item.chapters", "item", WARNING, "no chapters",
         lambda i: i.element.find("podcast:chapters", NS) is None),
    Rule("item.chapters.missing", "item", ERROR, "{url} does not exist",
         lambda i: "chapters" in i.missing_files and {"url": i.missing_files["chapters"]}),
    Rule("item.duration.actual", "item", WARNING,
         "itunes:duration {duration} but the MP3 lasts {seconds:.0f} s", _duration_off),
    Rule("item.enclosure", "item", ERROR, "no <enclosure>", lambda i: i.enclosure is None,
         gate=True),
    Rule("item.enclosure.attributes", "item", ERROR, "enclosure needs url, length and type",
         lambda i: not all(i.enclosure), gate=True),
    Rule("item.enclosure.ascii", "item", ERROR, "enclosure URL is not ASCII",
         lambda i: not i.enclosure[0].isascii()),
    Rule("item.enclosure.unique", "item", ERROR, "enclosure URL used by another episode",
         lambda i: i.enclosure[0] in i.urls),
    Rule("item.enclosure.type", "item", ERROR, "type {kind!r} for an MP3 (want audio/mpeg)",
         lambda i: i.enclosure[0].lower().endswith(".mp3") and i.enclosure[2] != "audio/mpeg"
         and {"kind": i.enclosure[2]}),
    Rule("item.enclosure.length_format", "item", ERROR,
         "length {length!r} must be the file size in bytes",
         lambda i: not (i.enclosure[1].isdigit() and int(i.enclosure[1]))
         and {"length": i.enclosure[1]}),
    Rule("item.enclosure.external", "item", WARNING, "enclosure is not in this site: not checked",
         lambda i: i.enclosure_file is None),
    Rule("item.enclosure.missing", "item", ERROR, "{url} does not exist",
         lambda i: i.enclosure_file is not None and not i.enclosure_file.is_file()
         and {"url": i.enclosure[0]}),
    Rule("item.enclosure.length", "item", ERROR, "length {length} ≠ file size {size}",
         _enclosure_file_size),
    # An enclosure's MP3.
    Rule("mp3.decode", "mp3", ERROR, "not a readable MP3: {error}",
         lambda m: m.info[0] is None and {"error": m.info[1]}, gate=True),
    Rule("mp3.cbr", "mp3", WARNING, "bitrate mode is {mode}, not constant",
         _not_constant),
    Rule("mp3.measure", "mp3", ERROR, "cannot measure the loudness: {error}",
         lambda m: isinstance(m.loudness, str) and {"error": m.loudness}),
    Rule("mp3.loudness", "mp3", ERROR,
         "integrated loudness {lufs:.1f} LUFS (want {target:g} ± {tolerance:g})", _loudness_off),
    Rule("mp3.true_peak", "mp3", ERROR, "true peak {peak:.1f} dBTP (want ≤ {ceiling:g})",
         _peak_over),
    Rule("mp3.id3", "mp3", ERROR, "no ID3 tag", lambda m: m.tags is None, gate=True),
    Rule("mp3.id3.version", "mp3", ERROR, "ID3v2.{minor} (players expect v2.3)",
         lambda m: m.tags.version[:2] != (2, 3) and {"minor": m.tags.version[1]}),
    Rule("mp3.id3.frames", "mp3", WARNING, "no {frame} frame", _id3_missing_frames),
    Rule("mp3.chapters.ctoc", "mp3", ERROR, "chapters without one top-level CTOC",
         lambda m: bool(m.tags.getall("CHAP")) and len(m.top_tocs()) != 1),
    Rule("mp3.chapters.ctoc_title", "mp3", ERROR, "the CTOC has no title (Apple shows no chapters)",
         lambda m: bool(m.tags.getall("CHAP")) and len(m.top_tocs()) == 1
         and "TIT2" not in m.top_tocs()[0].sub_frames),
    Rule("mp3.chapters.title", "mp3", ERROR, "chapter {id} has no title",
         lambda m: [{"id": c.element_id} for c in m.tags.getall("CHAP")
                    if "TIT2" not in c.sub_frames]),
    # A WebVTT transcript.
    Rule("transcript.vtt.header", "transcript", ERROR, "does not start with WEBVTT",
         lambda t: not t.text.startswith("WEBVTT"), gate=True),
    Rule("transcript.vtt.timing", "transcript", ERROR, "cue {cue} has no valid timing line",
         lambda t: [{"cue": c.number} for c in t.cues if c.timing is None]),
    Rule("transcript.vtt.order", "transcript", ERROR, "cue {cue} runs backwards or out of order",
         _cues_out_of_order),
    Rule("transcript.vtt.line", "transcript", ERROR,
         f"cue {{cue}} has a line of {{length}} characters (max {VTT_LINE_MAX})",
         lambda t: [{"cue": c.number, "length": len(line)} for c in t.cues if c.timing
                    for line in c.lines if len(line) > VTT_LINE_MAX]),
    # A chapters JSON file.
    Rule("chapters.json", "chapters", ERROR, "not valid JSON: {error}",
         lambda c: c.data[0] is None and {"error": c.data[1]}, gate=True),
    Rule("chapters.version", "chapters", ERROR, "missing or unknown version",
         lambda c: not isinstance(c.data[0], dict)
         or not str(c.data[0].get("version", "")).startswith("1."), gate=True),
    Rule("chapters.list", "chapters", ERROR, "no chapters",
         lambda c: not isinstance(c.data[0].get("chapters"), list) or not c.data[0]["chapters"],
         gate=True),
    Rule("chapters.start", "chapters", ERROR, "chapter {chapter} has no numeric startTime",
         _chapter_without_start, gate=True),
    Rule("chapters.title", "chapters", ERROR, "chapter {chapter} has no title",
         lambda c: [{"chapter": n} for n, ch in enumerate(c.chapters, 1)
                    if not str(ch.get("title", "")).strip()]),
    Rule("chapters.order", "chapters", ERROR, "startTime values are not ascending",
         lambda c: _chapter_starts(c) != sorted(_chapter_starts(c))),
)  # fmt: skip

WHERE = ("site", "feed", "channel", "artwork", "item", "mp3", "transcript", "chapters")


def rules_for(where: str) -> tuple[Rule, ...]:
    """The rules that apply to one kind of subject, in the table's order."""
    return tuple(rule for rule in RULES if rule.where == where)
