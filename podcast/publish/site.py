"""Publishing: write the feeds, the pages and the artwork from the store, atomically, then tidy up.

Every file is written beside its target and renamed over it, so a reader (or
a crash) sees the old site or the new one, never half of either. Episode files
no episode points to any more are removed last.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from audio.atomic import sweep, write_bytes, write_text
from podcast.core.errors import ConfigError, PublishError
from podcast.core.faults import fault_point
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.publish.artwork import Artwork, default_artwork, load_artwork
from podcast.publish.feed import FEED_FILE, environment, feed_specs, render_feed
from podcast.publish.pages import (
    INDEX_FILE,
    assets,
    page_key,
    render_embed,
    render_episode_page,
    render_index,
    render_oembed,
    site_key,
)

_LOGGER = logging.getLogger(__name__)

EPISODES_DIR = "episodes"
#: Checksums of the inputs of each episode page, in the state folder.
__all__ = ["EPISODES_DIR", "FEED_FILE", "INDEX_FILE", "Published", "publish", "show_artwork"]


@dataclass(frozen=True)
class Published:
    """What a publish wrote."""

    feed: Path
    index: Path
    episodes: int
    files: tuple[str, ...]
    """Every site-relative file written."""


#: The generated default cover, kept in the state folder so it is drawn once.
#: The generated default cover, drawn once by :func:`default_artwork` and shipped (a test
#: checks the two still agree), so no build pays for drawing it.
DEFAULT_ARTWORK = Path(__file__).parent.parent / "data" / "default-cover.png"


def show_artwork(settings: Settings) -> Artwork:
    """The configured artwork (checked), or the shipped default cover."""
    if settings.show.artwork:
        return load_artwork(settings.resolve(settings.show.artwork))
    try:
        return load_artwork(DEFAULT_ARTWORK)
    except ConfigError:  # pragma: no cover - only if the installed package lost its data file
        return default_artwork()


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        write_bytes(path, data)


def publish(store: Store, settings: Settings, artwork: Artwork) -> Published:
    """Write every feed page, category feed, web page and the artwork; drop stale files.

    Episode pages are rendered only when their inputs changed (a manifest of
    checksums in the state folder says which), so publishing after one new
    article does not rewrite ten thousand pages.
    """
    try:
        settings.site.mkdir(parents=True, exist_ok=True)
        store.claim_site(site_name(settings))
        artwork_file = "cover" + artwork.suffix
        _write_if_changed(settings.site / artwork_file, artwork.data)
        episodes = store.episodes(transcripts=False)
        specs = feed_specs(settings, episodes)
        template = environment().get_template("feed.xml.j2")
        written: dict[str, str] = {}
        for spec in specs:
            written.update(render_feed(spec, episodes, settings, artwork_file, template))
        own = [episode for episode in episodes if not episode.series]
        written[INDEX_FILE] = render_index(own, settings, artwork_file, specs[1:])
        written.update(assets())
        manifest_path = settings.folders.pages_manifest
        manifest = _read_manifest(manifest_path)
        shared = site_key(settings, artwork_file)
        current: dict[str, str] = {}
        page_template = environment().get_template("episode.html.j2")
        embed_template = environment().get_template("embed.html.j2")
        for episode in episodes:
            key = page_key(episode, shared)
            current[episode.page] = key
            if manifest.get(episode.page) != key or not (settings.site / episode.page).is_file():
                full = store.get(episode.key)
                assert full is not None
                written[episode.page] = render_episode_page(
                    full, settings, artwork_file, page_template
                )
                written[episode.embed] = render_embed(full, settings, embed_template)
                written[episode.oembed] = render_oembed(full, settings, artwork_file)
        store.record_files(written)
        # Pages first, the main feed last: an app never sees a feed naming files not yet there.
        for name in sorted(written, key=lambda n: n == FEED_FILE):
            if name == FEED_FILE:
                fault_point("feed")
            write_text(settings.site / name, written[name])
        write_text(manifest_path, json.dumps(current))
        remove_stale(store, settings, set(written) | {artwork_file})
    except OSError as error:
        raise PublishError(
            f"cannot write the site in {settings.site}: {error.strerror or error}"
        ) from None
    return Published(
        feed=settings.site / FEED_FILE,
        index=settings.site / INDEX_FILE,
        episodes=len(episodes),
        files=tuple(sorted(written)),
    )


def site_name(settings: Settings) -> str:
    """The site as the store records it (:meth:`Store.claim_site`): its path from the state
    folder, so a working folder moved whole, state and site together, still knows its site."""
    return os.path.relpath(settings.site.resolve(), settings.state.resolve())


def needs_publish(store: Store, settings: Settings) -> bool:
    """True when the store holds changes the published feed does not show yet.

    That is the case after a run was killed between recording an episode and
    writing the feed; the next run then publishes even if it builds nothing.
    """
    feed = settings.site / FEED_FILE
    if not feed.is_file():
        return True
    row = store.db.execute("SELECT max(updated) FROM episodes").fetchone()
    if not row or not row[0]:
        return False
    return datetime.fromisoformat(row[0]).timestamp() > feed.stat().st_mtime


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remove_stale(store: Store, settings: Settings, written: set[str]) -> list[str]:
    """Delete the files a run put into the site that nothing points to any more.

    Only files the store recorded when they were published are candidates: a file the
    tool has no record of (another tool's, or one a lost store knew) is never deleted.
    """
    keep = store.referenced_files() | written
    # Temporary files a killed process left half-written (only one process publishes at a time).
    for folder in (settings.site, settings.site / EPISODES_DIR, settings.site / "feeds"):
        sweep(folder)
    removed = sorted(store.recorded_files() - keep)
    for relative in removed:
        (settings.site / relative).unlink(missing_ok=True)
    store.forget_files(removed)
    if removed:
        _LOGGER.info("removed %d stale files", len(removed))
    return removed
