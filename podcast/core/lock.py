"""One build or batch at a time per working folder.

The lock is an ``fcntl`` lock on ``STATE/lock``: the kernel drops it when its
process dies, however it dies, so a lock left by a killed process is recovered
by the next run without any clean-up. The file records the holder's PID for
the message a second run prints.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from podcast.core.errors import PodcastError

LOCK_FILE = "lock"


class Busy(PodcastError):
    """Another build or batch holds the working folder."""


class NotALock(PodcastError):
    """The lock file is a symbolic link or not a regular file."""


def _open_lock(path: Path) -> IO[str]:
    """The lock file, opened without following a link: a run as root once wrote its PID into
    whatever file ``STATE/lock`` pointed to."""
    refused = NotALock(
        f"{path} is a symbolic link or not a regular file: the lock is never written through "
        "one; remove it and run again"
    )
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise refused from None
        raise NotALock(f"cannot open the lock {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise refused
    return os.fdopen(fd, "r+")


@contextmanager
def work_lock(state: Path, *, wait: bool = False, poll: float = 0.5) -> Iterator[None]:
    """Hold the working folder's lock; raise :class:`Busy` (or wait, with ``wait``)."""
    state.mkdir(parents=True, exist_ok=True)
    path = state / LOCK_FILE
    handle = _open_lock(path)
    try:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise Busy(
                        f"{state} is in use by {holder}; wait for it to finish or use --wait"
                    ) from None
                time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()
