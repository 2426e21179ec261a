"""Commands that make and keep episodes: build, batch, prune, adopt."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

import click

from podcast.cli.base import (
    Context,
    cli,
    describe,
    friendly_errors,
    out,
    progress_bar,
    show_path,
    site_option,
    stdin_bytes,
    wait_option,
)
from podcast.core.settings import ENV_CLUSTER


@cli.command()
@click.argument("articles", nargs=-1, required=True)
@site_option("Folder the site is written to (default: ./site).")
@click.option("--voice", help="Voice to read with (see `audio-edition voices`).")
@click.option("--force", is_flag=True, help="Rebuild even when nothing has changed.")
@wait_option
@click.pass_obj
@friendly_errors
def build(
    obj: Context,
    articles: tuple[str, ...],
    site: Path | None,
    voice: str | None,
    force: bool,
    wait: bool,
) -> None:
    """Build ARTICLE... into episodes and publish the feed and the site.

    ARTICLE is an .html, .md, .txt or .json file, or - for standard input.
    Prints the paths of each MP3, the snippet that embeds its player in a page,
    the feed and the index page.
    """
    from podcast.app.making import Made, build

    def made(item: Made) -> None:
        if not obj.quiet:
            click.echo(describe(item.result), err=True)
        if obj.verbosity and item.result.review is not None:
            from podcast.review.report import summary

            for line in summary(item.result.review)[1:]:
                click.echo(f"review:{line}", err=True)
        out(f"mp3:  {show_path(item.result.audio_path)}")
        out(f"embed: {item.embed}")

    settings = obj.settings(site=site, voice=voice)
    sources = [(source, stdin_bytes(source)) for source in articles]
    bars = functools.partial(progress_bar, not obj.quiet)
    done = build(settings, sources, force=force, wait=wait, progress=bars, on_made=made)
    out(f"feed: {show_path(done.feed)}")
    out(f"page: {show_path(done.page)}")


class _BatchProgress:
    """A bar on a terminal (articles, audio minutes, ETA); one line an article otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.started = 0.0
        self.width = 0

    def start(self, total: int) -> None:
        import time

        self.started = time.monotonic()
        if not self.quiet:
            click.echo(f"{total} article(s) to consider", err=True)

    def update(self, outcome: Any, report: Any, total: int) -> None:
        import time

        done = len(report.outcomes)
        if outcome.status == "failed":
            self._clear()
            click.echo(f"failed: {outcome.label}: {outcome.reason}", err=True)
        if self.quiet:
            return
        minutes = sum(o.audio_seconds for o in report.outcomes if o.status == "built") / 60
        elapsed = time.monotonic() - self.started
        remaining = elapsed / done * (total - done) if done else 0.0
        if self.tty:
            filled = int(24 * done / max(total, 1))
            line = (
                f"[{'#' * filled}{'-' * (24 - filled)}] {done}/{total} articles · "
                f"{minutes:.1f} min of new audio · ETA {int(remaining // 60)}:{int(remaining % 60):02d}"
            )
            self.width = max(self.width, len(line))
            click.echo("\r" + line.ljust(self.width), err=True, nl=False)
        elif outcome.status != "failed":
            click.echo(
                f"[{done}/{total}] {outcome.status}: {outcome.title or outcome.label}"
                + (
                    f" ({outcome.audio_seconds:.0f} s of audio, {outcome.seconds:.1f} s)"
                    if outcome.status == "built"
                    else ""
                ),
                err=True,
            )

    def _clear(self) -> None:
        if self.tty and self.width:
            click.echo("\r" + " " * self.width + "\r", err=True, nl=False)

    def finish(self, report: Any) -> None:
        if self.tty and self.width and not self.quiet:
            click.echo("", err=True)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@site_option("Folder the site is written to (default: ./site).")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(0, 256),
    default=None,
    help="Worker processes (default: batch.jobs, else one per core).",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    envvar=ENV_CLUSTER,
    help="Say the sentences on a Dask cluster: tcp://HOST:8786 joins a running scheduler, "
    "local or local:N starts N worker processes here (default: batch.cluster; needs "
    "audio-edition[cluster]).",
)
@click.option("--force", is_flag=True, help="Rebuild every article, changed or not.")
@click.option(
    "--briefing",
    "with_briefing",
    is_flag=True,
    help="Then make the daily briefing from the newest episodes ([briefing] in the config).",
)
@wait_option
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the JSON report here.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Read and plan every article and say what would be built; make and publish nothing.",
)
@click.pass_obj
@friendly_errors
def batch(
    obj: Context,
    sources: tuple[str, ...],
    site: Path | None,
    jobs: int | None,
    cluster: str | None,
    force: bool,
    with_briefing: bool,
    wait: bool,
    report_path: Path | None,
    dry_run: bool,
) -> None:
    """Build every article of SOURCE... doing only what is new, and publish.

    SOURCE is a folder of article files, a JSONL manifest (one article object
    a line), or an RSS/Atom feed with full content (a file or an http(s) URL).
    Unchanged articles are skipped; an edited one re-synthesises only the
    sentences that changed. A bad article is reported and skipped. A JSON
    report goes to .audio-edition/reports/. Exit status 0: all done; 3: some
    articles failed; 1: nothing could be done.
    """
    from podcast.app.batching import BatchOptions, batch

    settings = obj.settings(site=site)
    options = BatchOptions(jobs=jobs, cluster=cluster, force=force, briefing=with_briefing,
                           dry_run=dry_run, report=report_path, wait=wait)  # fmt: skip
    done = batch(settings, sources, options, _BatchProgress(obj.quiet))
    report = done.report
    if done.no_briefing:
        click.echo(f"No briefing: {done.no_briefing}", err=True)
    elif done.briefing is not None and not obj.quiet:
        click.echo(describe(done.briefing.result), err=True)
    if done.pruned is not None and done.pruned.episodes and not obj.quiet:
        click.echo(
            f"Pruned {len(done.pruned.episodes)} episode(s) older than {settings.batch.retention}",
            err=True,
        )
    for error in report.source_errors:
        click.echo(f"Error: {error}", err=True)
    counts = report.to_dict()["counts"]
    if dry_run:
        for outcome in report.outcomes:
            if outcome.status == "planned":
                out(f"would build: {outcome.title} ({outcome.label})")
        out(
            f"{report.count('planned')} to build, {counts['skipped']} unchanged, {counts['failed']} "
            "failed (dry run: nothing made or published)"
        )
    else:
        out(
            f"{counts['built']} built, {counts['skipped']} unchanged, {counts['failed']} failed"
            f" in {report.to_dict()['seconds']:.1f} s; feed: {show_path(done.feed or settings.site)}"
        )
        words = report.words_to_check(10)
        if words and not obj.quiet:
            click.echo(
                "Words the voice guessed (articles): "
                + ", ".join(f"{w} ({n})" for w, n in words)
                + " — `audio-edition review` shows how each is said",
                err=True,
            )
    sys.exit(int(report.exit_status))


