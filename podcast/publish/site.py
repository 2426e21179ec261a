"""Publishing: write the feeds, the pages and the artwork from the store, atomically, then tidy up.

Every file is written beside its target and renamed over it, so a reader (or
a crash) sees the old site or the new one, never half of either. Episode files
no episode points to any more are removed last.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from audio.atomic import sweep, write_bytes, write_text
from podcast.core.episode import Episode
from podcast.core.errors import ConfigError, PublishError
from podcast.core.faults import fault_point
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.publish.artwork import Artwork, default_artwork, load_artwork
from podcast.publish.feed import (
    BRIEFING,
    FEED_FILE,
    FeedSpec,
    archive_pages,
    environment,
    feed_specs,
    render_feed,
    render_feed_page,
)
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


#: Bumped when the layout of the published files changes: the next publish writes them all.
LAYOUT = "3"


def publish(store: Store, settings: Settings, artwork: Artwork, *, full: bool = False) -> Published:
    """Write the feeds, the web pages and the artwork from the store; drop what is stale.

    After the first, a publish writes only what changed since the last (:func:`_changes`): the
    head of each feed, the archive pages that hold a changed episode, the index, the changed
    episodes' own pages, and removes the files their rebuilds left. It reads only that of the
    store, so its cost does not grow with the archive. Everything is written again (``full``)
    when the settings or templates that shape every page changed, after episodes were
    removed, or when asked; that also sweeps any file the store recorded and no episode names.
    """
    from podcast.core.listing import Listing

    try:
        settings.site.mkdir(parents=True, exist_ok=True)
        store.claim_site(site_name(settings))
        listing = Listing(store)
        artwork_file = "cover" + artwork.suffix
        _write_if_changed(settings.site / artwork_file, artwork.data)
        high_water = listing.high_water()
        specs = feed_specs(settings, listing.newest(1, BRIEFING))
        shape = _shape(settings, artwork_file, specs)
        changed = None if full else _changes(listing, settings, shape)
        if changed is None:
            written, shown = _everything(store, settings, artwork_file, specs)
        else:
            written, shown = _only(changed, store, listing, settings, artwork_file, specs)
        written.update(assets())
        store.record_files(written)
        # Pages first, the main feed last: an app never sees a feed naming files not yet there.
        for name in sorted(written, key=lambda n: n == FEED_FILE):
            if name == FEED_FILE:
                fault_point("feed")
            write_text(settings.site / name, written[name])
        if changed is None:
            remove_stale(store, settings, set(written) | {artwork_file})
        _sweep_left(store, listing, settings, set(written) | {artwork_file})
        listing.set_meta({"publish.mark": high_water, "publish.shape": shape, "publish.full": ""})
    except OSError as error:
        raise PublishError(
            f"cannot write the site in {settings.site}: {error.strerror or error}"
        ) from None
    return Published(
        feed=settings.site / FEED_FILE,
        index=settings.site / INDEX_FILE,
        episodes=shown,
        files=tuple(sorted(written)),
    )


def _shape(settings: Settings, artwork_file: str, specs: list[FeedSpec]) -> str:
    """A checksum of what shapes every published file besides the episodes themselves."""
    from importlib.resources import files

    templates = [files("podcast").joinpath(f"templates/{name}").read_text("utf-8")
                 for name in ("feed.xml.j2", "index.html.j2")]  # fmt: skip
    payload = json.dumps(
        [LAYOUT, site_key(settings, artwork_file), templates, [repr(s) for s in specs]],
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _changes(listing: Any, settings: Settings, shape: str) -> list[Episode] | None:
    """The episodes saved since the last publish; None when everything is to be written."""
    mark = listing.meta("publish.mark")
    if (
        not mark
        or listing.meta("publish.shape") != shape
        or listing.meta("publish.full")
        or not (settings.site / FEED_FILE).is_file()
    ):
        return None
    changed: list[Episode] = listing.changed_since(mark)
    return changed


def _everything(
    store: Store, settings: Settings, artwork_file: str, specs: list[FeedSpec]
) -> tuple[dict[str, str], int]:
    """Every feed page and the index; the episode pages whose inputs changed (a manifest of
    checksums in the state folder says which)."""
    from podcast.core.listing import Listing

    episodes = store.episodes(transcripts=False)
    template = environment().get_template("feed.xml.j2")
    written: dict[str, str] = {}
    pages: dict[str, str] = {}
    for spec in specs:
        written.update(render_feed(spec, episodes, settings, artwork_file, template))
        chosen = sum(1 for episode in episodes if spec.wants(episode))
        pages[f"publish.pages:{spec.stem}"] = str(archive_pages(chosen, settings.show.feed_size))
    Listing(store).set_meta(pages)
    own = [episode for episode in episodes if not episode.series]
    written[INDEX_FILE] = render_index(own, settings, artwork_file, specs[1:])
    manifest_path = settings.folders.pages_manifest
    manifest = _read_manifest(manifest_path)
    shared = site_key(settings, artwork_file)
    current: dict[str, str] = {}
    for episode in episodes:
        key = page_key(episode, shared)
        current[episode.page] = key
        if manifest.get(episode.page) != key or not (settings.site / episode.page).is_file():
            written.update(_episode_files(store, episode, settings, artwork_file))
    write_text(manifest_path, json.dumps(current))
    return written, len(episodes)


def _only(
    changed: list[Episode],
    store: Store,
    listing: Any,
    settings: Settings,
    artwork_file: str,
    specs: list[FeedSpec],
) -> tuple[dict[str, str], int]:
    """The heads, the archive pages that hold a changed episode (and the one before a new
    page, whose link changes), the index, and the changed episodes' own pages."""
    size = settings.show.feed_size
    template = environment().get_template("feed.xml.j2")
    written: dict[str, str] = {}
    heads: dict[str, list[Episode]] = {}
    for spec in specs:
        total = listing.count(spec.series, spec.categories)
        pages = archive_pages(total, size)
        before = int(listing.meta(f"publish.pages:{spec.stem}") or 0)
        numbers = {
            listing.position(e, total, spec.series, spec.categories) // size + 1
            for e in changed
            if spec.wants(e)
        }
        if pages != before:
            numbers |= set(range(max(before, 1), pages + 1))
        head = heads[spec.stem] = listing.newest(size, spec.series, spec.categories)
        written[spec.page_file(0)] = render_feed_page(
            spec, 0, pages, head, settings, artwork_file, template
        )
        for number in sorted(n for n in numbers if 1 <= n <= pages):
            page = listing.page(number, size, total, spec.series, spec.categories)[::-1]
            written[spec.page_file(number)] = render_feed_page(
                spec, number, pages, page, settings, artwork_file, template
            )
        listing.set_meta({f"publish.pages:{spec.stem}": str(pages)})
    written[INDEX_FILE] = render_index(heads["feed"], settings, artwork_file, specs[1:])
    for episode in changed:
        written.update(_episode_files(store, episode, settings, artwork_file))
    return written, len(changed)


def _episode_files(
    store: Store, episode: Episode, settings: Settings, artwork_file: str
) -> dict[str, str]:
    """An episode's page, its player for an ``<iframe>``, its oEmbed answer."""
    full = store.get(episode.key)
    assert full is not None
    return {
        episode.page: render_episode_page(full, settings, artwork_file, _template("episode")),
        episode.embed: render_embed(full, settings, _template("embed"), artwork_file),
        episode.oembed: render_oembed(full, settings, artwork_file),
    }


def _template(name: str) -> Any:
    return environment().get_template(f"{name}.html.j2")


def _sweep_left(store: Store, listing: Any, settings: Settings, written: set[str]) -> None:
    """Remove what rebuilds and removals left behind, now that no feed names it (never a file
    this publish wrote)."""
    left = [path for path in listing.stale() if path not in written]
    for relative in left:
        (settings.site / relative).unlink(missing_ok=True)
    store.forget_files(left)
    listing.swept()
    if left:
        _LOGGER.info("removed %d files rebuilds left", len(left))


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
