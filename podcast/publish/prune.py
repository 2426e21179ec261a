"""Retention: drop old episodes from the feeds and the disk, and cache entries nothing uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from podcast.core.episode import Episode
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.publish.artwork import Artwork
from podcast.publish.ownership import check_site_is_ours
from podcast.publish.site import publish
from voices.cache import SentenceCache


@dataclass(frozen=True)
class Gone:
    """One episode a prune removed (or would remove)."""

    title: str
    added: datetime
    """When it was first published in this store: what its age is counted from."""
    dated: datetime
    """The article's own date (its ``pubDate``), which retention does not go by."""


@dataclass(frozen=True)
class Pruned:
    """What a prune removed (or would remove, in a dry run)."""

    episodes: tuple[Gone, ...]
    """The episodes removed, oldest in this store first."""
    cache_entries: int
    """Sentence-cache and MP3-piece entries no remaining episode uses."""


def prune(
    store: Store,
    settings: Settings,
    artwork: Artwork,
    older_than: timedelta,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> Pruned:
    """Remove episodes first published in this store before ``now - older_than``, republish,
    and sweep the cache.

    The age is counted from when the store first recorded the episode, never from the
    article's date: a backfill of 2019 articles is not removed minutes after it was built.
    """
    from audio.piececache import PieceCache

    check_site_is_ours(store, settings)  # never unlist what this store does not know
    if not dry_run:
        store.check_writable()
    cutoff = (now or datetime.now(UTC)) - older_than
    old = sorted((e for e in store.episodes(transcripts=False) if added(e) < cutoff), key=added)
    cache = SentenceCache(settings.folders.sentences)
    pieces = PieceCache(settings.folders.pieces)
    if not dry_run:
        settings.folders.sweep_leftovers()
        store.delete([e.key for e in old])
        publish(store, settings, artwork)  # the feeds stop naming them, then their files go
    kept = [e for e in store.episodes() if added(e) >= cutoff]
    unused = cache.keys() - {k for e in kept for k in e.sentence_keys}
    unused_pieces = pieces.keys() - {k for e in kept for k in e.piece_keys}
    if not dry_run:
        for key in unused:
            cache.remove(key)
        for key in unused_pieces:
            pieces.remove(key)
    gone = tuple(Gone(e.title, added(e), e.published) for e in old)
    return Pruned(gone, len(unused) + len(unused_pieces))


def added(episode: Episode) -> datetime:
    """When ``episode`` was first published in this store (its article's date in a record
    older than the store's ``created`` column)."""
    return episode.created or episode.published
