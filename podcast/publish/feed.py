"""Podcast feeds: the main feed, its archive pages, and category feeds, rendered with jinja2.

The main feed ``feed.xml`` holds the newest ``show.feed_size`` episodes. Once there are more,
every episode is also on an archive page of ``show.feed_size`` episodes, in the order they were
added: ``feed-archive-1.xml`` the oldest, each page fixed once full, so publishing one new
episode rewrites the head, the newest page and its own pages, never the archive. The pages
are linked as RFC 5005 paged feeds (``atom:link`` ``first`` = the head, ``last`` = the oldest
page, ``next`` = older, ``previous`` = newer), which gPodder follows from the head down. A
category feed ``feeds/NAME.xml`` (and the briefing's) is a feed of its own, paged the same way.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from podcast.core.episode import Episode
from podcast.core.settings import CategoryFeed, Settings
from podcast.publish.artwork import image_size
from podcast.read.urls import safe_url

#: Podcasting 2.0 namespace for ``podcast:guid`` (UUIDv5 over the feed URL).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
#: Apple's and the namespace's limit on descriptions, in bytes.
MAX_DESCRIPTION_BYTES = 4000
FEED_FILE = "feed.xml"
FEEDS_DIR = "feeds"

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(value: Any) -> Any:
    """Drop characters XML 1.0 forbids (control characters, U+FFFE, U+FFFF) from strings.

    Markup stays Markup: ``tojson``'s output, made safe for a ``<script>``, was turned back
    into a plain string here and escaped by autoescape (``{&#34;@context&#34;…``), which no
    JSON-LD reader parses."""
    if isinstance(value, str):
        import markupsafe

        cleaned = _NOT_XML.sub("", value)
        return markupsafe.Markup(cleaned) if isinstance(value, markupsafe.Markup) else cleaned
    return value


@functools.cache
def environment() -> Any:
    """The jinja2 environment for every published file: autoescape on, undefined is an error.

    Made once per process, so each template is compiled once (a batch publishes often)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("podcast", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=xml_safe,
    )


def podcast_guid(feed_url: str) -> str:
    """``podcast:guid``: UUIDv5 over the feed URL without scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def truncate_bytes(text: str, limit: int = MAX_DESCRIPTION_BYTES) -> str:
    """``text`` cut at a word so its UTF-8 form is at most ``limit`` bytes."""
    text = " ".join(text.split())
    if len(text.encode("utf-8")) <= limit:
        return text
    cut = text.encode("utf-8")[: limit - 3].decode("utf-8", "ignore")
    return cut.rsplit(" ", 1)[0] + "…"


def feed_files(site: Path) -> list[Path]:
    """Every feed page the site publishes: the main feed, its older pages, the category feeds."""
    found = [site / FEED_FILE] if (site / FEED_FILE).is_file() else []
    found += sorted(site.glob("feed-*.xml"), key=lambda p: (len(p.name), p.name))
    found += sorted((site / FEEDS_DIR).glob("*.xml")) if (site / FEEDS_DIR).is_dir() else []
    return [p for p in found if p.is_file()]


def site_url(settings: Settings, relative: str) -> str:
    """The public URL of a site-relative path (ASCII, percent-encoded)."""
    base = settings.show.base_url.rstrip("/") + "/"
    return base + quote(relative, safe="/")


def rfc2822(when: datetime) -> str:
    """``Wed, 15 Jun 2019 19:00:00 GMT``."""
    return format_datetime(when.astimezone(UTC), usegmt=True)


@dataclass(frozen=True)
class FeedSpec:
    """One feed: which episodes, where, and what its channel says."""

    stem: str
    """Site-relative path without ``.xml``: ``feed`` or ``feeds/NAME``."""
    title: str
    description: str
    categories: tuple[str, ...] = ()
    """Only episodes with one of these categories; empty for all."""
    series: str = ""
    """Only episodes of this series (``briefing``); empty: the show's own episodes."""

    def page_file(self, number: int) -> str:
        """Site-relative file of archive page ``number`` (1: the oldest), or the head (0)."""
        return f"{self.stem}.xml" if number == 0 else f"{self.stem}-archive-{number}.xml"

    def wants(self, episode: Episode) -> bool:
        """Whether ``episode`` belongs in this feed."""
        if episode.series != self.series:
            return False
        if not self.categories:
            return True
        wanted = {c.casefold() for c in self.categories}
        return any(c.casefold() in wanted for c in episode.categories)


#: The series of the daily briefing, and its feed's name (``feeds/briefing.xml``).
BRIEFING = "briefing"


def feed_series(site: Path, path: Path) -> str:
    """The series whose episodes the feed page at ``path`` lists: ``briefing`` for the
    briefing's feed and its archive pages, empty for the show's own feeds."""
    stem = site / FEEDS_DIR / BRIEFING
    briefing = path == stem.with_suffix(".xml") or path.name.startswith(f"{BRIEFING}-archive-")
    return BRIEFING if briefing and path.parent == stem.parent else ""


def feed_specs(settings: Settings, episodes: Sequence[Episode] = ()) -> list[FeedSpec]:
    """The main feed, then one per ``[[feeds]]`` entry, then the briefing's once there is one."""
    show = settings.show
    specs = [FeedSpec("feed", show.title, show.description)]
    for feed in settings.feeds:
        specs.append(_category_spec(feed, settings))
    if any(episode.series == BRIEFING for episode in episodes):
        briefing = settings.briefing
        specs.append(FeedSpec(f"{FEEDS_DIR}/{BRIEFING}", briefing.title, briefing.description,
                              series=BRIEFING))  # fmt: skip
    return specs


def _category_spec(feed: CategoryFeed, settings: Settings) -> FeedSpec:
    title = feed.title or f"{settings.show.title}: {', '.join(feed.categories)}"
    return FeedSpec(
        f"{FEEDS_DIR}/{feed.name}",
        title,
        feed.description or settings.show.description,
        feed.categories,
    )


def item(episode: Episode, settings: Settings) -> dict[str, Any]:
    """What the feed and the pages show of one episode."""
    minutes, seconds = divmod(int(round(episode.duration)), 60)
    return {
        "title": episode.title,
        "guid": episode.guid,
        "pub_date": rfc2822(episode.published),
        "published_iso": episode.published.astimezone(UTC).isoformat(),
        "published_human": episode.published.astimezone(UTC).strftime("%-d %B %Y"),
        "link": safe_url(episode.url) or site_url(settings, episode.page),
        "article_url": safe_url(episode.url),
        "page_url": site_url(settings, episode.page),
        "embed_url": site_url(settings, episode.embed),
        "embed_file": episode.embed,
        "oembed_url": site_url(settings, episode.oembed),
        "page_file": episode.page,
        "author": episode.author,
        # The AI disclosure is the description's first line (Apple asks it in the metadata).
        "description": disclosed(settings.show.disclosure, episode.summary or episode.title),
        "summary": episode.summary or episode.title,
        "ai_content": ai_content(settings.show.disclosure, episode.voice),
        "show_notes": show_notes(episode, settings),
        "image_url": site_url(settings, episode.image) if episode.image else "",
        "image_size": image_size(settings.site / episode.image) if episode.image else None,
        "image_file": episode.image,
        "creator": episode.author or settings.show.author,
        "categories": list(episode.categories),
        "audio_url": site_url(settings, episode.audio),
        "audio_file": episode.audio,
        "audio_bytes": episode.audio_bytes,
        "duration": int(round(episode.duration)),
        "duration_iso": f"PT{minutes}M{seconds}S",
        "duration_human": f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s",
        "transcript_url": site_url(settings, episode.transcript),
        "transcript_file": episode.transcript,
        "srt_url": site_url(settings, episode.srt) if episode.srt else "",
        "chapters_url": site_url(settings, episode.chapters),
        # Podlove Simple Chapters, inline: what gPodder and many other clients read.
        "psc": [{"start": npt(start), "title": title} for start, title in episode.marks],
        "chapters_file": episode.chapters,
        "voice": episode.voice,
        "voice_label": spoken_by(settings, episode.voice),
        # Where the players send their beacons: the service's, when they are on.
        "beacon_url": site_url(settings, "api/listen") if settings.service.sends_beacons else "",
    }


def spoken_by(settings: Settings, voice: str) -> str:
    """How the pages name the voice that read an episode: ``voice.label`` when set, else from
    the voice's own config (or, for a voice no longer here, its name)."""
    if settings.voice.label:
        return settings.voice.label
    return _label(voice, settings.voices_folder)


@functools.lru_cache(maxsize=64)
def _label(voice: str, folder: Path) -> str:
    from voices.catalogue import find_voice, voice_label
    from voices.errors import VoiceError

    try:
        return find_voice(voice, folder).label or voice_label(voice)
    except (VoiceError, OSError):
        return voice_label(voice)


def npt(seconds: float) -> str:
    """``HH:MM:SS.mmm``, the normal play time Podlove Simple Chapters use."""
    millis = int(round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss``."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def show_notes(episode: Episode, settings: Settings) -> str:
    """``content:encoded``: the disclosure, the summary, a link to the article, the chapters
    with their times (HTML; the feed escapes it)."""
    from html import escape

    notes = [f"<p>{escape(settings.show.disclosure)}</p>",
             f"<p>{escape(episode.summary or episode.title)}</p>"]  # fmt: skip
    if safe_url(episode.url):
        notes.append(f'<p><a href="{escape(safe_url(episode.url))}">Read the article</a></p>')
    if episode.marks:
        chapters = "".join(
            f"<li>{clock(start)} {escape(title)}</li>" for start, title in episode.marks
        )
        notes.append(f"<p>Chapters:</p><ul>{chapters}</ul>")
    return "".join(notes)


def disclosed(disclosure: str, text: str) -> str:
    """An item's description: the AI disclosure as its first line, then ``text``, within
    Apple's 4000 bytes."""
    first = truncate_bytes(disclosure, MAX_DESCRIPTION_BYTES // 2)
    rest = truncate_bytes(text, MAX_DESCRIPTION_BYTES - len(first.encode()) - 1)
    return f"{first}\n{rest}" if first else rest


def ai_content(disclosure: str, voice: str) -> str:
    """The text of ``<podcast:txt purpose="ai-content">``: the disclosure and the voice."""
    return f"{disclosure} Voice: {voice} (synthetic speech, piper)."


def archive_pages(total: int, size: int) -> int:
    """How many archive pages a feed of ``total`` episodes has: full pages only (none while
    the head holds all). The episodes after the last full page are in the head, which holds
    the newest ``size``; so a page, once written, never changes but for its link to a newer
    page, and a new episode re-renders no archive page until one fills."""
    return 0 if total <= size else (total - 1) // size


def page_links(spec: FeedSpec, number: int, pages: int, settings: Settings) -> dict[str, str]:
    """The RFC 5005 links of the head (``number`` 0) or archive page ``number`` of ``pages``."""
    url = functools.partial(site_url, settings)
    links = {"self": url(spec.page_file(number))}
    if pages:
        links["first"] = url(spec.page_file(0))
        links["last"] = url(spec.page_file(1))
    if number == 0:
        if pages:
            links["next"] = url(spec.page_file(pages))
    else:
        links["previous"] = url(spec.page_file(number + 1 if number < pages else 0))
        if number > 1:
            links["next"] = url(spec.page_file(number - 1))
    return links


def render_feed_page(
    spec: FeedSpec,
    number: int,
    pages: int,
    episodes: Sequence[Episode],
    settings: Settings,
    artwork_file: str,
    template: Any = None,
) -> str:
    """The head (``number`` 0) or one archive page of ``spec`` listing ``episodes``."""
    template = template or environment().get_template("feed.xml.j2")
    show = settings.show
    channel = {
        "title": spec.title,
        "description": truncate_bytes(spec.description),
        "link": show.link or show.base_url,
        "links": page_links(spec, number, pages, settings),
        "artwork_url": site_url(settings, artwork_file),
        "artwork_size": image_size(settings.site / artwork_file),
        "podcast_guid": podcast_guid(site_url(settings, spec.page_file(0))),
        "copyright": show.copyright or f"© {datetime.now(UTC).year} {show.author}",
        "last_build": rfc2822(datetime.now(UTC)),
    }
    return str(
        template.render(show=show, channel=channel, items=[item(e, settings) for e in episodes])
    )


def added_order(episode: Episode) -> tuple[str, str]:
    """The order episodes were added in (the archive's), as the store sorts it."""
    return ((episode.created or episode.published).isoformat(), episode.key)


def render_feed(
    spec: FeedSpec,
    episodes: Sequence[Episode],
    settings: Settings,
    artwork_file: str,
    template: Any = None,
) -> dict[str, str]:
    """The head and every archive page of ``spec`` (``episodes`` newest first) as
    {site-relative file: XML}."""
    size = settings.show.feed_size
    chosen = [e for e in episodes if spec.wants(e)]
    pages = archive_pages(len(chosen), size)
    rendered = {
        spec.page_file(0): render_feed_page(
            spec, 0, pages, chosen[:size], settings, artwork_file, template
        )
    }
    added = sorted(chosen, key=added_order)
    for number in range(1, pages + 1):
        page = added[(number - 1) * size : number * size][::-1]
        rendered[spec.page_file(number)] = render_feed_page(
            spec, number, pages, page, settings, artwork_file, template
        )
    return rendered
