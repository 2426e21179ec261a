"""Which published episodes a store answers for: the guard against a lost store, and adopting.

The site's feeds are the public record. A run whose store does not know an episode the
feeds list (the store was emptied or deleted, or the run started in another folder with
``--site`` pointing at the site) would publish feeds without it and delete its files, so
:func:`check_site_is_ours` refuses before anything is made. :func:`adopt` is the way on
when the store really is lost: it rebuilds the store's records from the published feeds,
pages, transcripts and chapters, keeping every guid.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import re
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from podcast.core.cues import TranscriptCue
from podcast.core.episode import Episode
from podcast.core.errors import PublishError
from podcast.core.settings import ENV_STATE, Settings
from podcast.core.store import Store
from podcast.publish.feed import feed_files, feed_series
from podcast.publish.site import EPISODES_DIR, site_name
from podcast.read.urls import safe_url

_LOGGER = logging.getLogger(__name__)

#: Namespaces of the tags read back from a feed.
_NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
}
#: The fingerprint of an adopted episode: it matches no plan, so its article is built again
#: when it next comes (keeping its guid), and its files are replaced then.
ADOPTED = "adopted"


class UnknownEpisodes(PublishError):
    """The site lists episodes the episode store has no record of."""


def _items(path: Path) -> list[Any]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (etree.XMLSyntaxError, OSError) as error:
        raise PublishError(f"cannot read the published feed {path}: {error}") from None
    return list(root.iter("item"))


def published_guids(site: Path) -> set[str]:
    """The guids of every episode the site's feeds list."""
    guids: set[str] = set()
    for path in feed_files(site):
        for item in _items(path):
            guid = (item.findtext("guid") or "").strip()
            if guid:
                guids.add(guid)
    return guids


class AnotherSite(PublishError):
    """The episode store publishes another site than the one asked for."""


def check_one_site(store: Store, settings: Settings) -> None:
    """Refuse a site other than the one this store publishes.

    One store serves one site: an episode built for a preview site would otherwise be listed
    in the main site's feeds without its files there, and the preview would list the main
    site's episodes without theirs.
    """
    own = store.own_site()
    if own is not None and own != site_name(settings):
        home = Path(os.path.normpath(settings.state.resolve() / own))
        raise AnotherSite(
            f"the episode store {store.path} publishes the site {home}, not {settings.site}: "
            f"one store serves one site; for another, use another state folder ({ENV_STATE}, "
            "or [paths] state in its config); nothing was changed"
        )


def check_site_is_ours(store: Store, settings: Settings) -> None:
    """Refuse to go on when the site is not this store's (:func:`check_one_site`), or its
    feeds list episodes this store has no record of."""
    check_one_site(store, settings)
    unknown = published_guids(settings.site) - store.guids()
    if unknown:
        raise UnknownEpisodes(
            f"the site {settings.site} lists {len(unknown)} episode(s) that the episode store "
            f"{store.path} has no record of: run from the working folder that built it (or set "
            f"{ENV_STATE} to its state folder), or run `audio-edition adopt` to take them into "
            "this store; nothing was changed"
        )


@dataclass(frozen=True)
class Adopted:
    """What :func:`adopt` did."""

    episodes: tuple[str, ...]
    """Titles of the episodes taken into the store."""
    missing: tuple[str, ...]
    """Titles of items whose MP3 is not in the site (left out)."""


def adopt(store: Store, settings: Settings) -> Adopted:
    """Take every episode the site's feeds list and the store does not know into the store.

    Each keeps its guid, files, date, transcript and chapters; it is rebuilt when its
    article is next built. Nothing in the site is changed.
    """
    check_one_site(store, settings)
    known = store.guids()
    adopted: list[str] = []
    missing: list[str] = []
    seen: set[str] = set()
    for path in feed_files(settings.site):
        series = feed_series(settings.site, path)
        for item in _items(path):
            guid = (item.findtext("guid") or "").strip()
            if not guid or guid in known or guid in seen:
                continue
            seen.add(guid)
            episode = _episode(item, guid, settings, series)
            if episode is None:
                missing.append(item.findtext("title") or guid)
                continue
            store.record_files(_files_of(episode))
            store.save(episode)
            adopted.append(episode.title)
    return Adopted(tuple(adopted), tuple(missing))


def _files_of(episode: Episode) -> list[str]:
    return [
        f
        for f in (
            episode.audio,
            episode.transcript,
            episode.srt,
            episode.chapters,
            episode.page,
            episode.image,
        )
        if f
    ]


def _site_file(url: str, site: Path | None = None) -> str:
    """The site-relative name of an episode file from its URL (the base URL may have changed):
    the longest end of its path that is a file in ``site`` (a site another tool made keeps
    its MP3s in ``media/`` or deeper), else the file's name in ``episodes/``. Never a name
    outside the site."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    parts = [p for p in path.split("/") if p]
    if not parts or any(p in (".", "..") or "\0" in p for p in parts):
        return ""
    if site is not None:
        for start in range(len(parts)):
            relative = "/".join(parts[start:])
            if (site / relative).is_file() and not (site / relative).is_symlink():
                return relative
    return f"{EPISODES_DIR}/{parts[-1]}"


def _description(item: Any, disclosure: str) -> str:
    """The item's description without the disclosure the feed puts as its first line."""
    from podcast.read.formats import html_text

    text = item.findtext("description") or ""
    if disclosure and text.startswith(disclosure):
        text = text[len(disclosure) :].lstrip("\n")
    return html_text(text)


