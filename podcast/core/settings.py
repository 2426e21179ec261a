"""Settings, resolved once: command-line flag > environment variable > edition.toml > default.

Everything the application needs is in one :class:`Settings` value that is
passed in, never read from module globals. ``edition.toml`` has the sections
``[show]``, ``[voice]``, ``[audio]``, ``[intro]``, ``[batch]``, ``[briefing]``, ``[read]``,
``[service]``, ``[watch]``, ``[paths]`` and the arrays ``[[feeds]]`` and ``[[webhooks]]``;
``audio-edition init`` writes a commented one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from audio.targets import MasterSettings, Music, Pauses
from podcast.core.state import StateFolder
from voices.catalogue import DEFAULT_VOICE

#: The config file looked for in the working folder when ``--config`` is not given.
DEFAULT_CONFIG_NAME = "edition.toml"

#: Environment variables, each the same as its flag.
ENV_CONFIG = "AUDIO_EDITION_CONFIG"
ENV_SITE = "AUDIO_EDITION_SITE"
ENV_STATE = "AUDIO_EDITION_STATE"
ENV_VOICE = "AUDIO_EDITION_VOICE"
ENV_VOICE_CACHE = "AUDIO_EDITION_VOICE_CACHE"
ENV_CLUSTER = "AUDIO_EDITION_CLUSTER"
#: The service's bearer tokens, comma-separated (added to ``service.tokens``).
ENV_TOKENS = "AUDIO_EDITION_TOKENS"

DEFAULT_INTRO = """\
This audio is created with AI assistance.
{{ title }}
{% if author %}By {{ author }}.{% endif %}"""
DEFAULT_OUTRO = "You have been listening to {{ show }}."


@dataclass(frozen=True)
class ShowSettings:
    """The podcast channel: what podcast apps show about the feed."""

    title: str = "The Audio Edition"
    """The show's name (channel title, ID3 album)."""
    description: str = "Articles from our newsroom, read aloud with AI assistance."
    """The channel description (at most 4000 bytes)."""
    author: str = "The Newsroom"
    """Who publishes the show (``itunes:author``)."""
    email: str = ""
    """Owner e-mail for ``itunes:owner`` (optional)."""
    language: str = "en-us"
    """ISO 639 language code, with region if wanted; also the language of articles that do not say theirs."""
    category: str = "News"
    """A top-level Apple Podcasts category."""
    subcategory: str = "Daily News"
    """An Apple Podcasts subcategory of ``category`` (empty for none)."""
    explicit: bool = False
    """Whether episodes contain explicit content."""
    base_url: str = "http://127.0.0.1:8000/"
    """Where the site is published; enclosure and feed URLs start with it."""
    link: str = ""
    """The newsroom's website (channel ``link``); defaults to ``base_url``."""
    artwork: str = ""
    """Square PNG or JPEG, 1400–3000 px; empty for a generated one."""
    copyright: str = ""
    """Copyright line; empty for "© YEAR author"."""
    disclosure: str = "This audio is created with AI assistance."
    """Written into every MP3 (ID3 COMM), the feed and the pages."""
    feed_size: int = 300
    """Episodes in the main feed; older ones are on RFC 5005 pages (``rel="next"``)."""


@dataclass(frozen=True)
class VoiceSettings:
    """Which piper voice speaks, and how."""

    name: str = DEFAULT_VOICE
    """A voice from ``audio-edition voices``."""
    folder: str = "piper-voices"
    """Folder of extra piper voices (``NAME.onnx`` + ``NAME.onnx.json``)."""
    length_scale: float = 1.0
    """Speaking rate: above 1 is slower."""
    lexicon: str = ""
    """The newsroom's pronunciation lexicon (``WORD = respelling`` lines); empty for none."""
    bundled_lexicon: bool = True
    """Also use the bundled starter lexicon (English articles)."""
    label: str = ""
    """How the pages name the voice ("Read by …"); empty: from the voice's own config, as a
    person would say it ("Joe, a synthetic English voice (United States)")."""


_PAUSES, _MUSIC, _MASTER = Pauses(), Music(), MasterSettings()


