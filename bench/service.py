"""The service's two figures, each a ratio taken in the same run.

    .venv/bin/python bench/service.py [--rounds 3] [--words 300] [--small 1000] [--large 50000]

1. **Time to audio.** A 300-word article (bench/corpus.py) POSTed to a running service until
   its item is in ``feed.xml``, against ``audio-edition build`` of the same article, cold, in a
   fresh folder (the process, its imports, the voice, every sentence). The service is started
   (fresh folder, empty sentence cache) before the clock starts: it is always on. Rounds
   alternate. Goal: service / build ≤ 1.15.
2. **Publishing one new episode** in a store of ``--large`` episodes, against one of
   ``--small``: each store is filled with synthetic episodes (no audio; bench/feed_render.py)
   and published once, whole; then, each round, one episode is added to each and its site
   published, the two alternating (3 × ``--rounds`` rounds). Goal: large / small ≤ 1.2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import article  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token-0123456789"


def _article_json(words: int, number: int) -> dict[str, str]:
    text = article(number, words)
    title, _, body = text.partition("\n")
    return {"title": title, "body": body.strip(), "url": f"https://news.example/bench-{number}",
            "published": datetime.now(UTC).isoformat()}  # fmt: skip


def _env(folder: Path) -> dict[str, str]:
    env = {**os.environ, "AUDIO_EDITION_VOICE_CACHE": str(folder.parent / "voices")}
    env.pop("AUDIO_EDITION_CONFIG", None)
    return env


def cold_build(folder: Path, data: dict[str, str]) -> float:
    folder.mkdir(parents=True)
    (folder / "article.json").write_text(json.dumps(data), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "podcast", "-q", "build", "article.json"], cwd=folder,
                   env=_env(folder), check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def service_round(folder: Path, data: dict[str, str]) -> float:
    folder.mkdir(parents=True)
    (folder / "edition.toml").write_text(f'[service]\ntokens = ["{TOKEN}"]\n', encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "podcast", "service", "--port", "0"], cwd=folder, env=_env(folder),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stderr is not None
    url = None
    for line in process.stderr:  # waits for the service to say it takes work
        found = re.search(r" at (http://\S+/) ", line)
        if found:
            url = found.group(1)
            break
    assert url, "the service did not start"
    threading.Thread(target=process.stderr.read, daemon=True).start()
    feed = folder / "site" / "feed.xml"
    request = urllib.request.Request(
        url + "api/articles", data=json.dumps(data).encode(), method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )  # fmt: skip
    started = time.perf_counter()
    urllib.request.urlopen(request, timeout=60).read()
    while not (feed.is_file() and data["url"] in feed.read_text(encoding="utf-8")):
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(60)
    return elapsed


def time_to_audio(rounds: int, words: int, base: Path) -> None:
    builds, posts = [], []
    for round_ in range(rounds):
        data = _article_json(words, 100 + round_)
        order = ("build", "service") if round_ % 2 == 0 else ("service", "build")
        for which in order:
            folder = base / f"{which}-{round_}"
            if which == "build":
                builds.append(cold_build(folder, data))
            else:
                posts.append(service_round(folder, data))
            shutil.rmtree(folder, ignore_errors=True)
        print(f"round {round_ + 1}: build {builds[-1]:.2f} s, service {posts[-1]:.2f} s")
    build, post = statistics.median(builds), statistics.median(posts)
    print(f"time to audio, {words} words: cold build median {build:.2f} s, POST to feed "
          f"median {post:.2f} s: service / build = {post / build:.2f} (goal <= 1.15)")  # fmt: skip


def publishing(counts: tuple[int, int], rounds: int, base: Path) -> tuple[float, float]:
    """Median seconds to publish one new episode in each store, rounds alternating."""
    from contextlib import ExitStack

    from feed_render import fill

    from podcast.core.episode import Episode, guid_for
    from podcast.core.settings import Settings
    from podcast.core.store import Store
    from podcast.publish.artwork import default_artwork
    from podcast.publish.site import publish

    artwork = default_artwork()
    times: dict[int, list[float]] = {count: [] for count in counts}
    with ExitStack() as stack:
        stores = {}
        for count in counts:
            settings = Settings(site=base / f"{count}" / "site", state=base / f"{count}" / "state")
            store = stack.enter_context(Store(settings.folders.store))
            started = time.perf_counter()
            fill(store, count)
            publish(store, settings, artwork, full=True)
            print(f"{count} episodes stored and published whole in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
            stores[count] = (store, settings)
        for round_ in range(rounds):
            for count in counts if round_ % 2 == 0 else counts[::-1]:
                store, settings = stores[count]
                key = f"https://news.example/new-{round_}"
                store.save(Episode(
                    key=key, guid=guid_for(key), slug=f"new-{round_}", title=f"New {round_}",
                    published=datetime.now(UTC), audio=f"episodes/new-{round_}.mp3",
                    audio_bytes=1000, duration=60.0, transcript=f"episodes/new-{round_}.vtt",
                    chapters=f"episodes/new-{round_}.chapters.json", voice="v", fingerprint="x",
                ))  # fmt: skip
                started = time.perf_counter()
                published = publish(store, settings, artwork)
                times[count].append(time.perf_counter() - started)
            print(f"round {round_ + 1}: " + ", ".join(
                f"{count} stored {times[count][-1] * 1000:.0f} ms" for count in counts
            ) + f" ({len(published.files)} files each)")  # fmt: skip
    return statistics.median(times[counts[0]]), statistics.median(times[counts[1]])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--skip-audio", action="store_true", help="Only the publishing figure.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        if not args.skip_audio:
            time_to_audio(args.rounds, args.words, base)
        small, large = publishing((args.small, args.large), args.rounds * 3, base)
        print(f"publishing one new episode: {args.small} stored median {small * 1000:.0f} ms, "
              f"{args.large} stored median {large * 1000:.0f} ms: large / small = "
              f"{large / small:.2f} (goal <= 1.2)")  # fmt: skip


if __name__ == "__main__":
    main()
