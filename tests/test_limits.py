"""Issue 15's smaller holes, each reproduced in-process: deadlines, redirects, ranges, limits."""

from __future__ import annotations

import http.server
import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podcast.batch.run import run_batch
from podcast.cli import cli
from podcast.core.config import load_settings, parse_age
from podcast.core.errors import ArticleError, ConfigError
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.publish.site import show_artwork
from podcast.read.fetch import SourceError, fetch
from podcast.read.fields import parse_datetime
from podcast.read.formats import read_json
from podcast.read.model import Article
from podcast.read.sources import _entry_article, expand
from podcast.speech.scripting import article_script
from voices.script import Block


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, object]]]:
    """A local HTTP server whose answers the test sets: ``slow`` trickles, ``redirect`` sends on."""
    behaviour: dict[str, object] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/slow.rss":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                for _ in range(1000):
                    try:
                        self.wfile.write(b"<")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.4)
            else:
                self.send_response(302)
                self.send_header("Location", str(behaviour.get("location", "")))
                self.send_header("Content-Length", "0")
                self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", behaviour
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_fetch_has_a_total_deadline_not_only_one_per_read(
    server: tuple[str, dict[str, object]],
) -> None:
    """Item 8: one byte every 0.4 s never trips a per-read timeout of 1.5 s; the total must."""
    base, _ = server
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"took longer than 1\.5 s"):
        fetch(f"{base}/slow.rss", timeout=1.5)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("location", ["ftp://127.0.0.1/feed.rss", "file:///etc/passwd"])
def test_redirects_only_to_http(server: tuple[str, dict[str, object]], location: str) -> None:
    """Minor: a redirect to ftp: (or file:) is refused, not followed."""
    base, behaviour = server
    behaviour["location"] = location
    with pytest.raises(SourceError, match="redirected to a non-http"):
        fetch(f"{base}/moved.rss", timeout=5)


BAD_SETTINGS = {
    "loudness too low": ("[audio]\nloudness = -100\n", "audio.loudness must be between -30.0 and -10.0"),
    "loudness nan": ("[audio]\nloudness = nan\n", "audio.loudness must be between -30.0 and -10.0"),
    "loudness inf": ("[audio]\nloudness = inf\n", "audio.loudness must be between -30.0 and -10.0"),
    "true peak above 0": ("[audio]\ntrue_peak = 5\n", "audio.true_peak must be between -9.0 and -1.0"),
    "true peak nan": ("[audio]\ntrue_peak = nan\n", "audio.true_peak must be between -9.0 and -1.0"),
    "length scale nan": ("[voice]\nlength_scale = nan\n", "voice.length_scale must be between 0.5 and 2.0"),
    "bitrate no encoder takes": ("[audio]\nbitrate = 65\n", "audio.bitrate must be one of 32, 40, 48"),
    "bitrate for a low sample rate": ("[audio]\nbitrate = 320\nsample_rate = 24000\n", "audio.bitrate must be one of 8, 16"),
    "huge retention": ("[batch]\nretention = \"99999999999999999d\"\n", "batch.retention '99999999999999999d' must be at most 100 years"),
    "huge publish_every": ("[batch]\npublish_every = 99999999999\n", "batch.publish_every must be between 0 and 100000"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_SETTINGS))
def test_numeric_settings_have_ranges(tmp_path: Path, case: str) -> None:
    """Item 10: every numeric setting is checked, with its key's name, before any work."""
    text, message = BAD_SETTINGS[case]
    (tmp_path / "edition.toml").write_text(text)
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load_settings(cwd=tmp_path, environ={})