@dataclass(frozen=True)
class AudioSettings:
    """Pauses, intro music, loudness and encoding (defaults from :mod:`audio.targets`)."""

    bitrate: int = _MASTER.bitrate_kbps
    """Constant MP3 bitrate in kbit/s."""
    sample_rate: int = _MASTER.sample_rate
    """MP3 sample rate, the same for every episode."""
    loudness: float = _MASTER.target_lufs
    """Integrated loudness target in LUFS."""
    true_peak: float = _MASTER.max_true_peak
    """True-peak ceiling in dBTP."""
    intro_music: str = "chime"
    """``chime`` (generated), empty for none, or a music file."""
    intro_music_mode: str = _MUSIC.mode
    """``before`` the first words, or ``under`` them (ducked)."""
    sentence_pause: int = _PAUSES.sentence
    """Milliseconds after a sentence."""
    paragraph_pause: int = _PAUSES.paragraph
    """Milliseconds after a paragraph."""
    heading_pause: int = _PAUSES.heading
    """Milliseconds before and after a heading."""
    intro_pause: int = _PAUSES.intro
    """Milliseconds between the intro and the article."""

    def pauses(self) -> Pauses:
        """The pause lengths for the assembler."""
        return replace(_PAUSES, sentence=self.sentence_pause, paragraph=self.paragraph_pause,
                       heading=self.heading_pause, intro=self.intro_pause)  # fmt: skip

    def master(self) -> MasterSettings:
        """Loudness and encoding targets for the mastering."""
        return replace(_MASTER, target_lufs=self.loudness, max_true_peak=self.true_peak,
                       bitrate_kbps=self.bitrate, sample_rate=self.sample_rate)  # fmt: skip


@dataclass(frozen=True)
class IntroSettings:
    """What is said before and after the article (jinja2 templates)."""

    template: str = DEFAULT_INTRO
    """Intro; each line is said as its own paragraph. Variables: title, author, show, date, url."""
    outro: str = DEFAULT_OUTRO
    """Outro line, same variables; empty for none."""


@dataclass(frozen=True)
class BatchSettings:
    """How the nightly batch runs."""

    jobs: int = 0
    """Worker processes; 0 for one per core."""
    publish_every: int = 10
    """Publish the feeds after this many new episodes (and always at the end)."""
    retention: str = ""
    """Remove episodes first published here longer ago than this (not by their article's date),
    after each batch and in ``prune`` (e.g. ``90d``); empty keeps all."""
    cluster: str = ""
    """A Dask scheduler (``tcp://HOST:8786``), ``local`` or ``local:N``; empty: this machine."""
    private_images: bool = False
    """Fetch a feed entry's image from a loopback, private or link-local address too (a
    newsroom's own intranet); by default only public addresses are reached."""


@dataclass(frozen=True)
class BriefingSettings:
    """The daily briefing: one episode from the opening paragraphs of the newest articles."""

    title: str = "The briefing"
    """Its feed's title (``feeds/briefing.xml``) and the start of each briefing's title."""
    description: str = "The day's news in a few minutes: the opening of each story."
    """Its feed's description."""
    since: str = "24h"
    """How far back its stories go."""
    max: int = 10
    """At most this many stories, the newest first."""
    paragraphs: int = 2
    """Opening paragraphs read from each story."""


@dataclass(frozen=True)
class ReadSettings:
    """The newsroom's own reading rules for its pages, applied before extraction (as the
    hosted services' content selectors are): it knows its CMS."""

    body: tuple[str, ...] = ()
    """CSS selectors of the article body: where one matches, only what they hold is read."""
    skip: tuple[str, ...] = ()
    """CSS selectors of elements never read (hover cards, the CMS's own promos)."""
    skip_text: tuple[str, ...] = ()
    """Paragraphs never read: their exact text, or a regular expression between slashes
    (``"/^Have a tip\\?/"``) searched in each paragraph."""


@dataclass(frozen=True)
class CategoryFeed:
    """An extra feed of the episodes in some categories (``[[feeds]]`` in the config)."""

    name: str
    """File name: the feed is ``feeds/NAME.xml``."""
    categories: tuple[str, ...]
    """Episodes with any of these categories (compared case-insensitively)."""
    title: str = ""
    """Channel title; defaults to "SHOW: Categories"."""
    description: str = ""
    """Channel description; defaults to the show's."""


