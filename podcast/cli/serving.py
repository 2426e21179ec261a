"""The command that runs the always-on service: ``service``."""

from __future__ import annotations

from pathlib import Path

import click

from podcast.cli.base import (
    Context,
    cli,
    fail,
    friendly_errors,
    show_path,
    site_option,
    wait_option,
)


@cli.command()
@site_option("Folder the site is written to and served from (default: ./site).")
@click.option("--host", help="Address to listen on (default: service.host, 127.0.0.1).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    help="Port (default: service.port, 8000; 0 picks a free one).",
)
@wait_option
@click.pass_obj
@friendly_errors
def service(
    obj: Context, site: Path | None, host: str | None, port: int | None, wait: bool
) -> None:
    """Run the service a CMS talks to: articles in by webhook or feed watch, audio out.

    Serves the site as `serve` does and an API under /api/ (a bearer token from
    service.tokens or AUDIO_EDITION_TOKENS on every call; Ghost's and WordPress's
    webhook signatures too on POST /api/articles). Each article is queued in the
    episode store, made and published within a minute, and the webhooks in
    [[webhooks]] are told. Feeds in [watch] are polled. Holds the working folder
    for as long as it runs; SIGTERM drops the episode being made (its job waits for
    the next start) and exits 143. Needs audio-edition[service].
    """
    try:
        import prometheus_client  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise fail("the service needs its extra: pip install 'audio-edition[service]'") from None
    from podcast.service.server import run

    settings = obj.settings(site=site)
    service = settings.service
    if not (service.tokens or service.ghost_secret or service.wordpress_secret):
        click.echo(
            "Warning: no service.tokens (or AUDIO_EDITION_TOKENS): every /api/ call is refused",
            err=True,
        )

    def say(url: str) -> None:
        click.echo(f"Serving {show_path(settings.site)} at {url} (API at {url}api/)", err=True)

    run(settings, host=host or service.host, port=service.port if port is None else port,
        say=say, wait=wait)  # fmt: skip