def _own_image(item: Any, site: Path) -> str:
    """The item's own artwork, when it is an episode file in the site (else the show's cover)."""
    tag = item.find("itunes:image", _NS)
    image = _site_file(tag.get("href", ""), site) if tag is not None else ""
    own = image.startswith(f"{EPISODES_DIR}/")  # not the show's cover, which items carry too
    return image if own and (site / image).is_file() else ""


def _episode(item: Any, guid: str, settings: Settings, series: str = "") -> Episode | None:
    from audio.tags import mp3_layout
    from podcast.core.episode import guid_for
    from podcast.read.fields import slugify
    from podcast.read.model import key_candidates

    site = settings.site
    title = " ".join((item.findtext("title") or "").split())
    enclosure = item.find("enclosure")
    audio = _site_file(enclosure.get("url", ""), site) if enclosure is not None else ""
    if not audio or not (site / audio).is_file():
        _LOGGER.warning("not adopted, its MP3 is not in the site: %s", title)
        return None
    transcripts = {
        t.get("type"): _site_file(t.get("url", ""), site)
        for t in item.iterfind("podcast:transcript", _NS)
    }
    chapters_tag = item.find("podcast:chapters", _NS)
    chapters = _site_file(chapters_tag.get("url", ""), site) if chapters_tag is not None else ""
    slug = slugify(title)
    link = safe_url(item.findtext("link") or "")
    page = f"{EPISODES_DIR}/{slug}-{guid[:8]}.html"
    if link.endswith(f"/{page}") or link.rstrip("/").endswith(page):
        link = ""  # the feed links to our own page: the article had no address of its own
    try:
        published = email.utils.parsedate_to_datetime(item.findtext("pubDate") or "")
    except (TypeError, ValueError):
        published = datetime.now(UTC)
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    published = published.astimezone(UTC)
    keys = key_candidates(title, link, series, published)
    layout = mp3_layout(site / audio)
    return Episode(
        key=next((k for k in keys if guid_for(k) == guid), keys[0]),
        guid=guid,
        slug=slug,
        title=title,
        published=published.astimezone(UTC),
        audio=audio,
        audio_bytes=(site / audio).stat().st_size,
        duration=layout.seconds,
        bitrate=layout.bitrate,
        audio_start=layout.audio_start,
        transcript=transcripts.get("text/vtt", ""),
        chapters=chapters,
        voice=_voice_of(site / audio),
        fingerprint=ADOPTED,
        author=" ".join((item.findtext("itunes:author", namespaces=_NS) or "").split()),
        summary=_description(item, settings.show.disclosure),
        url=link,
        categories=tuple(
            c.text.strip() for c in item.iterfind("category") if c.text and c.text.strip()
        ),
        srt=transcripts.get("application/x-subrip", ""),
        cues=_cues(site / page, site / transcripts.get("text/vtt", "-")),
        marks=_marks(site / chapters) if chapters else (),
        image=_own_image(item, site),
        series=series,
    )


def _voice_of(mp3: Path) -> str:
    from mutagen.id3 import ID3, ID3NoHeaderError

    try:
        artist = str(ID3(str(mp3)).get("TPE1") or "")
    except (ID3NoHeaderError, OSError):
        return ""
    match = re.search(r"read by (.+?) \(AI voice\)", artist)
    return match.group(1) if match else ""


def _cues(page: Path, vtt: Path) -> tuple[TranscriptCue, ...]:
    """The transcript from the episode page (with its paragraphs), else from the WebVTT file."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        doc = lxml_html.fromstring(page.read_bytes())
    except (OSError, etree.ParserError, ValueError):
        doc = None
    cues: list[TranscriptCue] = []
    if doc is not None:
        for index, paragraph in enumerate(doc.xpath("//section[@class='transcript']/p[span]")):
            kind = "heading" if "heading" in (paragraph.get("class") or "") else "body"
            for span in paragraph.iterfind("span"):
                try:
                    start, end = float(span.get("data-start")), float(span.get("data-end"))
                except (TypeError, ValueError):
                    continue
                cues.append(
                    TranscriptCue(start, end, " ".join(span.text_content().split()), index, kind)
                )
    if cues:
        return tuple(cues)
    return tuple(_vtt_cues(vtt))


def _vtt_cues(vtt: Path) -> list[TranscriptCue]:
    try:
        text = vtt.read_text(encoding="utf-8")
    except OSError:
        return []
    cues = []
    stamp = r"(\d+):(\d\d):(\d\d)\.(\d{3})"
    for index, block in enumerate(text.split("\n\n")):
        lines = block.strip().splitlines()
        for number, line in enumerate(lines):
            match = re.match(stamp + r" --> " + stamp, line)
            if match:
                h1, m1, s1, f1, h2, m2, s2, f2 = map(int, match.groups())
                words = " ".join(lines[number + 1 :])
                words = words.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                cues.append(TranscriptCue(
                    h1 * 3600 + m1 * 60 + s1 + f1 / 1000, h2 * 3600 + m2 * 60 + s2 + f2 / 1000,
                    words, index, "body",
                ))  # fmt: skip
                break
    return cues


def _marks(path: Path) -> tuple[tuple[float, str], ...]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return tuple((float(c["startTime"]), str(c["title"])) for c in data["chapters"])
    except (OSError, ValueError, KeyError, TypeError):
        return ()
