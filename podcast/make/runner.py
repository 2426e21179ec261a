"""One runner for an article: plan → render → commit, with one synthesizer per voice.

``build`` runs its articles through it one after another; ``batch`` schedules many over
it (a pool of worker processes today, a cluster next). The steps hand each other typed
values: a :class:`~podcast.make.plan.Plan`, a :class:`RenderJob` (the plan and the
article's last build, read from the store on the runner's own thread), a
:class:`~podcast.make.render.Rendered`, an :class:`~podcast.core.store.Episode`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audio.ffmpeg import ffmpeg_exe
from podcast.core.episode import Episode
from podcast.core.settings import Settings
from podcast.core.state import check_writable
from podcast.core.store import Store
from podcast.make.commit import commit
from podcast.make.plan import Plan, is_current, plan
from podcast.make.render import Progress, Rendered, render
from podcast.publish.artwork import Artwork
from podcast.publish.ownership import check_site_is_ours
from podcast.publish.site import show_artwork
from podcast.read.model import Article, legacy_key, title_identity
from podcast.review.model import Review
from podcast.speech.voicing import make_synthesizer
from voices.catalogue import VoiceInfo, find_voice
from voices.synth import Synthesizer

if TYPE_CHECKING:
    from audio.master import Loudness

_LOGGER = logging.getLogger(__name__)


def prepare_run(store: Store, settings: Settings) -> None:
    """What a run checks before it makes any audio: the voice, ffmpeg, a writable site and
    state folder, and a store that knows every episode the site lists; then it sweeps what
    a killed run left."""
    find_voice(settings.voice.name, settings.voices_folder)  # an unknown voice fails first
    ffmpeg_exe()  # and an ffmpeg named but missing, even when every piece is cached
    check_writable(settings.site, settings.state)
    store.check_writable()
    check_site_is_ours(store, settings)
    settings.folders.sweep_leftovers()


def adopt_legacy_key(store: Store, article: Article) -> None:
    """An episode an older release keyed by its slugged title (``title:episode``) takes this
    article's key when its title is exactly this article's: the episode keeps its guid and is
    rebuilt in place, rather than published again beside itself."""
    if article.url or article.series:
        return
    old = store.get(legacy_key(article.title))  # a miss costs a look-up in the key's index
    if old is not None and title_identity(old.title) == title_identity(article.title):
        if store.rekey(old.key, article.key):  # not when the article's own key is taken
            _LOGGER.info("episode %s now keyed %s (was %s)", old.guid, article.key, old.key)


class Synthesizers:
    """One synthesizer per voice in this process, made when first asked for (its model loads
    on the first sentence no cache holds)."""

    def __init__(self, settings: Settings, threads: int = 0) -> None:
        self.settings = settings
        self.threads = threads
        """onnxruntime threads for each; 0 lets onnxruntime choose."""
        self._made: dict[str, Synthesizer] = {}

    def __call__(self, voice: VoiceInfo) -> Synthesizer:
        """The synthesizer for ``voice``."""
        if voice.name not in self._made:
            self._made[voice.name] = make_synthesizer(self.settings, voice, self.threads)
        return self._made[voice.name]


@dataclass(frozen=True)
class BuildResult:
    """What building one article did."""

    episode: Episode
    """The episode as stored."""
    audio_path: Path
    """The MP3 in the site."""
    skipped: bool
    """True when nothing had changed and nothing was rebuilt."""
    sentences: int = 0
    """Sentences in the script."""
    synthesized: int = 0
    """Sentences piper had to say (the rest came from the cache)."""
    loudness: Loudness | None = None
    """Measured loudness of the MP3 (None when skipped)."""
    seconds: float = 0.0
    """Wall time of the build."""
    review: Review | None = None
    """The editor's review of what was built (None when skipped)."""


@dataclass(frozen=True)
class RenderJob:
    """What rendering one article needs, read before it may run on another thread."""

    plan: Plan
    previous: Episode | None
    """The article's last build: its date stays, and its mastering gain is where this starts."""


class ArticleRunner:
    """Runs articles through plan → render → commit, sharing voices, cache and artwork."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        artwork: Artwork | None = None,
        *,
        threads: int = 0,
        prepare: bool = True,
    ) -> None:
        """With ``prepare`` (the default), check what a run needs before any audio is made
        (voice, ffmpeg, a writable site, a store that knows the site) and sweep leftovers."""
        self.settings = settings
        self.store = store
        self.artwork = artwork or show_artwork(settings)
        self.threads = threads
        self.synthesizers = Synthesizers(settings, threads)
        if prepare:
            prepare_run(store, settings)

    def plan(self, article: Article, quoted: tuple[tuple[str, float], ...] = ()) -> Plan:
        """The script, voice and fingerprint of ``article`` (``quoted``: :attr:`Plan.quoted`)."""
        adopt_legacy_key(self.store, article)
        return plan(article, self.settings, self.artwork, quoted)

    def current(self, the_plan: Plan) -> Episode | None:
        """The stored episode when it was built from exactly this plan and is published."""
        return is_current(the_plan, self.store, self.settings)

    def job(self, the_plan: Plan) -> RenderJob:
        """The plan with its last build, read from the store here (SQLite stays on one thread)."""
        return RenderJob(the_plan, self.store.get(the_plan.article.key))

    def render(
        self,
        job: RenderJob,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> Rendered:
        """Make the episode's files in a work folder (any thread may run this)."""
        return render(
            job.plan, self.settings, self.artwork, self.synthesizers(job.plan.voice),
            previous=job.previous, progress=progress,
            workers=self.threads or os.cpu_count() or 1, cancel=cancel,
        )  # fmt: skip

    def commit(self, rendered: Rendered) -> Episode:
        """Put the render's files into the site and record the episode (feeds not yet written)."""
        return commit(rendered, self.store, self.settings)

    def build(
        self,
        article: Article,
        *,
        progress: Progress | None = None,
        force: bool = False,
        quoted: tuple[tuple[str, float], ...] = (),
        cancel: threading.Event | None = None,
    ) -> BuildResult:
        """Plan, render and commit ``article``; skip it when nothing changed. The caller
        publishes the feeds (once for all its articles). ``quoted``: :attr:`Plan.quoted`;
        setting ``cancel`` stops the render before its next sentence (:class:`Cancelled`)."""
        started = time.monotonic()
        the_plan = self.plan(article, quoted)
        current = None if force else self.current(the_plan)
        if current is not None:
            _LOGGER.info("unchanged, skipped: %s", article.title)
            return BuildResult(
                current, self.settings.site / current.audio, skipped=True,
                seconds=time.monotonic() - started,
            )  # fmt: skip
        rendered = self.render(self.job(the_plan), progress=progress, cancel=cancel)
        episode = self.commit(rendered)
        return BuildResult(
            episode=episode,
            audio_path=self.settings.site / episode.audio,
            skipped=False,
            sentences=len(rendered.cues),
            synthesized=rendered.synthesized,
            loudness=rendered.loudness,
            seconds=time.monotonic() - started,
            review=rendered.review,
        )
