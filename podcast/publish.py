"""Publishing: the feed and the pages, rendered from the store with jinja2 and written atomically."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .artwork import Artwork, default_artwork, load_artwork
from .errors import PublishError
from .fsutil import atomic_write_bytes, atomic_write_text
from .settings import Settings
from .store import Episode, Store

_LOGGER = logging.getLogger(__name__)

#: Podcasting 2.0 namespace for ``podcast:guid`` (UUIDv5 over the feed URL).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
#: Apple's and the namespace's limit on descriptions, in bytes.
MAX_DESCRIPTION_BYTES = 4000
FEED_FILE = "feed.xml"
INDEX_FILE = "index.html"
EPISODES_DIR = "episodes"


@dataclass(frozen=True)
class Published:
    """What a publish wrote."""

    feed: Path
    index: Path
    episodes: int


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


def site_url(settings: Settings, relative: str) -> str:
    """The public URL of a site-relative path (ASCII, percent-encoded)."""
    base = settings.show.base_url.rstrip("/") + "/"
    return base + quote(relative, safe="/")


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(value: Any) -> Any:
    """Drop characters XML 1.0 forbids (control characters, U+FFFE, U+FFFF) from strings."""
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("podcast", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=xml_safe,
    )


def _duration_human(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _item(episode: Episode, settings: Settings) -> dict[str, Any]:
    return {
        "title": episode.title,
        "guid": episode.guid,
        "pub_date": format_datetime(episode.published.astimezone(UTC), usegmt=True),
        "published_iso": episode.published.astimezone(UTC).isoformat(),
        "published_human": episode.published.astimezone(UTC).strftime("%-d %B %Y"),
        "link": episode.url,
        "author": episode.author,
        "description": truncate_bytes(episode.summary or episode.title),
        "audio_url": site_url(settings, episode.audio),
        "audio_file": episode.audio,
        "audio_bytes": episode.audio_bytes,
        "duration": int(round(episode.duration)),
        "duration_human": _duration_human(episode.duration),
        "transcript_url": site_url(settings, episode.transcript),
        "transcript_file": episode.transcript,
        "chapters_url": site_url(settings, episode.chapters),
        "chapters_file": episode.chapters,
    }


def show_artwork(settings: Settings) -> Artwork:
    """The configured artwork (checked), or the generated default."""
    if settings.show.artwork:
        return load_artwork(settings.resolve(settings.show.artwork))
    return default_artwork()


def _write_artwork(settings: Settings, artwork: Artwork) -> str:
    name = "cover" + artwork.suffix
    path = settings.site / name
    if not path.exists() or path.read_bytes() != artwork.data:
        atomic_write_bytes(path, artwork.data)
    return name


def publish(store: Store, settings: Settings, artwork: Artwork) -> Published:
    """Write ``feed.xml`` and ``index.html`` for every episode in ``store``, then drop orphans."""
    try:
        settings.site.mkdir(parents=True, exist_ok=True)
        artwork_file = _write_artwork(settings, artwork)
        episodes = store.episodes()
        show = settings.show
        channel = {
            "link": show.link or show.base_url,
            "feed_url": site_url(settings, FEED_FILE),
            "artwork_url": site_url(settings, artwork_file),
            "artwork_file": artwork_file,
            "podcast_guid": podcast_guid(site_url(settings, FEED_FILE)),
            "copyright": show.copyright or f"© {datetime.now(UTC).year} {show.author}",
            "last_build": format_datetime(datetime.now(UTC), usegmt=True),
            "version": _version(),
        }
        context = {
            "show": show,
            "channel": channel,
            "items": [_item(e, settings) for e in episodes],
        }
        env = _environment()
        feed = settings.site / FEED_FILE
        index = settings.site / INDEX_FILE
        atomic_write_text(feed, env.get_template("feed.xml.j2").render(**context))
        atomic_write_text(index, env.get_template("index.html.j2").render(**context))
        remove_orphans(store, settings)
    except OSError as error:
        raise PublishError(f"cannot write the site in {settings.site}: {error}") from None
    return Published(feed=feed, index=index, episodes=len(episodes))


def remove_orphans(store: Store, settings: Settings) -> list[str]:
    """Delete episode files no episode points to any more (after the feed stopped naming them)."""
    folder = settings.site / EPISODES_DIR
    if not folder.is_dir():
        return []
    keep = store.referenced_files()
    removed = []
    for path in folder.iterdir():
        relative = f"{EPISODES_DIR}/{path.name}"
        if path.is_file() and relative not in keep:
            path.unlink()
            removed.append(relative)
    return removed


def _version() -> str:
    try:
        return version("audio-edition")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "dev"
