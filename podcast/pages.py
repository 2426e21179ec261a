"""The site's web pages: the index and one page per episode, with schema.org markup."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from typing import Any

from .feed import FeedSpec, environment, item, site_url
from .settings import Settings
from .store import Episode

INDEX_FILE = "index.html"
#: Static files written beside the pages.
ASSETS = ("style.css", "player.js")


def clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss``."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _episode_schema(episode: Episode, settings: Settings, artwork_file: str) -> dict[str, Any]:
    data = item(episode, settings)
    schema: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": episode.title,
        "url": data["page_url"],
        "datePublished": data["published_iso"],
        "description": data["description"],
        "timeRequired": data["duration_iso"],
        "image": site_url(settings, artwork_file),
        "partOfSeries": {
            "@type": "PodcastSeries",
            "name": settings.show.title,
            "url": settings.show.base_url,
        },
        "associatedMedia": {
            "@type": "AudioObject",
            "contentUrl": data["audio_url"],
            "encodingFormat": "audio/mpeg",
            "contentSize": str(episode.audio_bytes),
            "duration": data["duration_iso"],
            "transcript": " ".join(c.text for c in episode.cues),
        },
    }
    if episode.author:
        schema["author"] = {"@type": "Person", "name": episode.author}
    if episode.url:
        schema["isBasedOn"] = episode.url
    return schema


def _paragraphs(episode: Episode) -> list[dict[str, Any]]:
    paragraphs: list[dict[str, Any]] = []
    for cue in episode.cues:
        if not paragraphs or paragraphs[-1]["index"] != cue.paragraph:
            paragraphs.append(
                {"index": cue.paragraph, "heading": cue.kind == "heading", "cues": []}
            )
        paragraphs[-1]["cues"].append((cue.start, cue.end, cue.text))
    return paragraphs


def render_pages(
    episodes: Sequence[Episode],
    settings: Settings,
    artwork_file: str,
    category_feeds: Sequence[FeedSpec],
) -> dict[str, str]:
    """Every page as {site-relative file: HTML}, plus the static assets."""
    env = environment()
    show = settings.show
    pages: dict[str, str] = {}
    items = [item(e, settings) for e in episodes]
    index_schema = {
        "@context": "https://schema.org",
        "@type": "PodcastSeries",
        "name": show.title,
        "description": show.description,
        "url": show.base_url,
        "image": site_url(settings, artwork_file),
        "webFeed": site_url(settings, "feed.xml"),
        "author": {"@type": "Organization", "name": show.author},
    }
    pages[INDEX_FILE] = env.get_template("index.html.j2").render(
        show=show,
        items=items,
        artwork_file=artwork_file,
        schema=index_schema,
        category_feeds=[
            {"file": spec.page_file(1), "title": spec.title} for spec in category_feeds
        ],
    )
    template = env.get_template("episode.html.j2")
    for episode, data in zip(episodes, items, strict=True):
        data["srt_file"] = episode.srt
        pages[episode.page] = template.render(
            show=show,
            item=data,
            artwork_file=artwork_file,
            marks=episode.marks,
            paragraphs=_paragraphs(episode),
            schema=_episode_schema(episode, settings, artwork_file),
            clock=clock,
        )
    for asset in ASSETS:
        pages[asset] = files("podcast").joinpath(f"templates/{asset}").read_text("utf-8")
    return pages
