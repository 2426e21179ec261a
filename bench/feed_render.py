"""Benchmark: publish a store of N episodes (feeds, pages) and report the time.

    .venv/bin/python bench/feed_render.py [--episodes 10000] [--runs 3]

Episodes are synthetic (no audio is made); everything publish() does is real:
the SQLite store, jinja2 rendering of every feed page and episode page, the
atomic writes, and the stale-file sweep. The runs publish everything
(``full=True``); a last one publishes what changed since (nothing): what a
publish after one new episode costs is bench/service.py's.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from podcast.core.cues import TranscriptCue
from podcast.core.episode import Episode, guid_for
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.publish.artwork import default_artwork
from podcast.publish.site import publish


def fill(store: Store, count: int) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    cues = tuple(
        TranscriptCue(i * 4.0, i * 4.0 + 3.5, f"Sentence {i} of the article & more.", i // 3)
        for i in range(40)
    )
    store.db.execute("BEGIN")
    for n in range(count):
        key = f"https://news.example/{n}"
        store.save(
            Episode(
                key=key, guid=guid_for(key), slug=f"article-{n}", title=f"Article {n}: a headline & more",
                published=start + timedelta(hours=n), audio=f"episodes/article-{n}-abc.mp3",
                audio_bytes=1_000_000 + n, duration=300.0, transcript=f"episodes/article-{n}-abc.vtt",
                chapters=f"episodes/article-{n}-abc.chapters.json", voice="en_US-joe-medium",
                fingerprint="x", summary="A summary of the article. " * 8, categories=("News",),
                cues=cues, marks=((0.0, "Introduction"), (12.0, "Body")),
            )
        )  # fmt: skip
    store.db.execute("COMMIT")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(site=Path(folder) / "site", state=Path(folder) / "state")
        artwork = default_artwork()
        with Store(settings.folders.store) as store:
            started = time.perf_counter()
            fill(store, args.episodes)
            print(
                f"filled store with {args.episodes} episodes in {time.perf_counter() - started:.1f} s"
            )
            for run in range(args.runs):
                started = time.perf_counter()
                published = publish(store, settings, artwork, full=True)
                times.append(time.perf_counter() - started)
                print(f"run {run + 1}: {times[-1]:.2f} s, {len(published.files)} files")
            started = time.perf_counter()
            published = publish(store, settings, artwork)
            nothing = time.perf_counter() - started
        pages = len(list(settings.site.glob("feed*.xml")))
    warm = times[1:] or times
    print(f"publish {args.episodes} episodes ({pages} feed pages)")
    print(f"  cold (every page rendered): {times[0]:.2f} s")
    print(
        f"  warm (every feed page and the index re-rendered, episode pages current): "
        f"min {min(warm):.2f} s, median {statistics.median(warm):.2f} s, max {max(warm):.2f} s"
    )
    print(f"  nothing changed since (only the heads and the index): {nothing:.3f} s")


if __name__ == "__main__":
    main()
