"""Commands that look, check and serve: review, script, voices, serve, check, lexicon, init."""

from __future__ import annotations

import json
import sys
from importlib.resources import files
from pathlib import Path

import click

from podcast.cli.base import (
    Context,
    cli,
    fail,
    friendly_errors,
    out,
    show_path,
    site_option,
    stdin_bytes,
    wait_option,
)
from podcast.core.errors import ExitStatus
from podcast.core.settings import DEFAULT_CONFIG_NAME


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
    from podcast.app.looking import review as review_articles
    from podcast.review.report import summary, to_json

    settings = obj.settings(voice=voice)
    sources = [(source, stdin_bytes(source)) for source in articles]
    found = review_articles(settings, sources, listen=listen, html=html_path)
    if as_json:
        out(to_json(found.reviewed, found.words))
    else:
        for item in found.reviewed:
            for line in summary(item.review):
                out(line)
        if len(found.reviewed) > 1 and found.words:
            out("Words to check across the articles: " + ", ".join(
                f"{w.word} ({w.count})" for w in found.words[:20]))  # fmt: skip
        if html_path is not None:
            out(f"html: {show_path(html_path)}")
    if strict and found.flagged:
        sys.exit(int(ExitStatus.PARTIAL))


@cli.command()
@site_option("Folder of the published site (default: ./site).")
@wait_option
@click.pass_obj
@friendly_errors
def adopt(obj: Context, site: Path | None, wait: bool) -> None:
    """Take a published site's episodes into this folder's episode store.

    For when the store is lost (deleted, emptied, or the site was built from
    another folder): every episode the site's feeds list and the store does
    not know is recorded again from the feeds, pages, transcripts and chapters,
    keeping its guid. Nothing in the site changes; an adopted article is
    rebuilt when it next comes. Exit status 1 when an episode could not be
    adopted (its MP3 is not in the site), with what to do.
    """
    from podcast.app.keeping import adopt as adopt_site

    settings = obj.settings(site=site)
    adopted = adopt_site(settings, wait=wait)
    for title in adopted.missing:
        click.echo(f"not adopted (its MP3 is not in the site): {title}", err=True)
    out(f"Adopted {len(adopted.episodes)} episode(s) into {show_path(settings.folders.store)}.")
    if adopted.missing:
        raise fail(
            f"{len(adopted.missing)} episode(s) the feeds list were not adopted: their MP3 is "
            f"not in {show_path(settings.site)}. Builds here stay refused while the feeds list "
            "episodes this store does not know: put their MP3s back where the feed's enclosure "
            "URLs say and run adopt again, or publish this folder to a new --site"
        )


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
    from podcast.app.looking import script as script_of

    result = script_of(obj.settings(), article, stdin_bytes(article))
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
@click.option(
    "--no-access-log", is_flag=True,
    help="Write no access log (by default, .audio-edition/logs/access.log, which `stats` reads).",
)  # fmt: skip
@click.pass_obj
@friendly_errors
def serve(obj: Context, site: Path | None, port: int, host: str, no_access_log: bool) -> None:
    """Serve the site over HTTP the way podcast apps need it.

    Answers HEAD and byte-range requests (206, 416), sends ETag and
    Last-Modified and honours conditional GET, with the right Content-Types;
    lets pages elsewhere read every file (CORS) and answers oEmbed at /oembed.
    Writes an access log in the combined format for `stats`, each address a
    keyed hash. Set show.base_url to the address it prints so the feed's
    links work.
    """
    from podcast.publish.accesslog import AccessLog
    from podcast.publish.serve import make_server, url_of

    settings = obj.settings(site=site)
    if not settings.site.is_dir():
        raise fail(f"no site at {show_path(settings.site)}: run `audio-edition build` first")
    log = None
    if not no_access_log:
        try:
            log = AccessLog(settings.folders.access_log, settings.folders.log_key)
        except OSError as error:
            raise fail(f"cannot write the access log {show_path(settings.folders.access_log)}: "
                       f"{error.strerror or error} (or serve with --no-access-log)") from None  # fmt: skip
    try:
        server = make_server(settings.site, host, port, access_log=log)
    except OSError as error:
        raise fail(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    click.echo(f"Serving {show_path(settings.site)} at {url_of(server)} (Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if log is not None:
            log.close()


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
    from podcast.app.looking import check as check_site

    report = check_site(obj.settings(site=site), audio=not no_audio)
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
    from podcast.app.looking import say_words

    said = say_words(obj.settings(voice=voice), words, wav)
    rows = [(w.word, w.said, f"/{w.phonemes}/", w.source) for w in said]
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
        click.echo(f"wav: {show_path(wav)}")


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@friendly_errors
def init(path: Path | None, force: bool) -> None:
    """Write a commented settings file (default: ./edition.toml)."""
    target = path or Path(DEFAULT_CONFIG_NAME)
    if target.exists() and not force:
        raise fail(f"{target} already exists (use --force to overwrite)")
    target.write_text(
        files("podcast").joinpath("templates/edition.toml").read_text("utf-8"), "utf-8"
    )
    click.echo(f"Wrote {target}")
