"""Where a cold build's time goes after synthesis: measuring, encoding, joining, publishing.

    .venv/bin/python bench/phases.py [--runs 3] [--words 800]

Builds the benchmark's article cold (fresh folder, prepared voice) in this
process, with timers around the mastering steps, and prints when each began
and ended, in seconds from the start. Not a benchmark against piper
(bench/run.py is); this says which step of the mastering to work on.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from corpus import article  # noqa: E402

EVENTS: list[tuple[str, float, float, str]] = []
START = [0.0]


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.monotonic()
        try:
            return function(*args, **kwargs)
        finally:
            thread = threading.current_thread().name
            EVENTS.append((name, began - START[0], time.monotonic() - START[0], thread))

    return wrapper


def one_build(folder: Path, words: int) -> dict[str, float]:
    from click.testing import CliRunner

    from podcast.cli import cli

    (folder / "article.txt").write_text(article(7, words), encoding="utf-8")
    EVENTS.clear()
    os.chdir(folder)
    START[0] = time.monotonic()
    result = CliRunner().invoke(cli, ["-q", "build", "article.txt"], catch_exceptions=False)
    total = time.monotonic() - START[0]
    if result.exit_code != 0:
        raise SystemExit(result.output)
    spans: dict[str, list[float]] = {}
    for name, began, ended, _ in EVENTS:
        spans.setdefault(name, []).extend((began, ended))
    phases = {name: max(times) - min(times) for name, times in spans.items()}
    phases["synthesis ends"] = min(spans["measure"]) if "measure" in spans else total
    phases["after joining"] = total - max(spans.get("join", [total]))
    phases["total"] = total
    return phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--words", type=int, default=800)
    args = parser.parse_args()
    import audio.master

    audio.master.analyse = timed("measure", audio.master.analyse)
    audio.master.encode = timed("encode", audio.master.encode)
    audio.master.join = timed("join", audio.master.join)
    found: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as root:
        os.environ.setdefault("AUDIO_EDITION_VOICE_CACHE", str(Path(root) / "voice-cache"))
        warm = Path(root) / "warm"  # prepares the voice, as a machine's first build does
        warm.mkdir()
        one_build(warm, 30)
        for run in range(args.runs):
            folder = Path(root) / f"run{run}"
            folder.mkdir()
            for name, seconds in one_build(folder, args.words).items():
                found.setdefault(name, []).append(seconds)
    print(f"cold builds of the {args.words}-word benchmark article, {args.runs} runs (s)")
    for name in ("synthesis ends", "measure", "encode", "join", "after joining", "total"):
        values = found.get(name, [])
        if values:
            print(f"{name:16} " + " / ".join(f"{v:.2f}" for v in values)
                  + f"   median {statistics.median(values):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
