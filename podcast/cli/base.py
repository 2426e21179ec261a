"""The command group: global options, settings on demand, errors as one line, output and progress."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from audio.errors import AudioError
from podcast.app.lifecycle import Stopped, stop_status
from podcast.core.config import load_settings
from podcast.core.errors import ArticleError, PodcastError, os_error_text
from podcast.core.settings import DEFAULT_CONFIG_NAME, ENV_CONFIG, ENV_SITE, Settings
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


def fail(message: str) -> click.ClickException:
    return click.ClickException(" ".join(str(message).split()))


def friendly_errors(function: F) -> F:
    """Turn the library's exceptions into one-line errors with exit status 1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (PodcastError, VoiceError, AudioError) as error:
            raise fail(str(error)) from None
        except OSError as error:  # a disk or permission problem the library did not foresee
            raise fail(os_error_text(error)) from None
        except Stopped as stop:
            click.echo(
                f"Interrupted ({stop.by}): {stop.published} episode(s) published before the "
                "interruption; the next run continues with the rest.",
                err=True,
            )
            sys.exit(stop.status)
        except KeyboardInterrupt as error:
            click.echo("Interrupted; nothing published was changed.", err=True)
            sys.exit(stop_status(error))

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
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print only errors, failures and the results: the paths and the summary line.",
)
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


def show_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def describe(result: Any) -> str:
    """One line on what building an article did."""
    title = result.episode.title
    if result.skipped:
        return f"Unchanged: {title} (use --force to rebuild)"
    loud = result.loudness
    passes = f" ({loud.passes} passes to reach the loudness)" if loud.passes > 1 else ""
    if loud.quoted:
        passes += f", {loud.quoted} quoted as their episodes have them"
    return (
        f"Built: {title} — {result.episode.duration:.1f} s of audio, "
        f"{result.sentences} sentences ({result.synthesized} synthesised), "
        f"{loud.output_lufs:.1f} LUFS (limited to {loud.ceiling:.1f} dBTP), "
        f"{loud.encoded} of {loud.pieces} MP3 piece(s) encoded{passes}, "
        f"{result.episode.audio_bytes / 1024:.0f} KiB in {result.seconds:.1f} s"
    )


#: ``--wait``: every command that takes the working folder's lock has it.
wait_option = click.option(
    "--wait", is_flag=True, help="If a build or batch is running in this folder, wait for it."
)


def site_option(help_text: str) -> Callable[[F], F]:
    """The ``--site DIR`` option, the same for every command that touches the site."""
    return click.option(
        "--site",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=ENV_SITE,
        help=help_text,
    )


def stdin_bytes(source: str) -> bytes | None:
    """Standard input when the article is ``-``, refused past the size limit of a file."""
    from podcast.read.model import MAX_ARTICLE_BYTES

    if source != "-":
        return None
    data = sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"standard input is larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB")
    return data


def out(text: str) -> None:
    """A line on standard output; a reader that went away (``| head -1``) is not an error."""
    try:
        click.echo(text)
    except BrokenPipeError:
        # Nothing more can be said there; keep Python's own flush at exit from failing too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


#: What the progress bar says once every sentence is spoken and the MP3 is being made.
MASTERING_LABEL = "Making the MP3"


@contextmanager
def progress_bar(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
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
