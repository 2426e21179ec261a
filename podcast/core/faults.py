"""Named fault points for the crash-safety tests.

With ``AUDIO_EDITION_FAULT=NAME`` in the environment, the process kills
itself with SIGKILL when it reaches the point called NAME — the way a power
cut or an OOM killer would stop it. Without the variable these are no-ops.
Points: ``synthesis`` (after the first sentence is synthesised), ``encoding``
(after the first MP3 encode), ``commit`` (files in the site, store not yet
written), ``feed`` (pages written, the feed not yet renamed into place).
``NAME:enospc`` raises "No space left on device" there instead, as a full site disk would,
from the N-th time it is reached on (``feed:enospc:2``; default the first).
"""

from __future__ import annotations

import errno
import os
import signal

ENV = "AUDIO_EDITION_FAULT"


_reached: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Die here, hard, or fail as a full disk, if the environment asks for it."""
    wanted = os.environ.get(ENV, "")
    if wanted == name:
        os.kill(os.getpid(), signal.SIGKILL)
    point, _, rest = wanted.partition(":")
    if point == name and rest.startswith("enospc"):
        _reached[name] = _reached.get(name, 0) + 1
        if _reached[name] >= int(rest.partition(":")[2] or 1):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
