"""The site's web pages: the index and one page per episode, with schema.org markup."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from importlib.resources import files
from typing import Any

from podcast.core.episode import Episode
from podcast.core.settings import Settings
from podcast.publish.feed import FEED_FILE, FeedSpec, clock, environment, item, site_url
from podcast.read.urls import safe_url

INDEX_FILE = "index.html"
#: Static files written beside the pages.
ASSETS = ("style.css", "player.js")


def _episode_schema(episode: Episode, settings: Settings, artwork_file: str) -> dict[str, Any]:
    data = item(episode, settings)
    schema: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": episode.title,
        "url": data["page_url"],
        "datePublished": data["published_iso"],
        "description": data["summary"],
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
    if safe_url(episode.url):
        schema["isBasedOn"] = safe_url(episode.url)
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


def render_index(
    episodes: Sequence[Episode],
    settings: Settings,
    artwork_file: str,
    category_feeds: Sequence[FeedSpec],
) -> str:
    """The index page: the newest ``show.feed_size`` episodes, each with a player."""
    show = settings.show
    schema = {
        "@context": "https://schema.org",
        "@type": "PodcastSeries",
        "name": show.title,
        "description": show.description,
        "url": show.base_url,
        "image": site_url(settings, artwork_file),
        "webFeed": site_url(settings, FEED_FILE),
        "author": {"@type": "Organization", "name": show.author},
    }
    return str(
        environment()
        .get_template("index.html.j2")
        .render(
            show=show,
            items=[item(e, settings) for e in episodes[: show.feed_size]],
            artwork_file=artwork_file,
            schema=schema,
            category_feeds=[
                {"file": spec.page_file(0), "title": spec.title} for spec in category_feeds
            ],
        )
    )


def render_episode_page(
    episode: Episode, settings: Settings, artwork_file: str, template: Any = None
) -> str:
    """One episode's page: player, chapters, and the transcript that follows the audio."""
    template = template or environment().get_template("episode.html.j2")
    data = item(episode, settings)
    data["srt_file"] = episode.srt
    return str(
        template.render(
            show=settings.show,
            item=data,
            artwork_file=artwork_file,
            marks=episode.marks,
            paragraphs=_paragraphs(episode),
            snippet=embed_snippet(episode, settings),
            resize_script=RESIZE_SCRIPT,
            schema=_episode_schema(episode, settings, artwork_file),
            clock=clock,
        )
    )


#: The embedded player's height in pixels with its transcript closed, in a frame of 304 px (a
#: 320 px phone's column) with a two-line headline: 286 px (170 at 1184 px, 336 in a 288 px
#: frame, where the controls take three rows). tests/test_players.py checks it at 320 and
#: 1200 px; the resize script makes any frame its player's height.
EMBED_HEIGHT = 300

#: What a CMS adds once to a page with players, so each frame takes the height its player
#: says (its transcript opened): the player posts {type: "audio-edition:height", height}.
RESIZE_SCRIPT = """<script>
window.addEventListener("message", function (event) {
  var data = event.data;
  if (!data || data.type !== "audio-edition:height") return;
  Array.prototype.forEach.call(document.getElementsByTagName("iframe"), function (frame) {
    if (frame.contentWindow === event.source) {
      frame.style.height = Math.min(Math.max(data.height, 100), 3000) + "px";
    }
  });
});
</script>"""


def embed_snippet(episode: Episode, settings: Settings) -> str:
    """The HTML to paste into a CMS: the episode's player in an ``<iframe>``, as wide as the
    column it is in (to 1200 px), never wider."""
    from html import escape

    url = escape(site_url(settings, episode.embed))
    title = escape(f"Listen: {episode.title}")
    return (f'<iframe src="{url}" title="{title}" width="100%" height="{EMBED_HEIGHT}" '
            'style="border:0;width:100%;max-width:1200px" loading="lazy"></iframe>')  # fmt: skip


def render_embed(
    episode: Episode, settings: Settings, template: Any = None, artwork_file: str = "cover.png"
) -> str:
    """The episode's player page for an ``<iframe>``: plays without JavaScript too."""
    template = template or environment().get_template("embed.html.j2")
    return str(template.render(show=settings.show, item=item(episode, settings),
                               paragraphs=_paragraphs(episode), clock=clock,
                               artwork_file=artwork_file,
                               player_url=site_url(settings, "player.js")))  # fmt: skip


def render_oembed(episode: Episode, settings: Settings, artwork_file: str) -> str:
    """The episode's oEmbed response (1.0, ``type: rich``) as JSON."""
    data = {
        "version": "1.0",
        "type": "rich",
        "title": episode.title,
        "provider_name": settings.show.title,
        "provider_url": settings.show.base_url,
        "html": embed_snippet(episode, settings),
        "width": 600,
        "height": EMBED_HEIGHT,
        "thumbnail_url": site_url(settings, episode.image or artwork_file),
        "thumbnail_width": 1400,
        "thumbnail_height": 1400,
    }
    if episode.author:
        data["author_name"] = episode.author
    return json.dumps(data, ensure_ascii=False, indent=1)


def assets() -> dict[str, str]:
    """The static files the pages use."""
    return {
        name: files("podcast").joinpath(f"templates/{name}").read_text("utf-8") for name in ASSETS
    }


def site_key(settings: Settings, artwork_file: str) -> str:
    """A checksum of everything besides the episode that shapes its page."""
    templates = [files("podcast").joinpath(f"templates/{name}").read_text("utf-8")
                 for name in ("episode.html.j2", "embed.html.j2")]  # fmt: skip
    payload = json.dumps([asdict(settings.show), artwork_file, templates], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def page_key(episode: Episode, shared: str) -> str:
    """A checksum of an episode page's inputs: unchanged means the page on disk is current."""
    updated = episode.updated.isoformat() if episode.updated else ""
    payload = "\0".join((shared, episode.fingerprint, updated, episode.audio, episode.guid))
    return hashlib.sha256(payload.encode()).hexdigest()
