"""The command line: thin commands over the library, errors as one line and an exit code."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

import click

from audio.errors import AudioError
from voices.errors import VoiceError

from .errors import PodcastError
from .settings import DEFAULT_CONFIG_NAME, Settings, load_settings

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
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing published was changed.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


EXIT_CODES = """\b
Exit status: 0 done; 1 error (one line on stderr, nothing published was
changed); 2 usage error; 3 some articles of a batch failed."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(package_name="audio-edition")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="AUDIO_EDITION_CONFIG",
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
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
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
    return (
        f"Built: {title} — {result.episode.duration:.1f} s of audio, "
        f"{result.sentences} sentences ({result.synthesized} synthesised), "
        f"{loud.output_lufs:.1f} LUFS, {loud.output_true_peak:.1f} dBTP, "
        f"{result.episode.audio_bytes / 1024:.0f} KiB in {result.seconds:.1f} s"
    )


def _stdin_bytes(source: str) -> bytes | None:
    return click.get_binary_stream("stdin").read() if source == "-" else None


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal; nothing otherwise."""
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
            bar.update(done - bar.pos)

        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@cli.command()
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="AUDIO_EDITION_SITE",
    help="Folder the site is written to (default: ./site).",
)
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
    from .articles import read_article
    from .build import Builder
    from .lock import work_lock
    from .publish import FEED_FILE, INDEX_FILE, publish
    from .store import Store

    settings = obj.settings(site=site, voice=voice)
    loaded = [read_article(source, _stdin_bytes(source)) for source in articles]
    with Store(settings.store_path) as store, work_lock(settings.state, wait=wait):
        builder = Builder(settings, store)
        try:
            for article in loaded:
                label = f"Reading {article.title[:40]}"
                with _progress(not obj.quiet, label) as progress:
                    result = builder.build(
                        article, progress=progress, force=force, publish_now=False
                    )
                if not obj.quiet:
                    click.echo(_describe(result), err=True)
                click.echo(f"mp3:  {_show(result.audio_path)}")
        finally:
            # Whatever was built before a failure is published; the rest is left as it was.
            publish(store, settings, builder.artwork)
    click.echo(f"feed: {_show(settings.site / FEED_FILE)}")
    click.echo(f"page: {_show(settings.site / INDEX_FILE)}")


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
    from .articles import read_article
    from .scripting import article_script

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
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="AUDIO_EDITION_SITE",
    help="Folder to serve (default: ./site).",
)
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
    from .serve import make_server, url_of

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
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="AUDIO_EDITION_SITE",
    help="Folder to check (default: ./site).",
)
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
    from .check import check_site

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
    from audio.assemble import Part, Pauses, assemble
    from voices.normalize import normalize

    from .build import make_synthesizer
    from .scripting import load_lexicon

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
