"""Reading the settings: flag > environment variable > ``edition.toml`` > default, each
value checked once, at load, with the key that is wrong (ranges, bitrates, the language code,
text that may not be empty, Apple's categories, the ``[read]`` rules, the category feeds).

The value itself, :class:`~podcast.core.settings.Settings`, is in :mod:`podcast.core.settings`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from podcast.core.apple import category_problem
from podcast.core.errors import ConfigError
from podcast.core.settings import (
    DEFAULT_CONFIG_NAME,
    ENV_CONFIG,
    ENV_SITE,
    ENV_STATE,
    ENV_TOKENS,
    ENV_VOICE,
    ENV_VOICE_CACHE,
    SECTIONS,
    WEBHOOK_EVENTS,
    CategoryFeed,
    ServiceSettings,
    Settings,
    Webhook,
    default_voice_cache,
)

#: An age: a whole number of hours, days or weeks (``36h``, ``90d``, ``12w``).
AGE_PATTERN = r"(\d+)\s*([hdw])"
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


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
    ("service.port", 0, 65535, ""),
    ("service.debounce", 0, 60, " s"),
    ("service.retries", 0, 100, ""),
    ("service.retry_after", 0.01, 86400, " s"),
    ("service.webhook_retry_after", 0.01, 3600, " s"),
    ("service.webhook_attempts", 1, 1000, ""),
    ("watch.interval", 0.1, 86400, " s"),
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
    from podcast.core.readrules import problem as reading_rule_problem

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
        from podcast.core.cluster_address import ClusterAddress

        ClusterAddress.parse(settings.batch.cluster, f"{where}: batch.cluster")
    for feed in settings.watch.feeds:
        if not feed.startswith(("http://", "https://")):
            raise ConfigError(
                f"{where}: watch.feeds must be http:// or https:// URLs, not {feed!r}"
            )
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


def _webhooks(data: Any, where: str) -> tuple[Webhook, ...]:
    if not isinstance(data, list) or not all(isinstance(t, Mapping) for t in data):
        raise ConfigError(f"{where}: webhooks must be an array of tables ([[webhooks]])")
    hooks = []
    for table in data:
        unknown = set(table) - {"url", "secret", "events"}
        if unknown:
            raise ConfigError(f"{where}: unknown setting webhooks.{sorted(unknown)[0]}")
        url, secret = table.get("url"), table.get("secret", "")
        events = table.get("events", list(WEBHOOK_EVENTS))
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigError(f"{where}: webhooks.url must start with http:// or https://")
        if not isinstance(secret, str):
            raise ConfigError(f"{where}: webhooks.secret of {url} must be a string")
        if not isinstance(events, list) or not all(e in WEBHOOK_EVENTS for e in events):
            raise ConfigError(
                f"{where}: webhooks.events of {url} must be a list of {', '.join(WEBHOOK_EVENTS)}"
            )
        hooks.append(Webhook(url, secret, tuple(events)))
    return tuple(hooks)


def _tokens(service: ServiceSettings, env: Mapping[str, str], where: str) -> ServiceSettings:
    """``$AUDIO_EDITION_TOKENS`` added to ``service.tokens``; a token is at least 16 characters
    (a short one is guessed)."""
    extra = tuple(t.strip() for t in env.get(ENV_TOKENS, "").split(",") if t.strip())
    tokens = service.tokens + extra
    short = [t for t in tokens if len(t) < 16]
    if short:
        raise ConfigError(f"{where}: a service token must be at least 16 characters")
    return dataclasses.replace(service, tokens=tokens)


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
    unknown = set(data) - set(SECTIONS) - {"paths", "feeds", "webhooks"}
    if unknown:
        raise ConfigError(f"{where}: unknown section [{sorted(unknown)[0]}]")
    sections = {
        name: _section(name, cls, data.get(name, {}), where) for name, cls in SECTIONS.items()
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

    sections["service"] = _tokens(sections["service"], env, where)
    voice_name = voice or env.get(ENV_VOICE) or None
    if voice_name:
        sections["voice"] = dataclasses.replace(sections["voice"], name=voice_name)
    settings = Settings(
        **sections,
        feeds=_feeds(data.get("feeds", []), where),
        webhooks=_webhooks(data.get("webhooks", []), where),
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
