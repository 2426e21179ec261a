"""The command that counts listeners: ``stats``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from podcast.cli.base import Context, cli, fail, friendly_errors, out, show_path


def _moment(text: str | None, option: str) -> datetime | None:
    """``2026-12-01`` (a day, UTC), a full ISO time, or an age back from now (``7d``, ``36h``)."""
    if not text:
        return None
    from podcast.core.config import parse_age
    from podcast.core.errors import ConfigError

    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            return datetime.now(UTC) - parse_age(text, option)
        except ConfigError:
            raise fail(
                f"{option}: {text!r} is neither a date (2026-12-01) nor an age (7d, 36h)"
            ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@cli.command()
@click.argument("logs", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--since", metavar="WHEN", help="From this day or time (2026-12-01), or an age back (7d)."
)
@click.option("--until", metavar="WHEN", help="To before this day or time, or an age back.")
@click.option(
    "--episode", metavar="GUID", help="Only this episode (its guid, slug, page or article URL)."
)
@click.option(
    "--format", "form", type=click.Choice(["text", "json", "csv", "html"]), default="text",
    show_default=True, help="How to print the report.",
)  # fmt: skip
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of printing it.",
)  # fmt: skip
@click.pass_obj
@friendly_errors
def stats(
    obj: Context,
    logs: tuple[Path, ...],
    since: str | None,
    until: str | None,
    episode: str | None,
    form: str,
    output: Path | None,
) -> None:
    """Count downloads and listeners in access LOGS, as podcast hosts count them.

    Follows the IAB Podcast Measurement Technical Guidelines v2.2: GET requests
    answered 200 or 206, no bots (the OPAWG list), no pre-load requests, one
    download per listener (address and app; IPv6 by its /64) and episode in 24
    hours, counted only once it reaches a minute of audio. Reads nginx and Apache
    combined logs, Caddy's JSON logs, gzip-rotated files, and by default the
    access log `serve` and `service` write. Prints downloads and unique listeners
    by episode, day and app, and how far plays got from the players' beacons. No
    address is kept or printed.
    """
    from podcast.app.listening import stats as count_listeners
    from podcast.stats.report import render

    settings = obj.settings()
    report = count_listeners(
        settings, logs, _moment(since, "--since"), _moment(until, "--until"), episode or ""
    )
    text = render(report, form, settings.show.title)
    if output is None:
        out(text.rstrip("\n"))
        return
    from audio.atomic import write_text

    try:
        write_text(output, text)
    except OSError as error:
        raise fail(f"cannot write {show_path(output)}: {error.strerror or error}") from None
    out(f"{form}: {show_path(output)}")
