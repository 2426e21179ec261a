"""Settings: flag > environment > edition.toml > default, and clear errors."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from importlib.resources import files
from pathlib import Path

import pytest

from podcast.core.config import load_settings
from podcast.core.errors import ConfigError
from podcast.core.settings import (
    WEBHOOK_EVENTS,
    AudioSettings,
    Settings,
    ShowSettings,
    default_voice_cache,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "edition.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_config(tmp_path: Path) -> None:
    settings = load_settings(environ={}, cwd=tmp_path)
    assert settings.show == ShowSettings()
    assert settings.site == tmp_path.resolve() / "site"
    assert settings.state == tmp_path.resolve() / ".audio-edition"
    assert settings.config_file is None


def test_precedence_flag_over_env_over_file(tmp_path: Path) -> None:
    write(tmp_path, '[voice]\nname = "from-file"\n[paths]\nsite = "file-site"\n')
    from_file = load_settings(environ={}, cwd=tmp_path)
    assert from_file.voice.name == "from-file"
    assert from_file.site == tmp_path.resolve() / "file-site"
    env = {"AUDIO_EDITION_VOICE": "from-env", "AUDIO_EDITION_SITE": "/env-site"}
    from_env = load_settings(environ=env, cwd=tmp_path)
    assert (from_env.voice.name, from_env.site) == ("from-env", Path("/env-site"))
    from_flag = load_settings(voice="from-flag", site=Path("flag-site"), environ=env, cwd=tmp_path)
    assert (from_flag.voice.name, from_flag.site) == ("from-flag", Path("flag-site"))


def test_config_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    sub = tmp_path / "conf"
    sub.mkdir()
    config = write(sub, '[voice]\nfolder = "myvoices"\n')
    settings = load_settings(config, environ={}, cwd=tmp_path)
    assert settings.voices_folder == sub.resolve() / "myvoices"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[show\n", "at line 1"),
        ("[colour]\n", "unknown section [colour]"),
        ("[audio]\nbitrate = 1000\n", "audio.bitrate must be one of 32, 40"),
        ("[audio]\nintro_music_mode = 'over'\n", "intro_music_mode must be 'before' or 'under'"),
        ("[show]\nexplicit = 'no'\n", "show.explicit must be bool, not str"),
        ("[show]\nbase_url = 'ftp://x'\n", "base_url must start with http"),
        ("[paths]\nsite = 'x'\nstate = 'x/state'\n", "must not be inside the site"),
        ('[show]\nlanguage = "en\\u0000"\n', "show.language holds a control character"),
        ("[show]\ntitle = ''\n", "show.title must not be empty"),
        ("[show]\ntitle = '   '\n", "show.title must not be empty"),
        ("[show]\nlanguage = 'english please'\n", "'english please' is not a language code"),
        ('[show]\nauthor = "A\\u0007B"\n', "show.author holds a control character"),
    ],
    ids=[
        "syntax",
        "section",
        "range",
        "choice",
        "type",
        "url",
        "state-in-site",
        "nul",
        "empty title",
        "blank title",
        "language",
        "bell",
    ],  # fmt: skip
)
def test_bad_configs(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_settings(environ={}, cwd=tmp_path)


def test_init_template_documents_every_setting_with_its_default() -> None:
    text = files("podcast").joinpath("templates/edition.toml").read_text("utf-8")
    # Uncommenting every setting must give exactly the defaults.
    lines, in_string = [], False
    for line in text.splitlines():
        setting = re.match(r"# ([a-z_]+ = |\[\[(feeds|webhooks)\]\])", line)
        if in_string or setting:
            line = line[2:]
            if line.count('"""') == 1:
                in_string = not in_string
        lines.append(line)
    uncommented = "\n".join(lines)
    data = tomllib.loads(uncommented)
    defaults = Settings()
    for section in ("show", "voice", "audio", "intro", "batch", "service", "watch"):
        expected = {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in dataclasses.asdict(getattr(defaults, section)).items()
        }
        assert data[section] == expected, section
    assert data["webhooks"][0]["events"] == list(WEBHOOK_EVENTS)
    assert data["paths"] == {
        "site": "site",
        "state": ".audio-edition",
        "voice_cache": "~/.cache/audio-edition/voices",
    }
    assert Path(data["paths"]["voice_cache"]).expanduser() == default_voice_cache({})
    assert data["feeds"][0]["name"] == "politics"


