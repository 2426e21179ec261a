"""Shared fixtures. The end-to-end site is built once per session, with the real voice and ffmpeg."""

from __future__ import annotations

import os
import signal

import pytest

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, SHORT_HTML, BuiltSite, need_chromium, run_cli

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


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Build SHORT_HTML once, for real: piper voice, ffmpeg, SQLite, in a fresh folder."""
    work = tmp_path_factory.mktemp("e2e")
    article = work / "harbour.html"
    article.write_text(SHORT_HTML, encoding="utf-8")
    result = run_cli("build", str(article), cwd=work)
    assert result.returncode == 0, result.stderr
    return BuiltSite(work, work / "site", article, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright (never a downloaded browser)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