def test_bad_loudness_stops_the_cli_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "edition.toml").write_text("[audio]\nloudness = -100\n")
    (tmp_path / "a.md").write_text("# T\n\nText.\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUDIO_EDITION_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["build", "a.md"])
    assert result.exit_code == 1
    assert "audio.loudness must be between -30.0 and -10.0 LUFS" in result.output
    assert not (tmp_path / ".audio-edition").exists()


@pytest.mark.parametrize("age", ["99999999999999d", "999999999999999999999h", "5300w"])
def test_huge_ages_are_one_line_errors(age: str) -> None:
    """Minor: --older-than beyond what a date can hold is an error, not an OverflowError."""
    with pytest.raises(ConfigError, match="at most 100 years"):
        parse_age(age)


def test_standard_input_has_a_size_limit() -> None:
    """Minor: `script - < /dev/zero` read until memory ran out."""

    class Zero(io.RawIOBase):
        """/dev/zero, but it gives up after 100 MB so the unfixed code fails instead of swapping."""

        served = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            if Zero.served > 100 * 1024 * 1024:
                raise AssertionError("standard input was read without a limit")
            buffer[:] = b"a" * len(buffer)
            Zero.served += len(buffer)
            return len(buffer)

    result = CliRunner().invoke(cli, ["script", "-"], input=io.BufferedReader(Zero()))
    assert result.exit_code == 1, result.output
    assert "standard input is larger than 20 MB" in result.output


def test_a_long_title_is_capped_in_the_spoken_intro() -> None:
    """Minor: a 5,000-character title was read aloud in full."""
    title = "Council " + "approves the plan " * 300
    script = article_script(Article(title, (Block("paragraph", "Text."),)), Settings(), "en")
    intro = " ".join(s.text for p in script.paragraphs if p.kind == "intro" for s in p.sentences)
    assert len(intro) < 400
    assert "approves the plan" in intro


def test_config_templates_are_sandboxed() -> None:
    """Minor: the intro template comes from a config file; it may not reach Python's internals."""
    from dataclasses import replace

    from podcast.core.settings import IntroSettings

    settings = replace(
        Settings(),
        intro=IntroSettings(template="{{ title.__class__.__mro__[1].__subclasses__() }}"),
    )
    with pytest.raises(ConfigError, match="intro.template template: .*unsafe"):
        article_script(Article("T", (Block("paragraph", "Text."),)), settings, "en")


def test_the_server_closes_idle_connections(tmp_path: Path) -> None:
    """Minor: an idle keep-alive connection was held forever."""
    from podcast.publish.serve import make_server

    (tmp_path / "feed.xml").write_text("<rss/>")
    httpd = make_server(tmp_path, "127.0.0.1", 0, idle_timeout=0.5)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        with socket.create_connection(httpd.server_address[:2], timeout=5) as conn:
            started = time.monotonic()
            assert conn.recv(1) == b""  # closed by the server
            assert time.monotonic() - started < 4
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_reader_errors_become_article_errors() -> None:
    """Item 3, unit by unit: each crash a reader raised is the article's own error."""
    with pytest.raises(ArticleError, match="out of range"):
        parse_datetime("0001-01-01T00:00:00+14:00")
    with pytest.raises(ArticleError, match="nested too deeply"):
        read_json("[" * 100_000 + "]" * 100_000, "deep.json")
    entry = {"title": "T", "summary": "<!-- x -->", "content": [{"value": "<p>Body text.</p>"}]}
    article = _entry_article(_Entry(entry), "feed#1")
    assert article.summary == ""
    assert article.published is None or article.published.tzinfo is UTC


class _Entry(dict):  # type: ignore[type-arg]
    """What feedparser hands over: a dict whose keys are attributes too."""

    def __getattr__(self, name: str) -> object:
        return self[name]


def test_links_outside_the_source_folder_are_reported(tmp_path: Path) -> None:
    """Item 5: a link out of the folder is an item that fails with its reason, not read."""
    (tmp_path / "in").mkdir()
    (tmp_path / "secret.txt").write_text("Secret\n\nswordfish\n")
    (tmp_path / "in" / "zz.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "in" / "sub").symlink_to(tmp_path)
    items = expand(str(tmp_path / "in"))
    assert [Path(i.label).name for i in items] == ["zz.txt"]
    with pytest.raises(SourceError, match="outside the source folder"):
        items[0].load()


# -- the property: whatever a reader is fed, the batch ends with a report -----------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["title", "body", "html", "published", "url", "categories", "language",
                         "author", "summary", "image"]) | st.text(max_size=8), inner, max_size=6),
    max_leaves=20,
)  # fmt: skip
_xml_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def _feed(draw: st.DrawFn) -> bytes:
    items = draw(st.lists(st.tuples(_xml_text, _xml_text, _xml_text, _xml_text), max_size=3))
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{date}</pubDate>"
        f"<description><![CDATA[{html}]]></description></item>"
        for t, link, date, html in items
    )
    text = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{body}</channel></rss>'
    )
    return draw(
        st.sampled_from([text.encode("utf-8", "surrogatepass"), text.encode("latin-1", "replace")])
    )


