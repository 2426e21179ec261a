"""The service's use cases: what its front end (HTTP) asks of it, and its threads' lifetime.

:class:`Edition` runs inside the one lifecycle (it holds the working folder's lock for as long
as it runs, as the only writer of the store, the caches and the site) and starts three
threads, each with its own connection to the store: the maker (:mod:`podcast.app.jobs`), the
watch (:mod:`podcast.app.watching`) and the webhooks' sender (:mod:`podcast.app.webhooks`).
The front end calls :meth:`Edition.accept`, :meth:`Edition.job`, :meth:`Edition.episodes`…
from its own thread, which gets a connection of its own too.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from podcast.app.jobs import Maker
from podcast.app.watching import Watcher
from podcast.app.webhooks import Sender, episode_view
from podcast.core.errors import ArticleError, PodcastError
from podcast.core.queue import Job, JobQueue
from podcast.core.settings import Settings
from podcast.core.store import Store

#: Upper bounds (seconds) of the build-time histogram's buckets.
BUILD_BUCKETS = (5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0)


@dataclass
class Tally:
    """What the service counted since it started (``/metrics`` shows it)."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(what, outcome) → how many: jobs, deliveries, polls."""
    build_buckets: list[int] = field(default_factory=lambda: [0] * (len(BUILD_BUCKETS) + 1))
    build_sum: float = 0.0
    audio_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, what: str, outcome: str) -> None:
        with self.lock:
            self.counts[(what, outcome)] += 1

    def observe_build(self, seconds: float, audio: float) -> None:
        with self.lock:
            index = next((i for i, b in enumerate(BUILD_BUCKETS) if seconds <= b), -1)
            self.build_buckets[index] += 1
            self.build_sum += seconds
            self.audio_seconds += audio


class NotFound(PodcastError):
    """The API was asked for a job or an episode there is none of."""


class Conflict(PodcastError):
    """The API was asked for what cannot be done to this episode."""


class Edition:
    """The running service (see the module's docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tally = Tally()
        self.stop = threading.Event()
        self.maker = Maker(settings, self.tally, self.stop)
        self.watcher = Watcher(settings, self.tally, self.stop, self.maker.wake)
        self.sender = Sender(settings, self.tally, self.stop)
        self._local = threading.local()

    def start(self) -> None:
        """Start the threads; returns once the maker has checked what it needs (voice,
        ffmpeg, the site) and queued again what a stopped service left, or failed to."""
        self.maker.start()
        self.sender.start()
        if self.settings.watch.feeds:
            self.watcher.start()
        while not self.maker.ready.wait(0.1):
            if not self.maker.is_alive():
                break
        if self.maker.error is not None:
            raise self.maker.error

    def close(self) -> None:
        """Stop: the episode being made is dropped and its job queued again; the threads end."""
        self.stop.set()
        self.maker.cancel.set()
        for thread in (self.maker, self.watcher, self.sender):
            if thread.is_alive():
                thread.join()

    @property
    def ready(self) -> bool:
        """Whether the service is taking work (its maker runs)."""
        return self.maker.ready.is_set() and self.maker.is_alive() and not self.stop.is_set()

    def _store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.settings.folders.store)
        return store

    def accept(self, body: bytes) -> tuple[Job, bool]:
        """Queue what a CMS sent (our JSON article, a Ghost webhook, a WordPress post); returns
        the job and whether it replaced a queued one. Only a body that is no JSON object is
        refused here: a bad article is its job's failure."""
        from podcast.read.cms import incoming

        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise ArticleError(f"the body is not JSON: {error}") from None
        asked = incoming(data)
        payload = asked.article
        if asked.action == "delete":
            payload = {"article": asked.article}
        job, replaced = JobQueue(self._store()).add(asked.action, asked.key, payload, asked.shape)
        self.maker.wake.set()
        return job, replaced

    def job(self, job_id: int) -> dict[str, Any]:
        """A job's state, with its episode's addresses once it has one."""
        job = JobQueue(self._store()).get(job_id)
        if job is None:
            raise NotFound(f"no job {job_id}")
        shown = job.to_dict()
        episode = self._store().by_guid(job.guid) if job.guid else None
        if episode is not None and job.status == "published":
            shown["episode"] = episode_view(episode, self.settings)
        return shown

    def depth(self) -> int:
        """Jobs queued or being made."""
        return JobQueue(self._store()).depth()

    def episodes(self, page: int, per_page: int) -> dict[str, Any]:
        """A page of the episodes, newest first."""
        store = self._store()
        found = store.episodes(per_page, transcripts=False, offset=(page - 1) * per_page)
        return {
            "page": page, "per_page": per_page, "total": store.count(),
            "episodes": [episode_view(e, self.settings) for e in found],
        }  # fmt: skip

    def feeds(self) -> list[dict[str, Any]]:
        """The watched feeds: when each was last asked, its failures in a row and the last
        error, when it is asked next."""
        from dataclasses import asdict

        from podcast.core.watchstate import WatchState

        state = WatchState(self._store())
        return [asdict(state.feed(url)) for url in self.settings.watch.feeds]

    def episode(self, guid: str) -> dict[str, Any]:
        episode = self._store().by_guid(guid)
        if episode is None:
            raise NotFound(f"no episode {guid}")
        return episode_view(episode, self.settings)

    def listen(self, body: bytes) -> None:
        """A player's beacon (``{"guid": …, "reached": 0|10|…|100}``), kept as a count of its
        episode's day; nothing else of it is kept. An unknown episode or mark is refused."""
        from podcast.core.listens import MARKS, Listens

        try:
            data = json.loads(body)
            guid, reached = str(data["guid"]), data["reached"]
        except (ValueError, UnicodeDecodeError, KeyError, TypeError):
            raise ArticleError('a beacon is {"guid": …, "reached": 0…100}') from None
        if not isinstance(reached, int) or reached not in MARKS:
            raise ArticleError("reached is 0, 10, 20 … 100")
        store = self._store()
        if store.by_guid(guid) is None:
            raise NotFound(f"no episode {guid}")
        Listens(store).record(guid, reached)
        self.tally.count("beacons", "play" if reached == 0 else "progress")

    def rebuild(self, guid: str) -> Job:
        """Queue the episode's article again, to be made even if unchanged."""
        store = self._store()
        episode = store.by_guid(guid)
        if episode is None:
            raise NotFound(f"no episode {guid}")
        queue = JobQueue(store)
        article = queue.latest_article(episode.key)
        if article is None:
            raise Conflict(f"the service holds no article for {guid}: it was built elsewhere")
        job, _ = queue.add("rebuild", episode.key, article, "api")
        self.maker.wake.set()
        return job

    def delete(self, guid: str) -> Job:
        """Queue taking the episode down (out of the feeds, its files removed)."""
        store = self._store()
        episode = store.by_guid(guid)
        if episode is None:
            raise NotFound(f"no episode {guid}")
        job, _ = JobQueue(store).add("delete", episode.key, {"guid": guid}, "api")
        self.maker.wake.set()
        return job
