"""The service's maker: the durable queue's jobs, one at a time, each published as it is made.

One thread, with its own connection to the store and its own synthesizers, takes the first due
job (:mod:`podcast.core.queue`): an article to build, or an episode to take down. A build is
the same runner as ``build`` and ``batch`` (:class:`~podcast.make.runner.ArticleRunner`);
the site is published after each episode, or, while more jobs are due, at most
``service.debounce`` seconds later. A job counts as published, and its event goes to the
outbox, only once the feed shows it. A bad article fails its job alone, for good; a passing
failure (a full disk, a busy store) is tried again later, waiting twice as long each time.
Stopping the service drops the episode being made (its work folder removed) and queues its
job again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from audio.errors import AudioError
from podcast.app.webhooks import announce, episode_view, failed_view
from podcast.core.errors import ArticleError, ConfigError, PodcastError
from podcast.core.outbox import Outbox
from podcast.core.queue import Job, JobQueue
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.make.render import Cancelled
from podcast.read.model import Article
from voices.errors import VoiceError

_LOGGER = logging.getLogger(__name__)

#: Failures that are the article's own: trying again changes nothing.
FOR_GOOD: tuple[type[BaseException], ...] = (ArticleError, ConfigError)


def article_of(job: Job, settings: Settings, fetch_image: Callable[[str], str]) -> Article:
    """The article a build job holds, read as ``build`` reads a JSON article; an ``image``
    address is fetched under the rules feeds' images are (public addresses, limits)."""
    from podcast.read.formats import article_from_dict
    from podcast.read.model import finish_article

    label = f"job {job.id}"
    article = article_from_dict(job.payload, label)
    if article.image.startswith(("http://", "https://")):
        article = replace(article, image_file=fetch_image(article.image))
    return finish_article(article)


