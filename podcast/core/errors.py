"""The application's exceptions and exit codes, named in one place."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes; documented in the README."""

    OK = 0
    """Everything asked for was done."""

    ERROR = 1
    """Nothing was published: bad input, a bad config or a failure (the message says which)."""

    USAGE = 2
    """The command line itself was wrong (click's own code)."""

    PARTIAL = 3
    """A batch in which some articles failed and the others were published."""


def os_error_text(error: OSError) -> str:
    """An OSError in one line: its reason, and the file it names ("No space left on device: x")."""
    where = f": {error.filename}" if error.filename else ""
    return f"{error.strerror or error}{where}"


class PodcastError(Exception):
    """Base class for every error raised by the application package."""


class ConfigError(PodcastError):
    """The configuration file is missing, malformed or has a bad value."""


class ArticleError(PodcastError):
    """An article cannot be read or has no text to read."""


class StoreError(PodcastError):
    """The episode store cannot be opened, migrated or written."""


class PublishError(PodcastError):
    """The feed or the site cannot be written."""


class ClusterError(PodcastError):
    """The Dask cluster cannot be reached, has no workers, or a worker cannot say a voice."""


class StatsError(PodcastError):
    """An access log cannot be read, or a period or format asked for is not one."""
