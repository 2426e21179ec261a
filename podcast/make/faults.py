"""Named fault points for the crash-safety tests.

With ``AUDIO_EDITION_FAULT=NAME`` in the environment, the process kills
itself with SIGKILL when it reaches the point called NAME — the way a power
cut or an OOM killer would stop it. Without the variable these are no-ops.
Points: ``synthesis`` (after the first sentence is synthesised), ``encoding``
(after the first MP3 encode), ``commit`` (files in the site, store not yet
written), ``feed`` (pages written, the feed not yet renamed into place).
"""

from __future__ import annotations

import os
import signal

ENV = "AUDIO_EDITION_FAULT"


def fault_point(name: str) -> None:
    """Die here, hard, if the environment asks for it."""
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