class Maker(threading.Thread):
    """Runs the queue's jobs until :attr:`stop` is set (see the module's docstring)."""

    def __init__(self, settings: Settings, tally: Any, stop: threading.Event) -> None:
        super().__init__(name="maker", daemon=True)
        self.settings = settings
        self.tally = tally
        self.stop = stop
        self.wake = threading.Event()
        self.cancel = threading.Event()
        """Set with :attr:`stop` to drop the episode being made."""
        self.ready = threading.Event()
        """Set once the voice, ffmpeg and the site are checked and the queue recovered."""
        self.error: BaseException | None = None
        self._unpublished: list[tuple[Job, str, str | None]] = []
        """Jobs made and not yet in the feed: the job, its episode's guid, the event to send."""
        self._since = 0.0

    def run(self) -> None:
        try:
            self._run()
        except BaseException as error:  # noqa: BLE001 - /readyz says so; the log has it
            self.error = error
            _LOGGER.exception("the service's maker stopped")

    def _run(self) -> None:
        from podcast.make.runner import ArticleRunner
        from podcast.read.sources import ImageFetcher
        from voices.catalogue import find_voice

        with Store(self.settings.folders.store) as store:
            queue, outbox = JobQueue(store), Outbox(store)
            runner = ArticleRunner(self.settings, store)  # checks voice, ffmpeg, site
            # The voice is loaded now: the first article does not wait for it.
            runner.synthesizers(
                find_voice(self.settings.voice.name, self.settings.voices_folder)
            ).load()
            recovered = queue.recover()
            if recovered:
                _LOGGER.info("%d job(s) a stopped service left are queued again", recovered)
            images = ImageFetcher(private=self.settings.batch.private_images)
            self.ready.set()
            while not self.stop.is_set():
                job = queue.claim()
                if job is None:
                    if self._unpublished:
                        self._publish(runner, queue, outbox)
                    self.wake.wait(0.5)
                    self.wake.clear()
                    continue
                self._do(job, runner, queue, outbox, images)
                debounce = self.settings.service.debounce
                if self._unpublished and (
                    not queue.due_soon() or time.monotonic() - self._since >= debounce
                ):
                    self._publish(runner, queue, outbox)
            if self._unpublished:
                self._publish(runner, queue, outbox)

    def _do(self, job: Job, runner: Any, queue: JobQueue, outbox: Outbox, images: Any) -> None:
        started = time.monotonic()
        try:
            if job.kind == "delete":
                self._take_down(job, runner, queue, outbox)
                return
            article = article_of(job, self.settings, images)
            result = runner.build(article, force=job.kind == "rebuild", cancel=self.cancel)
        except Cancelled:
            queue.put_back(job)
            return
        except FOR_GOOD as error:
            self._failed(job, str(error), queue, outbox)
            return
        except (PodcastError, VoiceError, AudioError, OSError) as error:
            self._failed_for_now(job, error, queue, outbox)
            return
        episode = result.episode
        if not result.skipped:
            self.tally.observe_build(time.monotonic() - started, episode.duration)
        # What the webhooks hear once the feed shows it: a new episode if this job made it,
        # else an updated one; nothing for an article that had not changed (a job retried
        # after a kill may find its episode made, and not yet announced).
        event = None
        if not result.skipped or job.attempts > 1:
            new = episode.created is None or episode.created >= datetime.fromisoformat(job.created)
            event = "episode.published" if new else "episode.updated"
        if not self._unpublished:
            self._since = time.monotonic()
        self._unpublished.append((job, episode.guid, event))

    def _publish(self, runner: Any, queue: JobQueue, outbox: Outbox) -> None:
        """Publish the site, then count its jobs as published and announce their episodes."""
        from podcast.publish.site import publish

        try:
            publish(runner.store, self.settings, runner.artwork)
        except PodcastError as error:  # a full site disk: the jobs wait and are tried again
            for job, _, _ in self._unpublished:
                self._failed_for_now(job, error, queue, outbox)
            self._unpublished.clear()
            return
        for job, guid, event in self._unpublished:
            queue.finish(job, "published", guid=guid)
            self.tally.count("jobs", "published")
            episode = runner.store.by_guid(guid)
            if event is not None and episode is not None:
                view = episode_view(episode, self.settings)
                announce(outbox, self.settings, event, view, "episode")
        self._unpublished.clear()

    def _take_down(self, job: Job, runner: Any, queue: JobQueue, outbox: Outbox) -> None:
        """Take an episode down: out of the store, out of the feeds, its files removed."""
        from podcast.publish.site import publish

        store = runner.store
        guid = job.payload.get("guid") if isinstance(job.payload.get("guid"), str) else None
        episode = store.by_guid(guid) if guid else store.get(job.key)
        if episode is None:
            queue.finish(job, "deleted", reason="no such episode")
            return
        if self._unpublished:
            self._publish(runner, queue, outbox)
        view = episode_view(episode, self.settings)
        store.delete([episode.key])
        publish(store, self.settings, runner.artwork)
        queue.finish(job, "deleted", guid=episode.guid)
        self.tally.count("jobs", "deleted")
        announce(outbox, self.settings, "episode.deleted", view, "episode")

    def _failed(self, job: Job, reason: str, queue: JobQueue, outbox: Outbox) -> None:
        queue.finish(job, "failed", reason=reason)
        self.tally.count("jobs", "failed")
        _LOGGER.warning("job %d failed: %s", job.id, reason)
        announce(outbox, self.settings, "episode.failed", failed_view(job, reason), "job")

    def _failed_for_now(
        self, job: Job, error: BaseException, queue: JobQueue, outbox: Outbox
    ) -> None:
        from podcast.core.errors import os_error_text

        reason = os_error_text(error) if isinstance(error, OSError) else str(error)
        service = self.settings.service
        if job.attempts > service.retries:
            self._failed(job, reason, queue, outbox)
            return
        wait = service.retry_after * 2 ** (job.attempts - 1)
        queue.retry(job, reason, wait)
        self.tally.count("jobs", "retried")
        _LOGGER.warning("job %d: %s; tried again in %g s", job.id, reason, wait)