@dataclass(frozen=True)
class ServiceSettings:
    """The always-on service (``audio-edition service``): the newsroom's CMS sends it articles."""

    host: str = "127.0.0.1"
    """Address to listen on (a proxy in front of it terminates TLS)."""
    port: int = 8000
    """Port to listen on; 0 picks a free one."""
    tokens: tuple[str, ...] = ()
    """Bearer tokens every ``/api/`` request must carry one of (and ``$AUDIO_EDITION_TOKENS``)."""
    ghost_secret: str = ""
    """The secret of the Ghost integration's webhooks: a valid ``X-Ghost-Signature`` stands for
    a token on ``POST /api/articles``."""
    wordpress_secret: str = ""
    """The secret of WordPress webhooks (WooCommerce's scheme): a valid
    ``X-WC-Webhook-Signature`` stands for a token on ``POST /api/articles``."""
    debounce: float = 2.0
    """Seconds publishing waits after an episode while more jobs are due (0: after each)."""
    retries: int = 5
    """Times a job that failed for a passing reason (a full disk, a busy store) is tried again."""
    retry_after: float = 30.0
    """Seconds before the first retry of a job; each retry waits twice as long."""
    webhook_retry_after: float = 10.0
    """Seconds before an event is sent again to an endpoint that failed; doubling, to an hour."""
    webhook_attempts: int = 20
    """Deliveries of one event tried before it is given up (about a day at the defaults)."""
    beacons: bool = True
    """The web and embedded players tell ``POST /api/listen`` when a play begins and each tenth
    it reaches (no cookie; nothing but a count a day is kept); ``stats`` shows the curves. Only
    where the service is set up (:attr:`sends_beacons`): a site on a static host has no
    endpoint to tell."""

    @property
    def sends_beacons(self) -> bool:
        """Whether the published players send beacons: ``beacons`` on, and the service set up
        (a token or a CMS's secret), so there is a service at the site's address to hear them."""
        return self.beacons and bool(self.tokens or self.ghost_secret or self.wordpress_secret)


@dataclass(frozen=True)
class WatchSettings:
    """Feeds the service polls for new and changed articles (``[watch]``)."""

    feeds: tuple[str, ...] = ()
    """RSS or Atom feeds with full content (http(s) URLs)."""
    interval: float = 300.0
    """Seconds between polls of each feed (a feed that fails waits longer, doubling)."""


#: What a webhook may be told of.
WEBHOOK_EVENTS = ("episode.published", "episode.updated", "episode.failed", "episode.deleted")


@dataclass(frozen=True)
class Webhook:
    """An endpoint told of episodes as they are made (``[[webhooks]]``)."""

    url: str
    """Where the events are POSTed (http or https)."""
    secret: str = ""
    """Signs each body (``X-Audio-Edition-Signature: t=…,v1=…``); empty sends it unsigned."""
    events: tuple[str, ...] = WEBHOOK_EVENTS
    """Which of :data:`WEBHOOK_EVENTS` it is sent."""


def default_voice_cache(env: Mapping[str, str]) -> Path:
    """``$XDG_CACHE_HOME/audio-edition/voices``, or ``~/.cache/audio-edition/voices``."""
    base = env.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    return Path(base) / "audio-edition" / "voices"


@dataclass(frozen=True)
class Settings:
    """Everything the application needs, resolved once."""

    show: ShowSettings = field(default_factory=ShowSettings)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    intro: IntroSettings = field(default_factory=IntroSettings)
    batch: BatchSettings = field(default_factory=BatchSettings)
    briefing: BriefingSettings = field(default_factory=BriefingSettings)
    read: ReadSettings = field(default_factory=ReadSettings)
    feeds: tuple[CategoryFeed, ...] = ()
    """Extra category feeds."""
    service: ServiceSettings = field(default_factory=ServiceSettings)
    watch: WatchSettings = field(default_factory=WatchSettings)
    webhooks: tuple[Webhook, ...] = ()
    """Endpoints told of episodes as the service makes them."""
    site: Path = Path("site")
    """Where the published site is written."""
    state: Path = Path(".audio-edition")
    """Working state (episode store, caches); never inside the site."""
    voice_cache: Path = field(default_factory=lambda: default_voice_cache(os.environ))
    """Prepared (quicker to run) copies of voice models, kept between runs and projects."""
    root: Path = Path(".")
    """Folder relative paths in the config are resolved against."""
    config_file: Path | None = None
    """The config file that was read, if any."""

    def resolve(self, value: str | Path) -> Path:
        """A path from the config, relative to the config file's folder."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.root / path

    @property
    def voices_folder(self) -> Path:
        """The extra voices folder, resolved."""
        return self.resolve(self.voice.folder)

    @property
    def folders(self) -> StateFolder:
        """The state folder's layout: store, caches, work folders, reports."""
        return StateFolder(self.state)


#: Each section of ``edition.toml``, by its name.
SECTIONS: dict[str, type] = {
    "show": ShowSettings,
    "voice": VoiceSettings,
    "audio": AudioSettings,
    "intro": IntroSettings,
    "batch": BatchSettings,
    "briefing": BriefingSettings,
    "read": ReadSettings,
    "service": ServiceSettings,
    "watch": WatchSettings,
}
