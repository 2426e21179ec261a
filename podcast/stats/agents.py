"""Who asked: the app, bot, library or browser behind a ``User-Agent``, by the OPAWG list
(``podcast/data/agents/``, MIT), which is data: a newer list is a copy, not a code change.

The IAB guidelines leave bots out first; so a user agent is tried against the bots, then the
apps, then the libraries (some of which the list marks as bots), then the browsers, the first
match naming it. A device (a smart speaker, a car) is named beside the app when one matches.
A web browser's request may name a web player in its ``Referer`` (the list's referrers).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib.resources import files

#: The lists, in the order a user agent is tried against them, and what a match makes it.
ORDER = (("bots", "bot"), ("apps", "app"), ("libraries", "library"), ("browsers", "browser"))


@dataclass(frozen=True)
class Agent:
    """What a user agent is, as the list names it."""

    name: str
    """The list's name ('Apple Podcasts', 'Googlebot'); 'Unknown' for none."""
    kind: str
    """'bot', 'app', 'library', 'browser' or 'unknown'."""
    category: str = ""
    """The list's category, when it gives one (a library's 'bot', a device's 'smart_speaker')."""
    device: str = ""

    @property
    def is_bot(self) -> bool:
        """Left out of every count: a bot, or a library the list marks as one."""
        return self.kind == "bot" or self.category == "bot"


@dataclass(frozen=True)
class _Entry:
    name: str
    pattern: re.Pattern[str]
    category: str


def _load(name: str) -> tuple[_Entry, ...]:
    data = json.loads(files("podcast.data.agents").joinpath(f"{name}.json").read_text("utf-8"))
    return tuple(
        _Entry(entry["name"], re.compile(entry["pattern"]), entry.get("category", ""))
        for entry in data["entries"]
    )


class Agents:
    """The OPAWG lists, compiled once; :meth:`of` remembers the user agents it has named."""

    def __init__(self) -> None:
        self.lists = {name: _load(name) for name, _ in ORDER}
        self.devices = _load("devices")
        self.referrers = _load("referrers")
        self.of = functools.lru_cache(maxsize=65536)(self._of)

    def _of(self, user_agent: str, referrer: str = "") -> Agent:
        device = self._device(user_agent)
        for name, kind in ORDER:
            for entry in self.lists[name]:
                if entry.pattern.search(user_agent):
                    if kind == "browser" and referrer:
                        player = self._player(referrer)
                        if player:
                            return Agent(player, "app", "web", device)
                    return Agent(entry.name, kind, entry.category, device)
        return Agent("Unknown", "unknown", "", device)

    def _device(self, user_agent: str) -> str:
        """The device whose pattern matches the most of the user agent: the device list is in
        alphabetical order and its broad patterns (``CFNetwork`` for any Apple device) would
        otherwise name a watch a phone."""
        best, longest = "", 0
        for entry in self.devices:
            found = entry.pattern.search(user_agent)
            if found and (not best or found.end() - found.start() > longest):
                best, longest = entry.name, found.end() - found.start()
        return best

    def _player(self, referrer: str) -> str:
        return next((e.name for e in self.referrers if e.pattern.search(referrer)), "")


@functools.cache
def agents() -> Agents:
    """The lists, loaded once a process."""
    return Agents()
