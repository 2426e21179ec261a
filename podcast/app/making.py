"""Use cases that make episodes one at a time: ``build`` (articles) and ``briefing`` (the day's).

Each reads what it is given before the lock, then runs the one lifecycle
(:func:`podcast.app.lifecycle.session`) around the :class:`~podcast.make.runner.ArticleRunner`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from podcast.app.lifecycle import Session, session
from podcast.core.settings import Settings
from podcast.make.render import Progress
from podcast.make.runner import BuildResult

if TYPE_CHECKING:
    from podcast.make.briefing import Selection

#: A progress display for one episode, given its label: entered around the episode's making,
#: it gives the callback for each sentence said (or None to show nothing).
ProgressFor = Callable[[str], AbstractContextManager[Progress | None]]


def no_progress(label: str) -> AbstractContextManager[Progress | None]:
    """Show nothing."""
    return nullcontext(None)


@dataclass(frozen=True)
class Made:
    """One episode a use case built (or found unchanged), with what a front end shows of it."""

    result: BuildResult
    embed: str
    """The HTML that embeds the episode's player in a page."""


@dataclass(frozen=True)
class Site:
    """Where the published site's entry points are."""

    feed: Path
    page: Path


def made_of(result: BuildResult, settings: Settings) -> Made:
    """What a front end shows of a build."""
    from podcast.publish.pages import embed_snippet

    return Made(result, embed_snippet(result.episode, settings))


def build(
    settings: Settings,
    sources: Sequence[tuple[str, bytes | None]],
    *,
    force: bool = False,
    wait: bool = False,
    progress: ProgressFor = no_progress,
    on_made: Callable[[Made], None] = lambda made: None,
) -> Site:
    """Build each article of ``sources`` (a path, or ``-`` with the bytes of standard input)
    into an episode and publish the site. Every article is read before anything is made, so a
    bad one fails the command with the site untouched; an article that fails while it is made
    fails it too, once what was made before it is published."""
    from podcast.make.runner import ArticleRunner
    from podcast.publish.site import FEED_FILE, INDEX_FILE
    from podcast.read.articles import read_article

    articles = [read_article(source, data, settings.read) for source, data in sources]
    with session(settings, wait=wait) as here:
        runner = ArticleRunner(settings, here.store, here.artwork)
        for article in articles:
            with progress(f"Reading {article.title[:40]}") as said:
                result = runner.build(article, progress=said, force=force)
            if not result.skipped:
                here.made_one()
            on_made(made_of(result, settings))
    return Site(settings.site / FEED_FILE, settings.site / INDEX_FILE)


@dataclass(frozen=True)
class BriefingChoice:
    """What a front end may change of ``[briefing]`` for one briefing (None: the setting)."""

    since: str | None = None
    category: str | None = None
    max_stories: int | None = None
    paragraphs: int | None = None


def briefing(
    settings: Settings,
    choice: BriefingChoice = BriefingChoice(),
    *,
    now: datetime | None = None,
    force: bool = False,
    wait: bool = False,
    progress: ProgressFor = no_progress,
) -> tuple[Made, Path]:
    """Make the daily briefing and publish it; returns it and its feed."""
    from podcast.publish.feed import BRIEFING, FEEDS_DIR

    selection = selection_of(settings, choice)  # a bad --since fails before the lock
    with session(settings, wait=wait) as here:
        with progress("Reading the briefing") as said:
            result = briefing_in(here, selection, now, prepare=True, force=force, progress=said)
    return made_of(result, settings), settings.site / FEEDS_DIR / (BRIEFING + ".xml")


def selection_of(settings: Settings, choice: BriefingChoice) -> Selection:
    """The briefing's stories: ``[briefing]`` with the front end's choices on top."""
    from podcast.make.briefing import selection_from

    return selection_from(settings, since=choice.since, category=choice.category,
                          max_stories=choice.max_stories, paragraphs=choice.paragraphs)  # fmt: skip


def briefing_in(
    here: Session,
    selection: Selection,
    now: datetime | None,
    *,
    prepare: bool,
    force: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """The briefing built inside a session (``here``); the session publishes it."""
    from podcast.make.briefing import build_briefing
    from podcast.make.runner import ArticleRunner

    runner = ArticleRunner(here.settings, here.store, here.artwork, prepare=prepare)
    when = now or datetime.now().astimezone()
    result = build_briefing(runner, selection, when, force=force, progress=progress)
    if not result.skipped:
        here.made_one()
    return result
