"""The command line: thin commands over the library, errors as one line and an exit code."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from importlib.resources import files
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from audio.errors import AudioError
from podcast.errors import ArticleError, ExitStatus, PodcastError, os_error_text
from podcast.settings import DEFAULT_CONFIG_NAME, ENV_CONFIG, ENV_SITE, Settings, load_settings
from voices.errors import VoiceError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Context:
    """Global options, kept until a command needs the settings."""

    config: Path | None
    verbosity: int
    quiet: bool

    def settings(self, **overrides: Any) -> Settings:
        """Resolve the settings once, with the command's own flags on top."""
        return load_settings(self.config, **overrides)


def _fail(message: str) -> click.ClickException:
    return click.ClickException(" ".join(str(message).split()))


def friendly_errors(function: F) -> F:
    """Turn the library's exceptions into one-line errors with exit status 1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (PodcastError, VoiceError, AudioError) as error:
            raise _fail(str(error)) from None
        except OSError as error:  # a disk or permission problem the library did not foresee
            raise _fail(os_error_text(error)) from None
        except KeyboardInterrupt as error:
            click.echo("Interrupted; nothing published was changed.", err=True)
            sys.exit(_stop_status(error))

    return wrapper  # type: ignore[return-value]


EXIT_CODES = """\b
Exit status: 0 done; 1 error (one line on stderr, nothing published was
changed); 2 usage error; 3 some articles of a batch failed; 130 or 143
stopped by Ctrl-C or SIGTERM (what was built before is published).

\b
AUDIO_EDITION_HUGE_PAGES=1 runs build and batch with huge memory pages
(Linux; quicker or slower depending on the machine: README, Speed)."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(package_name="audio-edition")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=ENV_CONFIG,
    help=f"Settings file (default: ./{DEFAULT_CONFIG_NAME} if it exists).",
)
@click.option("-v", "--verbose", count=True, help="Say more: -v for steps, -vv for debug.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final paths.")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, verbose: int, quiet: bool) -> None:
    """Turn news articles into their AI-assisted audio edition.

    Reads an article, speaks it with a local piper voice, masters and tags an
    MP3, and publishes it in a podcast feed and a web page.
    """
    level = logging.WARNING
    if quiet:
        level = logging.ERROR
    elif verbose == 1:
        level = logging.INFO
    elif verbose >= 2:
        level = logging.DEBUG
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # -v and -vv are for our own steps (and the commands we run), not every library's debug output.
    logging.getLogger().setLevel(logging.WARNING if verbose >= 2 else logging.ERROR)
    for name in ("podcast", "voices", "audio"):
        logging.getLogger(name).setLevel(level)
    ctx.obj = Context(config=config, verbosity=verbose, quiet=quiet)


def _show(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _describe(result: Any) -> str:
    """One line on what building an article did."""
    title = result.episode.title
    if result.skipped:
        return f"Unchanged: {title} (use --force to rebuild)"
    loud = result.loudness
    passes = f" ({loud.passes} passes to reach the loudness)" if loud.passes > 1 else ""
    return (
        f"Built: {title} — {result.episode.duration:.1f} s of audio, "
        f"{result.sentences} sentences ({result.synthesized} synthesised), "
        f"{loud.output_lufs:.1f} LUFS (limited to {loud.ceiling:.1f} dBTP), "
        f"{loud.encoded} of {loud.pieces} MP3 piece(s) encoded{passes}, "
        f"{result.episode.audio_bytes / 1024:.0f} KiB in {result.seconds:.1f} s"
    )


def site_option(help_text: str) -> Callable[[F], F]:
    """The ``--site DIR`` option, the same for every command that touches the site."""
    return click.option(
        "--site",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=ENV_SITE,
        help=help_text,
    )


def _stdin_bytes(source: str) -> bytes | None:
    """Standard input when the article is ``-``, refused past the size limit of a file."""
    from podcast.read.model import MAX_ARTICLE_BYTES

    if source != "-":
        return None
    data = sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"standard input is larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB")
    return data


def _out(text: str) -> None:
    """A line on standard output; a reader that went away (``| head -1``) is not an error."""
    try:
        click.echo(text)
    except BrokenPipeError:
        # Nothing more can be said there; keep Python's own flush at exit from failing too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


