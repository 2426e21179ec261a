"""The service's watch: feeds polled with conditional GET, their new and changed items queued.

Each feed of ``[watch] feeds`` is asked every ``watch.interval`` seconds with the validators its
last answer gave (``If-None-Match``, ``If-Modified-Since``), so an unchanged feed costs one
``304``. Each item is fingerprinted (its article as our JSON shape): a new item, or one whose
content changed, is queued as a build. A feed that fails is logged and asked again later,
waiting twice as long each time (at most a day); it never stops the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from datetime import UTC, datetime
from typing import Any

from podcast.core.queue import JobQueue
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.core.watchstate import FeedState, WatchState

_LOGGER = logging.getLogger(__name__)


def fingerprint(record: dict[str, Any]) -> str:
    """What decides whether an item changed: its article, every field."""
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


class Watcher(threading.Thread):
    """Polls the watched feeds until :attr:`stop` is set; wakes ``on_queued`` after queuing."""

    def __init__(
        self, settings: Settings, tally: Any, stop: threading.Event, on_queued: threading.Event
    ) -> None:
        super().__init__(name="watch", daemon=True)
        self.settings = settings
        self.tally = tally
        self.stop = stop
        self.on_queued = on_queued

    def run(self) -> None:
        with Store(self.settings.folders.store) as store:
            state, queue = WatchState(store), JobQueue(store)
            while not self.stop.is_set():
                now = datetime.now(UTC).isoformat(timespec="microseconds")
                for url in self.settings.watch.feeds:
                    feed = state.feed(url)
                    if feed.next_at and feed.next_at > now:
                        continue
                    self.poll(feed, state, queue)
                    if self.stop.is_set():
                        return
                self.stop.wait(min(self.settings.watch.interval / 4, 0.5))

    def poll(self, feed: FeedState, state: WatchState, queue: JobQueue) -> int:
        """Ask one feed; returns how many items were queued."""
        from podcast.read.cms import Incoming
        from podcast.read.fetch import SourceError, fetch_if_changed
        from podcast.read.sources import feed_records

        interval = self.settings.watch.interval
        try:
            fetched = fetch_if_changed(feed.url, etag=feed.etag, modified=feed.modified)
            records = feed_records(fetched.body, feed.url) if fetched.status == 200 else []
        except SourceError as error:
            wait = state.failed(feed, interval, str(error))
            self.tally.count("polls", "failed")
            _LOGGER.warning("watch: %s (asked again in %g s)", error, wait)
            return 0
        self.tally.count("polls", "unchanged" if fetched.status == 304 else "changed")
        seen = state.fingerprints(feed.url)
        queued = 0
        for record in records:
            item = str(record.pop("id"))
            mark = fingerprint(record)
            if seen.get(item) == mark:
                continue
            key = Incoming("build", record, "article").key
            queue.add("build", key, record, f"watch:{feed.url}")
            state.seen(feed.url, item, mark)
            queued += 1
        state.polled(feed, interval, etag=fetched.etag, modified=fetched.modified)
        if queued:
            _LOGGER.info("watch: %d new or changed item(s) in %s", queued, feed.url)
            self.on_queued.set()
        return queued
