"""The command line: thin commands over the library, errors as one line and an exit code.

``base`` holds the group and what every command shares; the commands are in
``making`` (build, batch, briefing, prune), ``looking`` (review, adopt, script, voices,
serve, check, lexicon, init), ``serving`` (service) and ``listening`` (stats).
"""

from podcast.cli import listening, looking, making, serving  # noqa: F401 - importing them adds their commands
from podcast.cli.base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point; exit codes are :class:`~podcast.core.errors.ExitStatus`."""
    cli(prog_name="audio-edition")