@cli.command()
@click.option(
    "--since",
    metavar="AGE",
    help="Stories published within AGE: 36h, 2d (default: briefing.since, 24h).",
)
@click.option("--category", metavar="NAME", help="Only stories with this category.")
@click.option(
    "--max",
    "max_stories",
    type=click.IntRange(1, 50),
    metavar="N",
    help="At most N stories, the newest first (default: briefing.max, 10).",
)
@click.option(
    "--paragraphs",
    type=click.IntRange(1, 10),
    metavar="N",
    help="Opening paragraphs read from each story (default: briefing.paragraphs, 2).",
)
@site_option("Folder the site is written to (default: ./site).")
@click.option("--force", is_flag=True, help="Rebuild even when nothing has changed.")
@wait_option
@click.pass_obj
@friendly_errors
def briefing(
    obj: Context,
    since: str | None,
    category: str | None,
    max_stories: int | None,
    paragraphs: int | None,
    site: Path | None,
    force: bool,
    wait: bool,
) -> None:
    """Make the daily briefing: one episode from the newest articles' opening paragraphs.

    An intro names the date and the number of stories; each story gets a short
    transition, its title (a chapter linking its own episode) and its first
    paragraphs, said with the sentences its episode already has; an outro ends it.
    Published in its own feed, feeds/briefing.xml. Building it again the same day
    replaces it. Exit status 1 when no story was published in the period.
    """
    from podcast.app.making import BriefingChoice, briefing

    choice = BriefingChoice(since, category, max_stories, paragraphs)
    bars = functools.partial(progress_bar, not obj.quiet)
    made, feed = briefing(obj.settings(site=site), choice, force=force, wait=wait, progress=bars)
    if not obj.quiet:
        click.echo(describe(made.result), err=True)
    out(f"mp3:  {show_path(made.result.audio_path)}")
    out(f"embed: {made.embed}")
    out(f"feed: {show_path(feed)}")


@cli.command(name="prune")
@click.option(
    "--older-than", "older_than", help="Age like 90d, 12w or 36h (default: batch.retention)."
)
@click.option("--dry-run", is_flag=True, help="Say what would go; change nothing.")
@site_option("Folder of the site (default: ./site).")
@wait_option
@click.pass_obj
@friendly_errors
def prune_command(
    obj: Context, older_than: str | None, dry_run: bool, site: Path | None, wait: bool
) -> None:
    """Remove episodes older than an age from the feeds and the disk.

    An episode's age counts from when it was first published in this site, not from its
    article's date, so a backfill of old articles stays. Each episode is listed with both.

    Also removes sentence-cache entries and kept MP3 pieces no remaining episode uses,
    and what an interrupted run left in the state folder.
    """
    from podcast.app.keeping import prune

    pruned = prune(obj.settings(site=site), older_than, dry_run=dry_run, wait=wait)
    verb = "Would remove" if dry_run else "Removed"
    for gone in pruned.episodes:
        click.echo(
            f"  {gone.title} (published here {gone.added:%Y-%m-%d}; article dated "
            f"{gone.dated:%Y-%m-%d})"
        )
    click.echo(
        f"{verb} {len(pruned.episodes)} episode(s) and {pruned.cache_entries} unused cache entries."
    )
