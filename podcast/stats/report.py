"""The listeners' report: downloads and unique listeners by episode, day and app, and each
episode's listening curve from the players' beacons; as text, JSON, CSV or one HTML page whose
plots are SVG drawn here (no script) above tables that read without them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from html import escape

from podcast.core.episode import Episode
from podcast.core.listens import MARKS, Curve
from podcast.stats.count import Counted, Download

FORMATS = ("text", "json", "csv", "html")


@dataclass(frozen=True)
class Row:
    """Downloads and unique listeners of one episode, day or app."""

    name: str
    downloads: int
    listeners: int
    guid: str = ""
    plays: int = 0
    """Episodes only: plays the players reported (beacons)."""
    median_share: int | None = None
    """Episodes only: how far (%) half the plays got."""
    curve: tuple[float, ...] = ()
    """Episodes only: the share of plays that reached 10, 20 … 100 %."""


@dataclass(frozen=True)
class Report:
    since: str
    until: str
    downloads: int
    listeners: int
    episodes: list[Row]
    days: list[Row]
    apps: list[Row]
    left_out: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    skipped_lines: int = 0


def _rows(downloads: Iterable[Download], key: Callable[[Download], str]) -> list[Row]:
    grouped: dict[str, list[Download]] = {}
    for download in downloads:
        grouped.setdefault(key(download), []).append(download)
    return [Row(name, len(group), len({d.listener for d in group}))
            for name, group in grouped.items()]  # fmt: skip


def make_report(
    counted: Counted,
    episodes: Sequence[Episode],
    curves: dict[str, Curve],
    since: datetime | None,
    until: datetime | None,
    lines: int = 0,
    skipped: int = 0,
) -> Report:
    """The report of ``counted`` over ``episodes`` (those asked about), with their curves."""
    titles = {e.guid: e.title for e in episodes}
    downloads = [d for d in counted.downloads if d.guid in titles]
    by_episode = {row.name: row for row in _rows(downloads, lambda d: d.guid)}
    shown = []
    for guid, title in titles.items():
        row, curve = by_episode.get(guid), curves.get(guid)
        if row is None and curve is None:
            continue
        shown.append(Row(
            title, row.downloads if row else 0, row.listeners if row else 0, guid,
            curve.plays if curve else 0, curve.median_share if curve else None,
            curve.shares if curve else (),
        ))  # fmt: skip
    shown.sort(key=lambda r: (-r.downloads, -r.plays, r.name))
    days = sorted(_rows(downloads, lambda d: d.when.date().isoformat()), key=lambda r: r.name)
    apps = sorted(_rows(downloads, lambda d: d.app), key=lambda r: (-r.downloads, r.name))
    return Report(
        since=since.isoformat() if since else "",
        until=until.isoformat() if until else "",
        downloads=len(downloads),
        listeners=len({d.listener for d in downloads}),
        episodes=shown,
        days=days,
        apps=apps,
        left_out=dict(sorted(counted.left_out.items())),
        lines=lines,
        skipped_lines=skipped,
    )


def as_text(report: Report) -> str:
    out = [
        f"{report.downloads} downloads by {report.listeners} listeners"
        + (f" from {report.since[:10]}" if report.since else "")
        + (f" to before {report.until[:10]}" if report.until else ""),
        f"{report.lines} log lines read, {report.skipped_lines} skipped (not a log line); "
        "left out: " + (", ".join(f"{k} {v}" for k, v in report.left_out.items()) or "nothing"),
    ]
    for title, rows in (("Episodes", report.episodes), ("Days", report.days),
                        ("Apps", report.apps)):  # fmt: skip
        out += ["", f"{title}:"]
        width = max([len(r.name[:60]) for r in rows] or [0])
        for row in rows:
            line = f"  {row.name[:60]:<{width}}  {row.downloads:>7} downloads  {row.listeners:>6} listeners"
            if row.plays:
                line += f"  {row.plays:>6} plays, half listened to {row.median_share} %"
            out.append(line)
        if not rows:
            out.append("  none")
    return "\n".join(out)


def as_json(report: Report) -> str:
    return json.dumps(asdict(report), indent=2, ensure_ascii=False)


def as_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["table", "name", "guid", "downloads", "listeners", "plays", "median_share"]
                    + [f"reached_{m}" for m in MARKS[1:]])  # fmt: skip
    for table, rows in (("episode", report.episodes), ("day", report.days),
                        ("app", report.apps)):  # fmt: skip
        for row in rows:
            writer.writerow([table, row.name, row.guid, row.downloads, row.listeners, row.plays,
                             "" if row.median_share is None else row.median_share]
                            + [f"{s:.3f}" for s in row.curve])  # fmt: skip
    return buffer.getvalue()


def bars_svg(rows: Sequence[Row], label: str, width: int = 640, bar: int = 22) -> str:
    """Horizontal bars of each row's downloads, labelled; an ``<svg>`` with a title."""
    top = max([r.downloads for r in rows] or [1]) or 1
    height = bar * len(rows) + 8
    parts = [f'<svg role="img" aria-labelledby="t-{label}" viewBox="0 0 {width} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg"><title id="t-{label}">'
             f"{escape(label)}</title>"]  # fmt: skip
    for n, row in enumerate(rows):
        y, length = 4 + n * bar, round((width - 260) * row.downloads / top)
        parts.append(
            f'<text x="0" y="{y + bar * 0.7:.0f}" font-size="13">{escape(row.name[:28])}</text>'
            f'<rect x="200" y="{y + 3}" width="{max(length, 1)}" height="{bar - 6}" '
            f'fill="#1f5f99"/><text x="{206 + length}" y="{y + bar * 0.7:.0f}" '
            f'font-size="13">{row.downloads}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def curve_svg(row: Row, width: int = 320, height: int = 120) -> str:
    """An episode's listening curve: the share of plays still there at each tenth."""
    points = [(0, 1.0), *zip(range(10, 101, 10), row.curve, strict=False)]
    xy = " ".join(f"{30 + p * (width - 40) / 100:.0f},{10 + (1 - s) * (height - 30):.0f}"
                  for p, s in points)  # fmt: skip
    return (
        f'<svg role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>Share of plays reaching each tenth of '
        f"{escape(row.name)}</title>"
        f'<line x1="30" y1="{height - 20}" x2="{width - 10}" y2="{height - 20}" stroke="#555"/>'
        f'<line x1="30" y1="10" x2="30" y2="{height - 20}" stroke="#555"/>'
        f'<polyline points="{xy}" fill="none" stroke="#1f5f99" stroke-width="2"/>'
        f'<text x="0" y="16" font-size="11">100%</text>'
        f'<text x="8" y="{height - 16}" font-size="11">0</text>'
        f'<text x="{width - 40}" y="{height - 4}" font-size="11">100%</text></svg>'
    )


def as_html(report: Report, title: str) -> str:
    from markupsafe import Markup

    from podcast.publish.feed import environment

    return str(environment().get_template("stats.html.j2").render(
        report=report, title=title, marks=MARKS[1:],
        days_svg=Markup(bars_svg(report.days, "Downloads by day")),
        apps_svg=Markup(bars_svg(report.apps[:15], "Downloads by app")),
        curves={row.guid: Markup(curve_svg(row)) for row in report.episodes if row.plays},
    ))  # fmt: skip


def render(report: Report, form: str, title: str = "Listeners") -> str:
    """``report`` in ``form`` (one of :data:`FORMATS`)."""
    if form == "json":
        return as_json(report)
    if form == "csv":
        return as_csv(report)
    if form == "html":
        return as_html(report, title)
    return as_text(report)
