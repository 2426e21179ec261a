"""Soak: build many generated articles in one process and show that memory does not grow.

    .venv/bin/python bench/soak.py [--articles 200] [--words 80]

Not part of `make test`: it takes several minutes. It builds each article for
real (piper, ffmpeg, SQLite, feed and pages) with one ArticleRunner, as a long
batch would, and prints the process's resident memory every few articles.
It exits 1 if memory after the warm-up grows by more than --max-growth MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import article  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--words", type=int, default=80)
    parser.add_argument("--every", type=int, default=20)
    parser.add_argument(
        "--warmup", type=int, default=60, help="articles before the baseline is taken"
    )
    parser.add_argument(
        "--max-growth", type=float, default=20.0, help="MB allowed after the warm-up"
    )
    args = parser.parse_args()

    from podcast.core.config import load_settings
    from podcast.core.store import Store
    from podcast.make.runner import ArticleRunner
    from podcast.publish.site import publish
    from podcast.read.articles import read_article

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        settings = load_settings(site=root / "site", state=root / "state", environ={}, cwd=root)
        started = time.perf_counter()
        baseline = None
        samples = []
        with Store(settings.folders.store) as store:
            runner = ArticleRunner(settings, store)
            for number in range(1, args.articles + 1):
                path = root / f"a{number}.txt"
                path.write_text(article(1000 + number, args.words), encoding="utf-8")
                runner.build(read_article(path))
                if number % 10 == 0:
                    publish(store, settings, runner.artwork)
                path.unlink()
                if number == args.warmup:
                    baseline = rss_mb()
                if number % args.every == 0:
                    samples.append((number, rss_mb()))
                    print(
                        f"{number:4d} articles  RSS {samples[-1][1]:7.1f} MB  {time.perf_counter() - started:6.0f} s",
                        flush=True,
                    )
            publish(store, settings, runner.artwork)
        growth = max(mb for _, mb in samples) - (baseline or samples[0][1])
        print(f"growth after the warm-up: {growth:.1f} MB (allowed {args.max_growth:.0f} MB)")
        sys.exit(0 if growth <= args.max_growth else 1)


if __name__ == "__main__":
    main()
