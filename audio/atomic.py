"""Files that are never half-written: made beside their target, then renamed over it.

The one way the three packages write a file a reader may open at any moment (the site, the
episode store's backup, the sentence and piece caches, a prepared voice model). It lives in
the lowest package so that speech and the application share it. Every temporary file is
named ``.tmp-…`` in its target's folder (:data:`TEMP_PREFIX`), so every sweeper finds what a
killed writer left with :func:`sweep`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: How every temporary file begins, whoever writes it.
TEMP_PREFIX = ".tmp-"


@contextmanager
def replacing(path: Path, *, suffix: str = "", durable: bool = True) -> Iterator[Path]:
    """A temporary path beside ``path`` for the block to fill (a writer of its own may open it:
    SQLite, onnxruntime); when the block ends well it is renamed over ``path``, readable by all
    (and flushed to disk first when ``durable``); when it fails, it is removed. A folder or a
    link at ``path`` is replaced, never written through."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=suffix)
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        if durable:
            with temporary.open("rb+") as handle:
                os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never a mix."""
    with replacing(path, durable=durable) as temporary:
        temporary.write_bytes(data)


def write_text(path: Path, text: str, *, durable: bool = True) -> None:
    """:func:`write_bytes` for UTF-8 text."""
    write_bytes(path, text.encode("utf-8"), durable=durable)


def copy_file(source: Path, path: Path) -> None:
    """Copy a finished file into place, across filesystems if need be."""
    with replacing(path) as temporary, source.open("rb") as src, temporary.open("wb") as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)


def move_file(source: Path, path: Path) -> None:
    """Move a finished file on the same filesystem into place (a rename: no copy is made)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    os.replace(source, path)


def sweep(folder: Path, *, depth: int = 0, older_than: float | None = None) -> int:
    """Remove the temporary files killed writers left in ``folder`` (and in its subfolders
    ``depth`` levels down); with ``older_than`` (seconds), only those that old. Call it only
    when no writer can be at work there (under the working folder's lock). Returns how many."""
    removed = 0
    now = time.time()
    for level in range(depth + 1):
        for leftover in folder.glob("*/" * level + TEMP_PREFIX + "*"):
            try:
                if older_than is not None and leftover.stat().st_mtime > now - older_than:
                    continue
                leftover.unlink()
            except OSError:
                continue
            removed += 1
    return removed
