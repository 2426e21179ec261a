"""The daily briefing from the sentence cache against the same briefing cold, in the same run.

    .venv/bin/python bench/briefing.py [--stories 10] [--words 300] [--rounds 2]

A batch builds N stories of about W words (bench/corpus.py, every sentence
different) in a fresh folder, and a first briefing is made (as on any night after
the first, the briefing's fixed lines, "First.", "Next.", the outro, are then in
the cache). Then, alternating round by round:

- warm: ``briefing --force`` with the stories built (their sentences in the cache);
- cold: ``briefing --force`` with the sentence cache moved away: every sentence of
  the stories' opening paragraphs is synthesised.

Both run without the MP3 pieces the first briefing left (``.audio-edition/pieces``
moved away), so each masters and encodes the whole briefing, as a new day's does.
The title (it names the date) was said by the first briefing: a new day's briefing
also says its title and its "Here are N stories" line, two sentences more.

Reports each wall time, the sentences synthesised, and warm / cold (the issue's
goal: under 10 %).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus  # noqa: E402


def run(folder: Path, *args: str) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "podcast", *args], cwd=folder,
                            capture_output=True, text=True, check=True)  # fmt: skip
    return time.monotonic() - started, result.stderr


def synthesised(stderr: str) -> str:
    found = re.search(r"(\d+) sentences \((\d+) synthesised\)", stderr)
    return f"{found[2]} of {found[1]} sentences synthesised" if found else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=10)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        write_corpus(folder / "articles", options.stories, options.words)
        run(folder, "batch", "articles")
        run(folder, "briefing", "--max", str(options.stories))
        cache = folder / ".audio-edition" / "cache"
        pieces = folder / ".audio-edition" / "pieces"
        times: dict[str, list[float]] = {"warm": [], "cold": []}
        for round_ in range(options.rounds):
            for kind in ("warm", "cold") if round_ % 2 == 0 else ("cold", "warm"):
                shutil.move(pieces, folder / "pieces-aside")
                if kind == "cold":
                    shutil.move(cache, folder / "cache-aside")
                wall, stderr = run(folder, "briefing", "--force", "--max", str(options.stories))
                if kind == "cold":
                    shutil.rmtree(cache)
                    shutil.move(folder / "cache-aside", cache)
                shutil.rmtree(pieces)
                shutil.move(folder / "pieces-aside", pieces)
                times[kind].append(wall)
                print(
                    f"round {round_ + 1}: {kind}: {wall:.1f} s ({synthesised(stderr)})", flush=True
                )
        warm, cold = min(times["warm"]), min(times["cold"])
        print(f"best of {options.rounds}: warm {warm:.1f} s, cold {cold:.1f} s, "
              f"warm / cold {100 * warm / cold:.1f} % (goal < 10 %)")  # fmt: skip


if __name__ == "__main__":
    main()
