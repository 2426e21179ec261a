"""Settings, resolved once: command-line flag > environment variable > edition.toml > default.

Everything the application needs is in one :class:`Settings` value that is
passed in, never read from module globals. ``edition.toml`` has the sections
``[show]``, ``[voice]``, ``[audio]``, ``[intro]`` and ``[paths]``;
``audio-edition init`` writes a commented one.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from audio.targets import MasterSettings, Music, Pauses
from podcast.apple import category_problem
from podcast.errors import ConfigError
from podcast.state import StateFolder
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

DEFAULT_INTRO = """\
This audio is created with AI assistance.
{{ title }}
{% if author %}By {{ author }}.{% endif %}"""
DEFAULT_OUTRO = "You have been listening to {{ show }}."

#: An age: a whole number of hours, days or weeks (``36h``, ``90d``, ``12w``).
AGE_PATTERN = r"(\d+)\s*([hdw])"
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


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


_SECTIONS: dict[str, type] = {
    "show": ShowSettings,
    "voice": VoiceSettings,
    "audio": AudioSettings,
    "intro": IntroSettings,
    "batch": BatchSettings,
    "briefing": BriefingSettings,
    "read": ReadSettings,
}


def _section(name: str, cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: [{name}] must be a table")
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(
                f"{where}: unknown setting {name}.{key} (known: {', '.join(sorted(known))})"
            )
        expected = type(getattr(cls(), key))
        if expected is tuple:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {name}.{key} must be a list of strings")
            value = tuple(value)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(
                f"{where}: {name}.{key} must be {expected.__name__}, not {type(value).__name__}"
            )
        values[key] = value
    return cls(**values)


#: Constant bitrates (kbit/s) an MP3 can have: MPEG-1 Layer III at 32, 44.1 and 48 kHz,
#: MPEG-2 at 22.05 and 24 kHz. LAME refuses or rounds any other.
MP3_BITRATES = {
    32000: (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    22050: (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
MP3_BITRATES.update({44100: MP3_BITRATES[32000], 48000: MP3_BITRATES[32000]})
MP3_BITRATES[24000] = MP3_BITRATES[22050]

#: Ranges of the numeric settings: (key, low, high, unit). Loudness covers what podcast apps
#: and broadcasters ask for (Spotify −14, Apple −16, EBU R128 −23 LUFS); the true-peak
#: ceiling must leave the −1 dBTP that Apple asks for, and the limiter works down to −9.
RANGES: tuple[tuple[str, float, float, str], ...] = (
    ("audio.loudness", -30.0, -10.0, " LUFS"),
    ("audio.true_peak", -9.0, -1.0, " dBTP"),
    ("audio.sentence_pause", 0, 10000, " ms"),
    ("audio.paragraph_pause", 0, 10000, " ms"),
    ("audio.heading_pause", 0, 10000, " ms"),
    ("audio.intro_pause", 0, 10000, " ms"),
    ("voice.length_scale", 0.5, 2.0, ""),
    ("batch.jobs", 0, 256, ""),
    ("batch.publish_every", 0, 100000, ""),
    ("show.feed_size", 1, 10000, ""),
    ("briefing.max", 1, 50, ""),
    ("briefing.paragraphs", 1, 10, ""),
)


#: The language code ``show.language`` must be, and the feed's ``language`` (``check``'s
#: ``channel.language.code`` rule).
LANGUAGE_CODE = r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*"
#: Settings that may not be empty: the feed, the pages and the spoken intro need them.
REQUIRED_TEXT = ("show.title", "show.language", "show.disclosure", "voice.name")
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_text(settings: Settings, where: str) -> None:
    """No setting holds a control character (a NUL in ``show.language`` was found only by
    ``check``, in the published feed); the required ones are not empty."""
    for group in dataclasses.fields(settings):
        value = getattr(settings, group.name)
        if not dataclasses.is_dataclass(value):
            continue
        for setting in dataclasses.fields(value):
            text = getattr(value, setting.name)
            if isinstance(text, str) and _CONTROL_CHARACTERS.search(text):
                raise ConfigError(f"{where}: {group.name}.{setting.name} holds a control character")
    for key in REQUIRED_TEXT:
        part, name = key.split(".")
        if not getattr(getattr(settings, part), name).strip():
            raise ConfigError(f"{where}: {key} must not be empty")
    if not re.fullmatch(LANGUAGE_CODE, settings.show.language):
        raise ConfigError(
            f"{where}: show.language {settings.show.language!r} is not a language code such as "
            "en or en-us"
        )


def _check(settings: Settings, where: str) -> None:
    _check_text(settings, where)
    from podcast.readrules import problem as reading_rule_problem

    read = settings.read
    bad_rule = reading_rule_problem(read.body, read.skip, read.skip_text)
    if bad_rule:
        raise ConfigError(f"{where}: {bad_rule}")
    for key, low, high, unit in RANGES:
        section, name = key.split(".")
        value = getattr(getattr(settings, section), name)
        # `not low <= value` also catches nan; inf is out of every range.
        if not (low <= value <= high):
            raise ConfigError(f"{where}: {key} must be between {low} and {high}{unit}, not {value}")
    audio = settings.audio
    if audio.intro_music_mode not in ("before", "under"):
        raise ConfigError(f"{where}: audio.intro_music_mode must be 'before' or 'under'")
    if audio.sample_rate not in MP3_BITRATES:
        raise ConfigError(f"{where}: audio.sample_rate must be 22050, 24000, 32000, 44100 or 48000")
    if audio.bitrate not in MP3_BITRATES[audio.sample_rate]:
        rates = ", ".join(map(str, MP3_BITRATES[audio.sample_rate]))
        raise ConfigError(
            f"{where}: audio.bitrate must be one of {rates} kbit/s at {audio.sample_rate} Hz"
        )
    if not settings.show.base_url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: show.base_url must start with http:// or https://")
    if settings.batch.retention:
        parse_age(settings.batch.retention, f"{where}: batch.retention")
    parse_age(settings.briefing.since, f"{where}: briefing.since")
    if settings.batch.cluster:
        from podcast.cluster_address import ClusterAddress

        ClusterAddress.parse(settings.batch.cluster, f"{where}: batch.cluster")
    problem = category_problem(settings.show.category, settings.show.subcategory)
    if problem:
        raise ConfigError(f"{where}: show.{problem}")


#: The longest age anything is kept for (a datetime cannot go back much further).
MAX_AGE = timedelta(days=36525)


def parse_age(text: str, where: str = "age") -> timedelta:
    """``36h``, ``90d`` or ``12w`` as a duration, at most :data:`MAX_AGE` (100 years)."""
    match = re.fullmatch(AGE_PATTERN, text.strip())
    if match is None:
        raise ConfigError(f"{where} {text!r} must look like 36h, 90d or 12w")
    number = int(match.group(1)) if len(match.group(1)) < 10 else 10**10
    hours = number * {"h": 1, "d": 24, "w": 168}[match.group(2)]
    if hours > MAX_AGE.total_seconds() / 3600:
        raise ConfigError(f"{where} {text!r} must be at most 100 years")
    return timedelta(**{_UNITS[match.group(2)]: number})


def _feeds(data: Any, where: str) -> tuple[CategoryFeed, ...]:
    if not isinstance(data, list) or not all(isinstance(t, Mapping) for t in data):
        raise ConfigError(f"{where}: feeds must be an array of tables ([[feeds]])")
    feeds = []
    for table in data:
        unknown = set(table) - {"name", "categories", "title", "description"}
        if unknown:
            raise ConfigError(f"{where}: unknown setting feeds.{sorted(unknown)[0]}")
        name, categories = table.get("name"), table.get("categories")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,60}", name):
            raise ConfigError(f"{where}: feeds.name must be lower-case letters, digits and hyphens")
        if name == "briefing":
            raise ConfigError(f"{where}: feeds.name 'briefing' is the daily briefing's feed")
        if (
            not isinstance(categories, list)
            or not categories
            or not all(isinstance(c, str) for c in categories)
        ):
            raise ConfigError(f"{where}: feeds.categories of {name!r} must be a list of strings")
        for key in ("title", "description"):
            if not isinstance(table.get(key, ""), str):
                raise ConfigError(f"{where}: feeds.{key} of {name!r} must be a string")
        feeds.append(
            CategoryFeed(
                name, tuple(categories), table.get("title", ""), table.get("description", "")
            )
        )
    if len({f.name for f in feeds}) != len(feeds):
        raise ConfigError(f"{where}: two [[feeds]] have the same name")
    return tuple(feeds)


def load_settings(
    config: Path | None = None,
    *,
    site: Path | None = None,
    state: Path | None = None,
    voice: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Resolve settings: arguments (flags) > environment > config file > defaults.

    Without ``config`` (or ``$AUDIO_EDITION_CONFIG``), ``edition.toml`` in the
    working folder is read if it exists.
    """
    env = os.environ if environ is None else environ
    cwd = cwd or Path.cwd()
    explicit = config or (Path(env[ENV_CONFIG]) if env.get(ENV_CONFIG) else None)
    path = explicit or (cwd / DEFAULT_CONFIG_NAME)
    data: dict[str, Any] = {}
    config_file: Path | None = None
    if path.is_file():
        config_file = path
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: {error}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: cannot read: {error}") from None
    elif explicit is not None:
        raise ConfigError(f"config file not found: {path}")
    where = str(path)
    unknown = set(data) - set(_SECTIONS) - {"paths", "feeds"}
    if unknown:
        raise ConfigError(f"{where}: unknown section [{sorted(unknown)[0]}]")
    sections = {
        name: _section(name, cls, data.get(name, {}), where) for name, cls in _SECTIONS.items()
    }
    paths = data.get("paths", {})
    if not isinstance(paths, Mapping) or set(paths) - {"site", "state", "voice_cache"}:
        raise ConfigError(f"{where}: [paths] takes only 'site', 'state' and 'voice_cache'")
    root = (config_file.parent if config_file else cwd).resolve()

    def pick(flag: Path | None, env_name: str, key: str, default: str) -> Path:
        if flag is not None:
            return flag
        if env.get(env_name):
            return Path(env[env_name])
        value = paths.get(key, default)
        if not isinstance(value, str):
            raise ConfigError(f"{where}: paths.{key} must be str")
        path = Path(value).expanduser()
        return path if path.is_absolute() else root / path

    voice_name = voice or env.get(ENV_VOICE) or None
    if voice_name:
        sections["voice"] = dataclasses.replace(sections["voice"], name=voice_name)
    settings = Settings(
        **sections,
        feeds=_feeds(data.get("feeds", []), where),
        site=pick(site, ENV_SITE, "site", "site"),
        state=pick(state, ENV_STATE, "state", ".audio-edition"),
        voice_cache=pick(None, ENV_VOICE_CACHE, "voice_cache", str(default_voice_cache(env))),
        root=root,
        config_file=config_file,
    )
    _check(settings, where)
    site_abs, state_abs = settings.site.resolve(), settings.state.resolve()
    if state_abs == site_abs or site_abs in state_abs.parents:
        raise ConfigError(f"{where}: the state folder {settings.state} must not be inside the site")
    return settings
