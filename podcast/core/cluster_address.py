"""Where a batch's workers are (``batch.cluster``, ``--cluster``): the value, checked when the
settings load; :mod:`podcast.batch.cluster` connects to it. It imports no Dask."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from podcast.core.errors import ConfigError

_ADDRESS = re.compile(r"(?:tcp|tls|ucx|inproc|ws|wss)://\S+")


@dataclass(frozen=True)
class ClusterAddress:
    """Where the workers are: a running scheduler, or a local cluster of ``workers``."""

    address: str
    """The scheduler's address; empty for a local cluster."""
    workers: int = 0
    """Worker processes of a local cluster."""

    @classmethod
    def parse(cls, text: str, where: str = "--cluster") -> ClusterAddress:
        """``tcp://HOST:PORT``, ``local`` (one worker per core) or ``local:N``."""
        text = text.strip()
        if text == "local":
            return cls("", os.cpu_count() or 1)
        if text.startswith("local:"):
            count = text.removeprefix("local:")
            if not count.isdigit() or not 1 <= int(count) <= 512:
                raise ConfigError(f"{where}: {text!r}: local:N needs N from 1 to 512")
            return cls("", int(count))
        if _ADDRESS.fullmatch(text):
            return cls(text)
        raise ConfigError(
            f"{where}: {text!r} is not a scheduler address (tcp://HOST:8786), local or local:N"
        )

    def __str__(self) -> str:
        return self.address or f"local:{self.workers}"
