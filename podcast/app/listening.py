"""Listeners: the downloads in the access logs and the players' beacons, for ``stats``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from podcast.core.episode import Episode
from podcast.core.errors import StatsError
from podcast.core.settings import Settings
from podcast.stats.report import Report


def default_logs(settings: Settings) -> list[Path]:
    """``serve``'s and ``service``'s own access log and its rotated copies, oldest first."""
    log = settings.folders.access_log
    rotated = sorted(log.parent.glob(log.name + ".*"), key=_rotation, reverse=True)
    return [*rotated, *([log] if log.is_file() else [])]


def _rotation(path: Path) -> int:
    number = path.name.split(".")[2] if path.name.count(".") >= 2 else ""
    return int(number) if number.isdigit() else 0


def _chosen(episodes: Sequence[Episode], wanted: str) -> list[Episode]:
    chosen = [e for e in episodes if wanted in (e.guid, e.slug, e.key, e.page, e.url)]
    if not chosen:
        raise StatsError(f"no episode is {wanted!r} (give its guid, slug, page or article URL)")
    return chosen


def stats(
    settings: Settings,
    logs: Sequence[Path] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    episode: str = "",
) -> Report:
    """The report of ``logs`` (default: the tool's own access log) over the store's episodes,
    from ``since`` to before ``until``, for one ``episode`` or all."""
    from podcast.core.listens import Listens
    from podcast.core.store import Store
    from podcast.stats.agents import agents
    from podcast.stats.count import by_path, count
    from podcast.stats.logs import Lines
    from podcast.stats.report import make_report

    if since and until and since >= until:
        raise StatsError("--since must be before --until")
    paths = tuple(logs) or tuple(default_logs(settings))
    if not paths:
        raise StatsError(
            f"no access log at {settings.folders.access_log}: give the logs to read "
            "(nginx, Apache, Caddy; gzip-rotated ones too)"
        )
    for path in paths:
        if not path.is_file():
            raise StatsError(f"no log at {path}")
    if not settings.folders.store.is_file():
        raise StatsError(f"no episodes in {settings.state}: nothing was published from here")
    with Store(settings.folders.store) as store:
        episodes = store.episodes(transcripts=False)
        if episode:
            episodes = _chosen(episodes, episode)
        lines = Lines(paths)
        counted = count(lines, by_path(episodes), agents(), since, until)
        curves = Listens(store).curves(
            since.date() if since else None, until.date() if until else None
        )
    return make_report(counted, episodes, curves, since, until, lines.read, lines.skipped)
