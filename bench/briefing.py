"""The daily briefing from the sentence cache against the same briefing cold, in the same run.

    .venv/bin/python bench/briefing.py [--stories 10] [--words 300] [--rounds 2]

A batch builds N stories of about W words (bench/corpus.py, every sentence
different) in a fresh folder, and a first briefing is made (as on any night after
the first, the briefing's fixed lines, "First.", "Next.", the outro, are then in
the cache). Then, alternating round by round:

- warm: ``briefing --force`` with the stories built (their sentences in the cache);
- cold: ``briefing --force`` with the sentence cache moved away: every sentence of
  the stories' opening paragraphs is synthesised.

Neither has the MP3 pieces the first briefing left, as on a new day: warm has the
stories' own pieces (``.audio-edition/pieces`` as the batch left it), so each story's
opening, kept at its episode's gain, is not encoded again and only the briefing's own
lines are; cold has no pieces at all, as if the stories had never been built.
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


def made(stderr: str) -> str:
    """What the briefing said and encoded, from its ``Built:`` line."""
    said = re.search(r"(\d+) sentences \((\d+) synthesised\)", stderr)
    encoded = re.search(r"(\d+) of (\d+) MP3 piece\(s\) encoded(?:, (\d+) quoted)?", stderr)
    if not said or not encoded:
        return "?"
    return (
        f"{said[2]} of {said[1]} sentences synthesised, "
        f"{encoded[1]} of {encoded[2]} MP3 pieces encoded, {encoded[3] or 0} quoted"
    )


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
        pieces = folder / ".audio-edition" / "pieces"
        stories_pieces = folder / "stories-pieces"
        shutil.copytree(pieces, stories_pieces)
        run(folder, "briefing", "--max", str(options.stories))
        cache = folder / ".audio-edition" / "cache"
        times: dict[str, list[float]] = {"warm": [], "cold": []}
        for round_ in range(options.rounds):
            for kind in ("warm", "cold") if round_ % 2 == 0 else ("cold", "warm"):
                shutil.rmtree(pieces)
                if kind == "cold":
                    shutil.move(cache, folder / "cache-aside")
                else:
                    shutil.copytree(stories_pieces, pieces)
                wall, stderr = run(folder, "briefing", "--force", "--max", str(options.stories))
                if kind == "cold":
                    shutil.rmtree(cache)
                    shutil.move(folder / "cache-aside", cache)
                times[kind].append(wall)
                print(f"round {round_ + 1}: {kind}: {wall:.1f} s ({made(stderr)})", flush=True)
        warm, cold = min(times["warm"]), min(times["cold"])
        print(f"best of {options.rounds}: warm {warm:.1f} s, cold {cold:.1f} s, "
              f"warm / cold {100 * warm / cold:.1f} % (goal < 10 %)")  # fmt: skip


if __name__ == "__main__":
    main()
