"""What the episode store's safety costs: the page check on open and the copy after a run.

Fills a store with N synthetic episodes shaped like real ones (80 transcript cues, 80
sentence keys, 12 piece keys each), then times opening it (``PRAGMA quick_check`` reads
every page) against opening it without the check, and ``Store.backup``. Run:

    .venv/bin/python bench/store.py 1000 10000
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from podcast.core.cues import TranscriptCue
from podcast.core.episode import Episode
from podcast.core.store import Store


def fill(path: Path, count: int) -> None:
    cues = tuple(
        TranscriptCue(
            i * 4.0, i * 4.0 + 3.5, f"Sentence number {i} of a council story, " * 3, i // 4
        )
        for i in range(80)
    )
    with Store(path) as store:
        store.db.execute("BEGIN")
        for n in range(count):
            store.save(Episode(
                key=f"https://news.example/{n}", guid=f"guid-{n}", slug=f"story-{n}",
                title=f"Story {n}", published=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n),
                audio=f"episodes/story-{n}-abc.mp3", audio_bytes=2_000_000, duration=330.0,
                transcript=f"episodes/story-{n}-abc.vtt", chapters=f"episodes/story-{n}-abc.chapters.json",
                voice="en_US-joe-medium", fingerprint="f" * 64, summary="A summary. " * 20,
                cues=cues, marks=((0.0, "Introduction"), (12.0, f"Story {n}")),
                sentence_keys=tuple(f"{n:08d}{i:056d}" for i in range(80)),
                piece_keys=tuple(f"{n:08d}{i:056d}" for i in range(12)),
            ))  # fmt: skip
        store.db.execute("COMMIT")


def best(function, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main(counts: list[int]) -> None:
    print(
        f"{'episodes':>9}  {'MB':>6}  {'open, no check':>14}  {'open (quick_check)':>18}  {'backup':>7}"
    )
    for count in counts:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "episodes.db"
            fill(path, count)
            size = path.stat().st_size / 1e6

            def bare(path: Path = path) -> None:
                db = sqlite3.connect(str(path))
                db.execute("SELECT count(*) FROM migrations").fetchone()
                db.close()

            def checked(path: Path = path) -> None:
                Store(path).close()

            store = Store(path)
            copy = best(store.backup, 3)
            store.close()
            print(
                f"{count:>9}  {size:>6.1f}  {best(bare) * 1000:>11.1f} ms  {best(checked) * 1000:>15.1f} ms  {copy * 1000:>4.0f} ms"
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