def test_category_feeds(tmp_path: Path) -> None:
    write(
        tmp_path,
        '[[feeds]]\nname = "politics"\ncategories = ["Politics"]\n[[feeds]]\nname = "sport"\ncategories = ["Sport", "Football"]\ntitle = "Sport"\n',
    )
    feeds = load_settings(environ={}, cwd=tmp_path).feeds
    assert [(f.name, f.categories, f.title) for f in feeds] == [
        ("politics", ("Politics",), ""),
        ("sport", ("Sport", "Football"), "Sport"),
    ]
    write(tmp_path, '[[feeds]]\nname = "../etc"\ncategories = ["x"]\n')
    with pytest.raises(ConfigError, match="feeds.name must be lower-case"):
        load_settings(environ={}, cwd=tmp_path)
    # the daily briefing's feed is feeds/briefing.xml: a category feed may not take its name
    write(tmp_path, '[[feeds]]\nname = "briefing"\ncategories = ["x"]\n')
    with pytest.raises(ConfigError, match="feeds.name 'briefing' is the daily briefing's feed"):
        load_settings(environ={}, cwd=tmp_path)


def test_float_settings_accept_integers(tmp_path: Path) -> None:
    write(tmp_path, "[audio]\nloudness = -16\n")
    assert load_settings(environ={}, cwd=tmp_path).audio.loudness == -16.0
    assert AudioSettings().loudness == -16.0


def test_voice_cache_is_per_user_unless_moved(tmp_path: Path) -> None:
    home_cache = load_settings(environ={}, cwd=tmp_path).voice_cache
    assert home_cache == Path("~/.cache/audio-edition/voices").expanduser()
    xdg = load_settings(environ={"XDG_CACHE_HOME": "/xdg"}, cwd=tmp_path).voice_cache
    assert xdg == Path("/xdg/audio-edition/voices")
    write(tmp_path, '[paths]\nvoice_cache = "prepared"\n')
    assert load_settings(environ={}, cwd=tmp_path).voice_cache == tmp_path.resolve() / "prepared"
    env = {"AUDIO_EDITION_VOICE_CACHE": "/from/env"}
    assert load_settings(environ=env, cwd=tmp_path).voice_cache == Path("/from/env")


def test_the_services_settings_webhooks_and_tokens(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
[service]
tokens = ["a-token-of-twenty-chars"]

[watch]
feeds = ["https://news.example/rss"]
interval = 60

[[webhooks]]
url = "https://cms.example/hook"
secret = "s"
events = ["episode.published"]
""",
    )
    settings = load_settings(
        environ={"AUDIO_EDITION_TOKENS": " second-token-0123456 ,"}, cwd=tmp_path
    )
    assert settings.service.tokens == ("a-token-of-twenty-chars", "second-token-0123456")
    assert settings.watch.feeds == ("https://news.example/rss",) and settings.watch.interval == 60.0
    (hook,) = settings.webhooks
    assert (hook.url, hook.secret, hook.events) == (
        "https://cms.example/hook",
        "s",
        ("episode.published",),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[service]\ntokens = ["short"]', "a service token must be at least 16 characters"),
        ('[[webhooks]]\nurl = "ftp://x"', "webhooks.url must start with http:// or https://"),
        (
            '[[webhooks]]\nurl = "http://x"\nevents = ["episode.made"]',
            "webhooks.events of http://x",
        ),
        ('[watch]\nfeeds = ["file:///etc/passwd"]', "watch.feeds must be http:// or https:// URLs"),
        ("[service]\nport = 70000", "service.port must be between 0 and 65535"),
    ],
)
def test_bad_service_settings_are_refused_with_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(environ={}, cwd=tmp_path)
