"""Writes examples/access.log.gz: a week of made-up requests for the bundled sample's episode,
in the log format the README gives nginx (combined, with the Content-Range sent), for trying
`audio-edition stats` after `make run`:

    .venv/bin/python examples/make_access_log.py            # after make run
    .venv/bin/audio-edition stats examples/access.log.gz --format html -o stats.html

Listeners come from the documentation address ranges (192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24, 2001:db8::/32), with the user agents of the OPAWG list's own examples. Among
them: whole downloads, downloads in several ranges, players asking the size (bytes=0-1),
listeners who stop before a minute, bots, HEAD requests, the feed and the pages, and a few
lines that are no log line at all. Seeded: the same file each time.
"""

from __future__ import annotations

import gzip
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = {
    "Apple Podcasts": "Podcasts/1650.20 CFNetwork/1410.0.3 Darwin/22.6.0",
    "Spotify": "Spotify/8.9.10 iOS/17.4.1 (iPhone15,2)",
    "Overcast": "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
    "Pocket Casts": "Pocket%20Casts/7.96.0.4 CFNetwork/3826.600.41 Darwin/24.6.0",
    "AntennaPod": "AntennaPod/3.3.2",
    "gPodder": "gPodder/3.11.4 (+http://gpodder.org/) Linux",
    "Chrome": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
}
WEIGHTS = {"Apple Podcasts": 30, "Spotify": 25, "Overcast": 8, "Pocket Casts": 8,
           "AntennaPod": 6, "gPodder": 3, "Chrome": 20}  # fmt: skip
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
]


def _client(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return (
            f"2001:db8:{rng.randrange(1, 40):x}:{rng.randrange(1, 9):x}::{rng.randrange(1, 9999):x}"
        )
    return f"{rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{rng.randrange(1, 255)}"


def _line(when: datetime, client: str, method: str, path: str, status: int, sent: int,
          agent: str, served: str = "-") -> str:  # fmt: skip
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
    return f'{client} - - [{stamp}] "{method} {path} HTTP/1.1" {status} {sent} "-" "{agent}" "{served}"'


def main() -> None:
    mp3 = next((ROOT / "site" / "episodes").glob("*.mp3"), None)
    if mp3 is None:
        raise SystemExit("run `make run` first: the log is of the sample's episode")
    size, path = mp3.stat().st_size, "/episodes/" + mp3.name
    rng = random.Random(7)
    start = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    lines: list[tuple[datetime, str]] = []
    for day in range(7):
        for _ in range(int(40 * (1.6 - day * 0.15))):
            when = start + timedelta(days=day, seconds=rng.randrange(16 * 3600))
            client = _client(rng)
            app = rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]
            agent = APPS[app]
            lines.append((when, _line(when, client, "GET", "/feed.xml", 200, 8000, agent)))
            if app == "Apple Podcasts":  # asks the size first
                lines.append(
                    (when, _line(when, client, "GET", path, 206, 2, agent, f"bytes 0-1/{size}"))
                )
            kind = rng.random()
            if kind < 0.55:  # the whole file at once
                lines.append((when, _line(when, client, "GET", path, 200, size, agent)))
            elif kind < 0.8:  # in ranges, as a player streams
                first, step = 0, size // 3 + 1
                for n in range(3):
                    last = min(first + step, size) - 1
                    at = when + timedelta(seconds=20 * n)
                    lines.append((at, _line(at, client, "GET", path, 206, last - first + 1, agent,
                                            f"bytes {first}-{last}/{size}")))  # fmt: skip
                    first = last + 1
            else:  # stopped before a minute
                part = rng.randrange(50_000, 400_000)
                lines.append(
                    (
                        when,
                        _line(
                            when,
                            client,
                            "GET",
                            path,
                            206,
                            part,
                            agent,
                            f"bytes 0-{part - 1}/{size}",
                        ),
                    )
                )
            if rng.random() < 0.1:  # listened again the same day: the same download
                again = when + timedelta(hours=rng.randrange(1, 8))
                lines.append((again, _line(again, client, "GET", path, 200, size, agent)))
        for bot in BOTS:
            when = start + timedelta(days=day, hours=3)
            lines.append((when, _line(when, "203.0.113.250", "GET", path, 200, size, bot)))
            lines.append((when, _line(when, "203.0.113.250", "HEAD", path, 200, 0, bot)))
        lines.append((start + timedelta(days=day), "\x16\x03\x01 a TLS hello on the plain port"))
    lines.sort(key=lambda item: item[0])
    out = ROOT / "examples" / "access.log.gz"
    with gzip.GzipFile(out, "wb", mtime=0) as handle:
        handle.write(("\n".join(text for _, text in lines) + "\n").encode())
    print(f"{out.relative_to(ROOT)}: {len(lines)} lines")


if __name__ == "__main__":
    main()