class Terminated(KeyboardInterrupt):
    """SIGTERM: stopped as Ctrl-C stops, with exit status 143."""


@contextmanager
def _stoppable() -> Iterator[None]:
    """Make SIGTERM stop a build or batch the way Ctrl-C does (workers shut down, what was
    built published, the truth told), instead of killing it mid-step."""

    def on_term(signum: int, frame: Any) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupted(error: BaseException, published: int) -> NoReturn:
    """Say what a stopped run left published, and exit 130 (Ctrl-C) or 143 (SIGTERM)."""
    what = "SIGTERM" if isinstance(error, Terminated) else "Ctrl-C"
    click.echo(
        f"Interrupted ({what}): {published} episode(s) published before the interruption; "
        "the next run continues with the rest.",
        err=True,
    )
    sys.exit(_stop_status(error))


def _stop_status(error: BaseException) -> int:
    """130 for Ctrl-C, 143 for SIGTERM: 128 and the signal's number, as shells report them."""
    return 143 if isinstance(error, Terminated) else 130


#: What the progress bar says once every sentence is spoken and the MP3 is being made.
MASTERING_LABEL = "Making the MP3"


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal (sentences, then the MP3 being made); nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    bar: Any = None
    try:

        def update(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = click.progressbar(length=total, label=label, file=sys.stderr)
                bar.__enter__()
            if done >= total:  # mastering comes next: say so rather than sit at 100 %
                bar.label = MASTERING_LABEL.ljust(len(label))
            bar.update(done - bar.pos)

        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@cli.command()
@click.argument("articles", nargs=-1, required=True)
@site_option("Folder the site is written to (default: ./site).")
@click.option("--voice", help="Voice to read with (see `audio-edition voices`).")
@click.option("--force", is_flag=True, help="Rebuild even when nothing has changed.")
@click.option(
    "--wait", is_flag=True, help="If a build or batch is running in this folder, wait for it."
)
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
    Prints the paths of the feed, each MP3 and the page.
    """
    from podcast.make.lock import work_lock
    from podcast.make.runner import ArticleRunner
    from podcast.publish.site import FEED_FILE, INDEX_FILE, needs_publish, publish
    from podcast.read.articles import read_article
    from podcast.store import Store

    settings = obj.settings(site=site, voice=voice)
    loaded = [read_article(source, _stdin_bytes(source)) for source in articles]
    with (
        Store(settings.folders.store) as store,
        work_lock(settings.state, wait=wait),
        _stoppable(),
    ):
        runner = ArticleRunner(settings, store)
        built = 0
        try:
            for article in loaded:
                label = f"Reading {article.title[:40]}"
                with _progress(not obj.quiet, label) as progress:
                    result = runner.build(article, progress=progress, force=force)
                built += not result.skipped
                if not obj.quiet:
                    click.echo(_describe(result), err=True)
                if obj.verbosity and result.review is not None:
                    from podcast.review.report import summary

                    for line in summary(result.review)[1:]:
                        click.echo(f"review:{line}", err=True)
                _out(f"mp3:  {_show(result.audio_path)}")
        except BaseException as error:
            # Whatever was built before the failure is published; otherwise the site is left as it was.
            if built:
                publish(store, settings, runner.artwork)
            if isinstance(error, KeyboardInterrupt):
                _interrupted(error, built)
            raise
        if built or needs_publish(store, settings):
            publish(store, settings, runner.artwork)
        store.backup()
    _out(f"feed: {_show(settings.site / FEED_FILE)}")
    _out(f"page: {_show(settings.site / INDEX_FILE)}")


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
@click.option("--force", is_flag=True, help="Rebuild every article, changed or not.")
@click.option(
    "--wait", is_flag=True, help="If a build or batch is running in this folder, wait for it."
)
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
    force: bool,
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
    from podcast.make.batch import run_batch
    from podcast.make.lock import work_lock
    from podcast.make.prune import prune
    from podcast.make.report import write_report
    from podcast.publish.site import FEED_FILE, show_artwork
    from podcast.settings import parse_age
    from podcast.store import Store

    settings = obj.settings(site=site)
    artwork = show_artwork(settings)
    jobs = settings.batch.jobs if jobs is None else jobs
    with (
        work_lock(settings.state, wait=wait),
        Store(settings.folders.store) as store,
        _stoppable(),
    ):
        report = run_batch(
            sources, settings, store, artwork, jobs=jobs, force=force,
            progress=_BatchProgress(obj.quiet), publish_every=settings.batch.publish_every,
            dry_run=dry_run,
        )  # fmt: skip
        if report_path is not None:
            write_report(report, settings, report_path)
        if report.interrupted:
            _interrupted(report.stopped_by or KeyboardInterrupt(), report.count("built"))
        if settings.batch.retention and not dry_run:
            pruned = prune(store, settings, artwork, parse_age(settings.batch.retention))
            if pruned.episodes and not obj.quiet:
                click.echo(
                    f"Pruned {len(pruned.episodes)} episode(s) older than {settings.batch.retention}",
                    err=True,
                )
    for error in report.source_errors:
        click.echo(f"Error: {error}", err=True)
    counts = report.to_dict()["counts"]
    if dry_run:
        for outcome in report.outcomes:
            if outcome.status == "planned":
                _out(f"would build: {outcome.title} ({outcome.label})")
        _out(
            f"{report.count('planned')} to build, {counts['skipped']} unchanged, {counts['failed']} "
            "failed (dry run: nothing made or published)"
        )
    else:
        _out(
            f"{counts['built']} built, {counts['skipped']} unchanged, {counts['failed']} failed"
            f" in {report.to_dict()['seconds']:.1f} s; feed: {_show(settings.site / FEED_FILE)}"
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


@cli.command(name="prune")
@click.option(
    "--older-than", "older_than", help="Age like 90d, 12w or 36h (default: batch.retention)."
)
@click.option("--dry-run", is_flag=True, help="Say what would go; change nothing.")
@site_option("Folder of the site (default: ./site).")
@click.option(
    "--wait", is_flag=True, help="If a build or batch is running in this folder, wait for it."
)
@click.pass_obj
@friendly_errors
def prune_command(
    obj: Context, older_than: str | None, dry_run: bool, site: Path | None, wait: bool
) -> None:
    """Remove episodes older than an age from the feeds and the disk.

    Also removes sentence-cache entries and kept MP3 pieces no remaining episode uses,
    and what an interrupted run left in the state folder.
    """
    from podcast.make.lock import work_lock
    from podcast.make.prune import prune
    from podcast.publish.site import show_artwork
    from podcast.settings import parse_age
    from podcast.store import Store

    settings = obj.settings(site=site)
    age_text = older_than or settings.batch.retention
    if not age_text:
        raise _fail("say how old: --older-than 90d, or batch.retention in the config")
    age = parse_age(age_text)
    with work_lock(settings.state, wait=wait), Store(settings.folders.store) as store:
        pruned = prune(store, settings, show_artwork(settings), age, dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    for title in pruned.episodes:
        click.echo(f"  {title}")
    click.echo(
        f"{verb} {len(pruned.episodes)} episode(s) and {pruned.cache_entries} unused cache entries."
    )


@cli.command()
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report as an HTML page that plays each flagged sentence.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option(
    "--listen",
    is_flag=True,
    help="Synthesise what is not cached and run a speech recogniser over every sentence.",
)
@click.option("--strict", is_flag=True, help="Exit 3 when anything is flagged (for CI-style use).")
@click.option("--voice", help="Voice to review with (default: the configured one).")
@click.pass_obj
@friendly_errors
def review(
    obj: Context,
    articles: tuple[str, ...],
    html_path: Path | None,
    as_json: bool,
    listen: bool,
    strict: bool,
    voice: str | None,
) -> None:
    """Review ARTICLE... before publishing: what an editor can check in a minute.

    For each article: the share of the page's text that will be spoken and
    each block removed with its rule; words the voice will guess, with their
    phonemes and a lexicon line to copy; readings the rules chose (unit or
    word, year or count, Saint or Street…); and, once the sentences are
    synthesised (after a build, or with --listen), sentences whose audio is
    out of the ordinary. Exit status 0 whatever it finds, 3 with --strict when
    something is flagged.
    """
    from podcast.read.articles import read_article
    from podcast.review.report import summary, to_html, to_json
    from podcast.review.run import review_article, words_to_check
    from podcast.review.sound import Recogniser

    settings = obj.settings(voice=voice)
    loaded = [read_article(source, _stdin_bytes(source)) for source in articles]
    recogniser = Recogniser() if listen else None
    synthesizers: dict[str, Any] = {}
    reviewed = [
        review_article(a, settings, listen=listen, recogniser=recogniser, synthesizers=synthesizers)
        for a in loaded
    ]
    words = words_to_check([r.review for r in reviewed])
    if as_json:
        _out(to_json(reviewed, words))
    else:
        for item in reviewed:
            for line in summary(item.review):
                _out(line)
        if len(reviewed) > 1 and words:
            _out("Words to check across the articles: " + ", ".join(
                f"{w.word} ({w.count})" for w in words[:20]))  # fmt: skip
    if html_path is not None:
        from podcast.fsutil import atomic_write_text

        atomic_write_text(html_path, to_html(reviewed, words))
        if not as_json:
            _out(f"html: {_show(html_path)}")
    if strict and any(item.review.flagged for item in reviewed):
        sys.exit(int(ExitStatus.PARTIAL))


@cli.command()
@site_option("Folder of the published site (default: ./site).")
@click.option(
    "--wait", is_flag=True, help="If a build or batch is running in this folder, wait for it."
)
@click.pass_obj
@friendly_errors
def adopt(obj: Context, site: Path | None, wait: bool) -> None:
    """Take a published site's episodes into this folder's episode store.

    For when the store is lost (deleted, emptied, or the site was built from
    another folder): every episode the site's feeds list and the store does
    not know is recorded again from the feeds, pages, transcripts and chapters,
    keeping its guid. Nothing in the site changes; an adopted article is
    rebuilt when it next comes.
    """
    from podcast.make.lock import work_lock
    from podcast.make.ownership import adopt as adopt_site
    from podcast.store import Store

    settings = obj.settings(site=site)
    if not settings.site.is_dir():
        raise _fail(f"no site at {_show(settings.site)}")
    with work_lock(settings.state, wait=wait), Store(settings.folders.store) as store:
        adopted = adopt_site(store, settings)
        store.backup()
    for title in adopted.missing:
        click.echo(f"not adopted (its MP3 is not in the site): {title}", err=True)
    _out(f"Adopted {len(adopted.episodes)} episode(s) into {_show(settings.folders.store)}.")


@cli.command()
@click.argument("article")
@click.option("--json", "as_json", is_flag=True, help="Print paragraphs and sentences as JSON.")
@click.pass_obj
@friendly_errors
def script(obj: Context, article: str, as_json: bool) -> None:
    """Print the spoken script of ARTICLE: what the voice says.

    One sentence per line, a blank line between paragraphs, the intro first;
    exactly the sentences `build` hands to the voice.
    """
    from podcast.make.scripting import article_script
    from podcast.read.articles import read_article

    settings = obj.settings()
    result = article_script(read_article(article, _stdin_bytes(article)), settings)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.to_text(), nl=False)


@cli.command()
@click.pass_obj
@friendly_errors
def voices(obj: Context) -> None:
    """List the voices: name, language, sample rate and where each comes from."""
    from voices.catalogue import list_voices

    settings = obj.settings()
    found = list_voices(settings.voices_folder)
    width = max((len(v.name) for v in found), default=4)
    click.echo(f"{'NAME':<{width}}  LANGUAGE  RATE   SOURCE")
    for voice in found:
        mark = "*" if voice.name == settings.voice.name else " "
        click.echo(
            f"{voice.name:<{width}}  {voice.language:<8}  {voice.sample_rate:<5}  {voice.source}{mark}"
        )


@cli.command()
@site_option("Folder to serve (default: ./site).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port (0 picks a free one).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 for every interface.",
)
@click.pass_obj
@friendly_errors
def serve(obj: Context, site: Path | None, port: int, host: str) -> None:
    """Serve the site over HTTP the way podcast apps need it.

    Answers HEAD and byte-range requests (206, 416), sends ETag and
    Last-Modified and honours conditional GET, with the right Content-Types.
    Set show.base_url to the address it prints so the feed's links work.
    """
    from podcast.publish.serve import make_server, url_of

    settings = obj.settings(site=site)
    if not settings.site.is_dir():
        raise _fail(f"no site at {_show(settings.site)}: run `audio-edition build` first")
    try:
        server = make_server(settings.site, host, port)
    except OSError as error:
        raise _fail(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    click.echo(f"Serving {_show(settings.site)} at {url_of(server)} (Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command()
@site_option("Folder to check (default: ./site).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--no-audio", is_flag=True, help="Skip measuring each MP3's loudness (faster).")
@click.pass_obj
@friendly_errors
def check(obj: Context, site: Path | None, as_json: bool, no_audio: bool) -> None:
    """Check the published site against Apple's and Podcasting 2.0's rules.

    Reads every feed page, enclosure, transcript, chapters file and MP3 the way
    podcast apps do and reports each broken rule by name. Exits 1 when any
    error is found; warnings alone exit 0.
    """
    from podcast.publish.check import check_site

    settings = obj.settings(site=site)
    report = check_site(settings.site, settings, audio=not no_audio)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        width = max((len(f.rule) for f in report.findings), default=0)
        for finding in report.findings:
            click.echo(
                f"{finding.severity:<7}  {finding.rule:<{width}}  {finding.where}: {finding.message}"
            )
        counts = report.checked
        measured = f", loudness of {counts['loudness']} measured" if counts["loudness"] else ""
        click.echo(
            f"Checked {counts['feeds']} feed page(s), {counts['items']} item(s), {counts['mp3']} MP3(s)"
            f"{measured}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)."
        )
    if report.errors:
        sys.exit(1)


@cli.group()
def lexicon() -> None:
    """Check pronunciations from the lexicon (voice.lexicon and the bundled list)."""


@lexicon.command("check")
@click.argument("words", nargs=-1, required=True)
@click.option(
    "--wav",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also speak the words, one after another, into this WAV file.",
)
@click.option("--voice", help="Voice to say them with (default: the configured one).")
@click.pass_obj
@friendly_errors
def lexicon_check(
    obj: Context, words: tuple[str, ...], wav: Path | None, voice: str | None
) -> None:
    """Show how each WORD will be said: lexicon entry, spoken form and phonemes.

    A WORD may be a phrase ("Xi Jinping"). Phonemes come from the voice itself.
    """
    from audio.assemble import Part, assemble
    from audio.targets import Pauses
    from podcast.make.scripting import load_lexicon
    from podcast.make.voicing import make_synthesizer
    from voices.normalize import normalize

    settings = obj.settings(voice=voice)
    lex = load_lexicon(settings, "en")
    synth = make_synthesizer(settings)
    rows, parts = [], []
    for word in words:
        entry = lex.lookup(word) if lex else None
        spoken = lex.speak(word, normalize) if lex else normalize(word)
        rows.append((word, spoken, f"/{synth.phonemes(spoken)}/", "lexicon" if entry else "rules"))
        if wav is not None:
            parts.append(Part(synth.synthesize(spoken), "body", True))
    widths = [
        max(len(row[i]) for row in rows + [("WORD", "SAID", "PHONEMES", "FROM")]) for i in range(3)
    ]
    for row in [("WORD", "SAID", "PHONEMES", "FROM"), *rows]:
        click.echo(
            "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths + [0], strict=True)
            ).rstrip()
        )
    if wav is not None:
        assemble(iter(parts), wav, synth.sample_rate, Pauses(paragraph=500, tail=300, lead=100))
        click.echo(f"wav: {_show(wav)}")


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@friendly_errors
def init(path: Path | None, force: bool) -> None:
    """Write a commented settings file (default: ./edition.toml)."""
    target = path or Path(DEFAULT_CONFIG_NAME)
    if target.exists() and not force:
        raise _fail(f"{target} already exists (use --force to overwrite)")
    target.write_text(
        files("podcast").joinpath("templates/edition.toml").read_text("utf-8"), "utf-8"
    )
    click.echo(f"Wrote {target}")


def main() -> None:
    """Console-script entry point; exit codes are :class:`~podcast.errors.ExitStatus`."""
    cli(prog_name="audio-edition")
