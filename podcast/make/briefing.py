"""The daily briefing: one episode from the opening paragraphs of the newest articles.

A briefing is an article of its own, made from the store: an intro naming the
date and the number of stories, then for each story a short transition, its
title (a chapter that links the story's own episode) and its first paragraphs as
they were spoken, then an outro. It is built as any article is, so every
sentence a story's episode already said comes from the sentence cache and is
never synthesised again. A story's opening paragraphs are also MP3 pieces of
their own in its episode (:func:`podcast.make.render._parts` cuts there): the
briefing quotes them at the gain that episode was mastered at, so they are not
encoded again either; only the briefing's own lines are new. Its key (and so
its guid) is its title, which names the date and the category: building it again
the same day replaces it. It is published in its own feed, ``feeds/briefing.xml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from podcast.core.episode import Episode
from podcast.core.errors import ArticleError
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.make.render import Progress
from podcast.make.runner import ArticleRunner, BuildResult
from podcast.publish.feed import BRIEFING, site_url
from podcast.read.model import Article, finish_article
from voices.script import Block

#: Said before each story, in order; the last story gets the last one.
TRANSITIONS = ("First.", "Next.", "And finally.")


@dataclass(frozen=True)
class Selection:
    """Which stories a briefing reads, and how much of each."""

    since: timedelta
    category: str = ""
    """Only stories with this category (compared case-insensitively); empty for all."""
    max: int = 10
    paragraphs: int = 2


def select(store: Store, selection: Selection, now: datetime) -> list[Episode]:
    """The newest of the show's episodes published within ``selection.since`` of ``now``."""
    wanted = selection.category.casefold()
    chosen = []
    # Newest first, without transcripts (a long archive's are large): the chosen few are
    # read whole below.
    for episode in store.episodes(transcripts=False):
        if episode.series or episode.published > now:
            continue
        if episode.published < now - selection.since:
            break
        if wanted and wanted not in {c.casefold() for c in episode.categories}:
            continue
        chosen.append(episode)
        if len(chosen) == selection.max:
            break
    return [full for episode in chosen if (full := store.get(episode.key)) is not None]


def opening(episode: Episode, paragraphs: int) -> list[str]:
    """The first ``paragraphs`` paragraphs of an episode's article, as its transcript has them
    (the same sentences its voice said)."""
    found: dict[int, list[str]] = {}
    for cue in episode.cues:
        if cue.kind != "body":
            continue
        if cue.paragraph not in found and len(found) == paragraphs:
            break
        found.setdefault(cue.paragraph, []).append(cue.text)
    return [" ".join(sentences) for sentences in found.values()]


def _count(number: int) -> str:
    return "one story" if number == 1 else f"{number} stories"


def briefing_title(settings: Settings, selection: Selection, now: datetime) -> str:
    """``TITLE for Wednesday, 2 December 2026`` (and ``: CATEGORY`` when one is chosen)."""
    title = f"{settings.briefing.title} for {now:%A}, {now.day} {now:%B %Y}"
    return f"{title}: {selection.category}" if selection.category else title


def briefing_article(
    stories: list[Episode], settings: Settings, selection: Selection, now: datetime
) -> Article:
    """The briefing as an article: intro, each story's transition, title and opening, outro."""
    if not stories:
        where = f" in {selection.category}" if selection.category else ""
        raise ArticleError(f"no episodes{where} were published in the last {_age(selection.since)}:"
                           " nothing to brief")  # fmt: skip
    verb = "is" if len(stories) == 1 else "are"
    blocks = [Block("paragraph", f"Here {verb} {_count(len(stories))} from the newsroom.")]
    links = []
    for number, story in enumerate(stories):
        last = number == len(stories) - 1 and number > 0
        transition = TRANSITIONS[2] if last else TRANSITIONS[min(number, 1)]
        if len(stories) > 1:  # one story needs no "First."
            blocks.append(Block("paragraph", transition))
        blocks.append(Block("heading", story.title))
        blocks += [Block("paragraph", text) for text in opening(story, selection.paragraphs)]
        links.append((story.title, site_url(settings, story.page)))
    blocks.append(Block("paragraph", "Each story is in full in our feed. That was the briefing."))
    titles = "; ".join(story.title for story in stories)
    return Article(
        title=briefing_title(settings, selection, now),
        blocks=tuple(blocks),
        author=settings.show.author,
        published=now,
        summary=f"{_count(len(stories)).capitalize()}: {titles}",
        categories=(selection.category,) if selection.category else (),
        language=settings.show.language,
        source=BRIEFING,
        series=BRIEFING,
        links=tuple(links),
    )


def _age(since: timedelta) -> str:
    hours = since.total_seconds() / 3600
    return f"{hours:g} hours" if hours < 48 else f"{hours / 24:g} days"


def selection_from(
    settings: Settings,
    *,
    since: str | None = None,
    category: str | None = None,
    max_stories: int | None = None,
    paragraphs: int | None = None,
) -> Selection:
    """The selection the command line asks for, else the one ``[briefing]`` sets."""
    from podcast.core.config import parse_age

    briefing = settings.briefing
    return Selection(
        since=parse_age(since or briefing.since, "--since" if since else "briefing.since"),
        category=(category or "").strip(),
        max=max_stories or briefing.max,
        paragraphs=paragraphs or briefing.paragraphs,
    )


def build_briefing(
    runner: ArticleRunner,
    selection: Selection,
    now: datetime,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Select the stories, make the briefing's article and build it (the caller publishes)."""
    stories = select(runner.store, selection, now)
    article = finish_article(briefing_article(stories, runner.settings, selection, now))
    return runner.build(article, progress=progress, force=force, quoted=quoted_pieces(stories))


def quoted_pieces(stories: list[Episode]) -> tuple[tuple[str, float], ...]:
    """Each story's MP3 pieces (the checksum of their samples) with the gain its episode was
    mastered at: the briefing keeps them at it, so the pieces of a story's opening
    paragraphs, cut as pieces of their own in its episode, are not encoded again."""
    from audio.piececache import PieceCache

    found: dict[str, float] = {}
    for story in stories:
        if story.gain is None:
            continue
        for key in story.piece_keys:
            digest = PieceCache.analysed(key)
            if digest is not None:
                found.setdefault(digest, story.gain)
    return tuple(sorted(found.items()))
