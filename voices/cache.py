"""A content-addressed cache of synthesised sentences.

The key covers everything that changes the audio: the voice (name and the
checksum of its config), the synthesis settings and the spoken text. Entries
are raw 16-bit mono samples with a checksum in their header, written to a
temporary file and renamed, so a killed process never leaves half an entry and
a corrupted entry is detected and regenerated.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from audio.atomic import write_bytes

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)
_MAGIC = b"AEPCM1"


class SentenceCache:
    """Sentence audio stored under ``folder/ab/abcdef….pcm``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.misses = 0

    @staticmethod
    def key(*parts: str) -> str:
        """The cache key for the parts that decide the audio."""
        digest = hashlib.sha256()
        for part in parts:
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pcm"

    def has(self, key: str) -> bool:
        """Whether an entry exists for ``key`` (not checked for corruption)."""
        return self._path(key).is_file()

    def keys(self) -> set[str]:
        """Every key stored."""
        return {p.stem for p in self.folder.glob("??/*.pcm")}

    def remove(self, key: str) -> None:
        """Delete the entry for ``key`` if there is one."""
        discard(self._path(key))

    def get(self, key: str) -> np.ndarray | None:
        """The samples stored under ``key``, or None when absent or corrupt."""
        data = self.get_pcm(key)
        if data is None:
            return None
        import numpy as np  # lazily: a build with nothing to synthesise never needs it

        return np.frombuffer(data, dtype="<i2").copy()

    def get_pcm(self, key: str) -> bytes | None:
        """The 16-bit little-endian samples stored under ``key`` as bytes (what a cluster's
        workers are sent), or None when absent or corrupt."""
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError as error:  # a folder, or a file that cannot be read: garbage too
            _LOGGER.warning("discarding unreadable cache entry %s: %s", path, error)
            discard(path)
            self.misses += 1
            return None
        header = len(_MAGIC) + 32
        data = blob[header:]
        if (
            blob[: len(_MAGIC)] != _MAGIC
            or blob[len(_MAGIC) : header] != hashlib.sha256(data).digest()
            or len(data) % 2
        ):
            _LOGGER.warning("discarding corrupt cache entry %s", path)
            discard(path)
            self.misses += 1
            return None
        return data

    def put(self, key: str, samples: np.ndarray) -> None:
        """Store ``samples`` (int16) under ``key`` atomically."""
        self.put_pcm(key, samples.astype("<i2").tobytes())

    def put_pcm(self, key: str, data: bytes) -> None:
        """Store 16-bit little-endian samples, as bytes (what a cluster's workers send back),
        under ``key`` atomically."""
        if len(data) % 2:
            raise ValueError("16-bit samples come in pairs of bytes")
        entry = _MAGIC + hashlib.sha256(data).digest() + data
        write_bytes(self._path(key), entry, durable=False)  # a cache: a lost entry is said again


def discard(path: Path) -> None:
    """Remove a cache entry, whatever stands at its name: a file, a link, or a folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