_inputs = st.one_of(
    st.tuples(st.sampled_from([".html", ".md", ".txt", ".json", ".rss"]), st.binary(max_size=400)),
    st.tuples(st.just(".json"), _json.map(lambda v: json.dumps(v).encode())),
    st.tuples(st.just(".jsonl"), st.lists(_json, max_size=3).map(
        lambda vs: "\n".join(json.dumps(v) for v in vs).encode())),
    st.tuples(st.just(".rss"), _feed()),
    st.tuples(st.just(".html"), _xml_text.map(lambda t: f"<html><body><p>{t}</p></body></html>".encode())),
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_inputs)
def test_any_input_in_a_batch_ends_with_a_report(tmp_path: Path, case: tuple[str, bytes]) -> None:
    """Item 3's property: arbitrary bytes, JSON and XML at every reader, inside a batch (that
    reads and plans every article but makes no audio): it always finishes with a report."""
    suffix, data = case
    work = Path(tmp_path) / f"w{time.monotonic_ns()}"
    (work / "in").mkdir(parents=True)
    source = work / "in" / f"article{suffix}"
    source.write_bytes(data)
    settings_ = Settings(site=work / "site", state=work / "state")
    given_source = str(source) if suffix in (".jsonl", ".rss") else str(work / "in")
    with Store(settings_.folders.store) as store:
        report = run_batch([given_source], settings_, store, show_artwork(settings_), dry_run=True)
    assert report.finished is not None
    handled = report.source_errors or report.outcomes
    assert handled or not data.strip() or suffix in (".jsonl", ".rss")
    for outcome in report.outcomes:
        assert outcome.status in ("planned", "failed", "skipped")
        if outcome.status == "failed":
            assert outcome.reason and "\n" not in outcome.reason
    assert list((settings_.state / "reports").glob("*.json"))


def test_parse_datetime_still_reads_good_dates() -> None:
    assert parse_datetime("2026-01-02T03:04:05+14:00") == datetime(2026, 1, 1, 13, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("author", "said"),
    [("Jane Doe.", "By Jane Doe."), ("Martin Luther King Jr.", "By Martin Luther King Jr."),
     ("Jane Doe", "By Jane Doe.")],
)  # fmt: skip
def test_a_byline_that_ends_in_a_full_stop_is_said_with_one(author: str, said: str) -> None:
    """ "By Priya Shah, Business Correspondent.." was said: the template adds its own stop."""
    script = article_script(
        Article("T", (Block("paragraph", "Text."),), author=author), Settings(), "en"
    )
    assert script.paragraphs[2].sentences[0].text == said


def _build_with(folder: Path, config: str) -> Any:
    """``build`` of a short article in ``folder`` with ``config`` as its settings file."""
    (folder / "edition.toml").write_text(config)
    (folder / "a.json").write_text('{"title": "T", "body": "Text here."}')
    return CliRunner().invoke(cli, ["--config", str(folder / "edition.toml"), "build",
                                    str(folder / "a.json"), "--site", str(folder / "site")],
                              env={"AUDIO_EDITION_STATE": str(folder / "state")})  # fmt: skip


TEMPLATES = {
    "division by zero": ("{{ 1/0 }}", "intro.template template: ZeroDivisionError"),
    "huge range": ("{% for i in range(10**9) %}x{% endfor %}", "too big"),
    "nested loops": ("{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}", "too big"),
    "long string": ("{{ 'x' * 10**9 }}", "too big"),
    "huge power": ("{{ 10**100000000 }}", "too big"),
    "loops over a list": (
        "{% set x = range(5000)|list %}{% for a in x %}{% for b in x %}{% for c in x %}"
        "{% endfor %}{% endfor %}{% endfor %}",
        "takes longer than 2 s",
    ),
}  # fmt: skip


@pytest.mark.parametrize("template, message", TEMPLATES.values(), ids=TEMPLATES.keys())
def test_an_intro_template_that_fails_or_runs_away_is_one_line(
    tmp_path: Path, template: str, message: str
) -> None:
    """Issue 24, minor: {{ 1/0 }} gave a traceback; a huge loop ran for ever."""
    started = time.monotonic()
    result = _build_with(tmp_path, f"[intro]\ntemplate = {json.dumps(template)}\n")
    assert time.monotonic() - started < 15
    assert result.exit_code == 1, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: intro.template template: ") and message in line, line


PATHS = {
    "lexicon": ("[voice]\nlexicon = '{path}'\n", "cannot read lexicon {path}: not a file of at most 10 MB"),
    "music": ("[audio]\nintro_music = '{path}'\n", "intro music not found, or not a file: {path}"),
    "artwork": ("[show]\nartwork = '{path}'\n", "show.artwork: {path} is not an image file of at most 20 MB"),
}  # fmt: skip


@pytest.mark.parametrize("config, message", PATHS.values(), ids=PATHS.keys())
@pytest.mark.parametrize("path", ["/dev/zero", "folder"])
def test_a_path_that_is_not_a_regular_file_is_refused_unread(
    tmp_path: Path, config: str, message: str, path: str
) -> None:
    """Issue 24, minor: voice.lexicon = "/dev/zero" was read until the kernel killed it at 23 GB."""
    if path == "folder":
        (tmp_path / "folder").mkdir()
        path = str(tmp_path / "folder")
    result = _build_with(tmp_path, config.format(path=path))
    assert result.exit_code == 1, result.output
    (line,) = result.output.strip().splitlines()
    assert message.format(path=path) in line, line
