"""The batch on a Dask cluster against the local worker pool, on this machine, in the same run.

    .venv/bin/python bench/cluster.py [--articles 20] [--rounds 1]

(a) A real batch of N articles (each about eight sentences of news text, no two
alike) in a fresh folder, through ``--cluster local:2`` and through ``--jobs 2``,
alternating which goes first each round. Reports each wall time and the ratio
cluster / jobs (the issue's goal: at most 1.05). Also the batch process's own
time per article on the cluster run (the renders: assembly, mastering, encoding),
from the JSON report: what one batch process can feed.

Part (b) of issue 18 (simulated 8, 32 and 128 workers over 5,000 articles) is not
built yet: see bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACES = ["harbour", "library", "bridge", "school", "market", "station", "clinic", "park",
          "museum", "airport", "stadium", "college", "theatre", "ferry", "tramline", "canal",
          "reservoir", "hospital", "depot", "pier"]  # fmt: skip


def write_articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for n in range(count):
        place = PLACES[n % len(PLACES)]
        (folder / f"a{n:02d}.txt").write_text(
            f"Council backs plan {n} for the {place}\n\n"
            f"The city council voted on Tuesday to back plan {n} for the {place}, after a debate "
            f"that ran for {n + 2} hours.\n\n"
            f"Supporters said the {place} had waited {n + 3} years for the work. Opponents asked "
            f"who would pay for it, and how soon.\n\n"
            f"The mayor said the first stage of plan {n} would start in the spring. Residents near "
            f"the {place} will be told about the work by letter.\n\n"
            f"A second vote on the budget for the {place} is due next month.\n",
            encoding="utf-8",
        )


def run(folder: Path, *args: str) -> tuple[float, dict[str, object]]:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "podcast", "-q", "batch", "articles", *args],
                   cwd=folder, check=True, capture_output=True)  # fmt: skip
    wall = time.monotonic() - started
    (report,) = (folder / ".audio-edition" / "reports").glob("*.json")
    return wall, json.loads(report.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    options = parser.parse_args()
    results: dict[str, list[float]] = {"cluster local:2": [], "jobs 2": []}
    renders: list[float] = []
    for round_ in range(options.rounds):
        order = [("jobs 2", ("--jobs", "2")), ("cluster local:2", ("--cluster", "local:2"))]
        for name, args in order if round_ % 2 == 0 else order[::-1]:
            with tempfile.TemporaryDirectory() as work:
                folder = Path(work)
                write_articles(folder / "articles", options.articles)
                wall, report = run(folder, *args)
                results[name].append(wall)
                built = report["built"]
                assert isinstance(built, list) and len(built) == options.articles
                if name.startswith("cluster"):
                    renders += [b["seconds"] for b in built]
                print(f"round {round_ + 1}: {name}: {wall:.1f} s", flush=True)
    cluster, jobs = min(results["cluster local:2"]), min(results["jobs 2"])
    print(f"best of {options.rounds}: cluster local:2 {cluster:.1f} s, jobs 2 {jobs:.1f} s, "
          f"ratio {cluster / jobs:.3f} (goal ≤ 1.05)")  # fmt: skip
    print(f"per article on the cluster run, from submission to commit: median "
          f"{sorted(renders)[len(renders) // 2]:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
