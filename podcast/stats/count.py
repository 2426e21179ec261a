"""Downloads, counted as the IAB Podcast Measurement Technical Guidelines v2.2 count them.

The rules, each a step of :func:`count` (and a test of its own, tests/test_stats.py):

1. Only ``GET`` requests answered ``200`` or ``206`` for an episode's MP3 (a ``HEAD`` is not a
   download; nor is a ``304``, a ``416`` or a ``404``).
2. Nothing from a bot or a library the OPAWG list marks as one (:mod:`podcast.stats.agents`).
3. No pre-load request: the ``bytes=0-0`` and ``bytes=0-1`` a player sends to learn a file's
   size (two bytes or fewer sent).
4. One listener is an address and a user agent; IPv6 addresses are cut to their /64, which
   one home or phone holds.
5. A listener's requests for one episode within 24 hours of the first are one download: their
   byte ranges are joined (where the log says where they are) or added (where it gives only a
   size), and the download counts once, however many ranges it took.
6. It counts only if it reached a minute of audio: the bytes before the audio (the ID3 tag)
   and a minute at the MP3's own bitrate, or the whole file when it is shorter.

No address is kept: a listener is the SHA-256 of address and user agent, with a key made for
the run and then forgotten, so it cannot be looked up; it is never printed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from podcast.core.episode import Episode
from podcast.publish.accesslog import network
from podcast.stats.agents import Agents
from podcast.stats.logs import Request

#: How long one listener's requests for one episode are one download.
WINDOW = timedelta(hours=24)
#: Audio a download must reach to count.
MINIMUM_SECONDS = 60
#: A request of this many bytes or fewer is a player asking the size (``bytes=0-1``).
PRELOAD_BYTES = 2


@dataclass(frozen=True)
class Download:
    """One counted download."""

    guid: str
    when: datetime
    """Its first request."""
    listener: str
    """A keyed hash of address and user agent: the same within one count, never reversible."""
    app: str
    """The app (or browser, library…) as the OPAWG list names it; 'Unknown' when none."""
    device: str = ""


@dataclass
class Counted:
    """What :func:`count` found, and what it left out and why."""

    downloads: list[Download] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)
    """Requests left out, by rule: 'not GET', 'status', 'bot', 'preload', 'under a minute'
    (a window's requests that never reached a minute), 'outside the period'."""

    def leave_out(self, rule: str, n: int = 1) -> None:
        self.left_out[rule] = self.left_out.get(rule, 0) + n


def minute_bytes(episode: Episode) -> int:
    """Bytes a download of ``episode`` must reach: its ID3 tag and a minute of audio at its
    bitrate (worked out from its size and length when the store does not know them), or the
    whole file when it is shorter."""
    bitrate = episode.bitrate
    if not bitrate and episode.duration > 0:
        bitrate = int((episode.audio_bytes - episode.audio_start) * 8 / episode.duration)
    need = episode.audio_start + bitrate * MINIMUM_SECONDS // 8
    return min(need, episode.audio_bytes) if episode.audio_bytes else need


class _Window:
    """One listener's requests for one episode, from the first to 24 hours after."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.spans: list[tuple[int, int]] = []
        self.unplaced = 0
        self.requests = 0

    def add(self, request: Request) -> None:
        self.requests += 1
        if request.range is not None:
            first, last = request.range
            self.spans.append((first, min(last, first + request.sent - 1)))
        elif request.status == 200:
            self.spans.append((0, request.sent - 1))  # a whole-file answer starts at 0
        else:
            self.unplaced += request.sent  # a range the log does not place: its size

    def bytes(self) -> int:
        total, reach = 0, -1
        for first, last in sorted(self.spans):
            if last <= reach:
                continue
            total += last - max(first, reach + 1) + 1
            reach = last
        return total + self.unplaced


def count(
    requests: Iterable[Request],
    episodes: dict[str, Episode],
    agents: Agents,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Counted:
    """The downloads in ``requests`` of the episodes in ``episodes`` (:func:`by_path`; a
    request's MP3 found by :func:`episode_at`), from ``since`` to before ``until``."""
    counted = Counted()
    salt = secrets.token_bytes(16)
    windows: dict[tuple[str, str], list[_Window]] = {}
    apps: dict[tuple[str, str], tuple[str, str]] = {}
    chosen: list[tuple[datetime, str, str, Request]] = []
    asked: dict[str, Episode] = {}
    for request in requests:
        episode = episode_at(request.path, episodes)
        if episode is None:
            continue  # a feed, a page, an image: not a download of anything
        if request.method != "GET":
            counted.leave_out("not GET")
            continue
        if request.status not in (200, 206):
            counted.leave_out("status")
            continue
        agent = agents.of(request.user_agent, request.referrer)
        if agent.is_bot:
            counted.leave_out("bot")
            continue
        if request.sent <= PRELOAD_BYTES:
            counted.leave_out("preload")
            continue
        if (since and request.when < since) or (until and request.when >= until):
            counted.leave_out("outside the period")
            continue
        who = hashlib.sha256(
            salt + f"{network(request.client)}\n{request.user_agent}".encode()
        ).hexdigest()[:16]
        chosen.append((request.when, who, episode.guid, request))
        apps.setdefault((who, episode.guid), (agent.name, agent.device))
        asked[episode.guid] = episode
    chosen.sort(key=lambda item: item[0])
    for when, who, guid, request in chosen:
        open_ = windows.setdefault((who, guid), [])
        if not open_ or when >= open_[-1].start + WINDOW:
            open_.append(_Window(when))
        open_[-1].add(request)
    need = {guid: minute_bytes(episode) for guid, episode in asked.items()}
    for (who, guid), listened in windows.items():
        app, device = apps[(who, guid)]
        for window in listened:
            if window.bytes() >= need[guid]:
                counted.downloads.append(Download(guid, window.start, who, app, device))
            else:
                counted.leave_out("under a minute", window.requests)
    counted.downloads.sort(key=lambda d: (d.when, d.guid))
    return counted


#: An MP3's name as a build gives it: the episode's slug and 12 hex digits of its audio's hash.
_BUILT_NAME = re.compile(r"^(?P<slug>.+)-[0-9a-f]{12}\.mp3$")


def by_path(episodes: Iterable[Episode]) -> dict[str, Episode]:
    """Each episode by what a log may give of its MP3 (see :func:`episode_at`)."""
    found: dict[str, Episode] = {}
    for episode in episodes:
        found["slug:" + episode.slug] = episode
    for episode in episodes:
        found["/" + episode.audio.lstrip("/")] = episode
        found[episode.audio.rsplit("/", 1)[-1]] = episode
    return found


def episode_at(path: str, episodes: dict[str, Episode]) -> Episode | None:
    """The episode whose MP3 ``path`` is: its current MP3; by file name, for a site served
    under a prefix; or by its slug, for an MP3 an earlier build of it made (a rebuild renames
    the file, and its downloads before were still the episode's)."""
    name = path.rsplit("/", 1)[-1]
    found = episodes.get(path) or episodes.get(name)
    if found is None:
        built = _BUILT_NAME.match(name)
        found = episodes.get("slug:" + built.group("slug")) if built else None
    return found
