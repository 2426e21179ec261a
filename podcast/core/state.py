"""The state folder: everything a run keeps that is not published, in one layout.

The episode store, the sentence cache, the encoded pieces, the work folders of
renders under way, the pages manifest, the batch reports and the lock all live
here, never inside the site (the settings refuse a state folder in the site).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from audio.atomic import sweep
from podcast.core.errors import PublishError

_LOGGER = logging.getLogger(__name__)

#: How every render's work folder is named.
WORK_PREFIX = "build-"


@dataclass(frozen=True)
class StateFolder:
    """Where each thing lives in the state folder."""

    root: Path

    @property
    def store(self) -> Path:
        """The SQLite episode store."""
        return self.root / "episodes.db"

    @property
    def sentences(self) -> Path:
        """The sentence cache (synthesised speech, by voice, settings and text)."""
        return self.root / "cache"

    @property
    def pieces(self) -> Path:
        """Encoded MP3 pieces and their loudness, kept between builds."""
        return self.root / "pieces"

    @property
    def work(self) -> Path:
        """Where renders make their files before they are published."""
        return self.root / "tmp"

    @property
    def pages_manifest(self) -> Path:
        """Which page files each episode's pages were written to (for the site's sweep)."""
        return self.root / "pages.json"

    @property
    def access_log(self) -> Path:
        """``serve``'s and ``service``'s access log (the combined format, each address a keyed
        hash); ``stats`` reads it and its rotated copies when given no log."""
        return self.root / "logs" / "access.log"

    @property
    def log_key(self) -> Path:
        """The key the access log's address hashes are made with (made once, never shown)."""
        return self.root / "logs" / "key"

    @property
    def reports(self) -> Path:
        """The batch's JSON reports."""
        return self.root / "reports"

    def work_root(self) -> Path:
        """:attr:`work`, made if missing."""
        self.work.mkdir(parents=True, exist_ok=True)
        return self.work

    def make_work(self) -> Path:
        """A new, empty work folder for one render (``build-…``, which the sweep knows)."""
        return Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=self.work_root()))

    @contextmanager
    def new_work(self) -> Iterator[Path]:
        """:meth:`make_work`, removed again if the block fails or is stopped; kept otherwise
        (until the render it holds is committed or dropped)."""
        work = self.make_work()
        try:
            yield work
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise

    def sweep_leftovers(self) -> int:
        """Remove what killed runs left: work folders and half-written cache files.

        Call it only while holding the working-folder lock (no other run can be
        writing them then). Returns how many were removed.
        """
        removed = 0
        for folder in self.work.glob(WORK_PREFIX + "*") if self.work.is_dir() else ():
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
        for cache in (self.sentences, self.pieces):
            removed += sweep(cache, depth=1)
        removed += sweep(self.root)  # the store's backup, half-copied
        if removed:
            _LOGGER.info("removed %d files or folders left by an interrupted run", removed)
        return removed


def check_writable(site: Path, state: Path) -> None:
    """Fail before any audio is made when the site or the state folder cannot be written."""
    for folder, what in ((site, "site"), (state, "state folder")):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-", delete=True)
            probe.close()
        except OSError as error:
            raise PublishError(
                f"cannot write to the {what} {folder}: {error.strerror or error}"
            ) from None
