"""The piece cache: encoded MP3 pieces and their loudness blocks, kept between builds."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path
from typing import Any

from audio.atomic import move_file, write_bytes

_LOGGER = logging.getLogger(__name__)

#: Version of the encoding chain, part of every cache key: bump it when the chain changes.
CHAIN_VERSION = "2"


class PieceCache:
    """Encoded pieces and loudness blocks in a folder, named by content.

    ``<key>.mp3`` + ``<key>.json`` for an encoded piece (its loudness blocks
    and the MP3's checksum, checked on every read), ``a<version>-<digest>.json`` for the
    loudness blocks of a piece before its gain. Entries are written to a
    temporary file and renamed, so a crash never leaves half of one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _write(self, path: Path, data: bytes) -> None:
        write_bytes(path, data, durable=False)  # a cache: a lost entry is made again

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("blocks"), list):
            return None
        return data

    @staticmethod
    def analysis_key(digest: str) -> str:
        """The entry holding a piece's blocks before its gain (the chain's version is in it)."""
        return f"a{CHAIN_VERSION}-{digest}"

    @staticmethod
    def analysed(key: str) -> str | None:
        """The samples' checksum an :meth:`analysis_key` names (None for any other key)."""
        prefix = PieceCache.analysis_key("")
        return key.removeprefix(prefix) if key.startswith(prefix) else None

    def analysis(self, digest: str) -> list[float] | None:
        """Blocks of the compressed piece before its gain, if measured before."""
        data = self._read(self.folder / f"{self.analysis_key(digest)}.json")
        return None if data is None else [float(x) for x in data["blocks"]]

    def put_analysis(self, digest: str, blocks: list[float]) -> None:
        """Keep the blocks of a compressed piece."""
        path = self.folder / f"{self.analysis_key(digest)}.json"
        self._write(path, json.dumps({"blocks": blocks}).encode())

    def encoded(self, key: str) -> tuple[Path, list[float]] | None:
        """The MP3 of an encoded piece and its loudness blocks, if kept and intact."""
        mp3 = self.folder / f"{key}.mp3"
        data = self._read(self.folder / f"{key}.json")
        if data is None:
            return None
        try:
            intact = hashlib.sha256(mp3.read_bytes()).hexdigest() == data.get("sha256")
        except OSError:
            intact = False
        if not intact:
            _LOGGER.warning("discarding damaged MP3 piece %s", mp3)
            self.remove(key)
            return None
        return mp3, [float(x) for x in data["blocks"]]

    def put_encoded(self, key: str, mp3: Path, blocks: list[float]) -> Path:
        """Keep an encoded piece (``mp3`` is moved into the cache)."""
        digest = hashlib.sha256(mp3.read_bytes()).hexdigest()
        target = self.folder / f"{key}.mp3"
        move_file(mp3, target)
        entry = {"blocks": blocks, "sha256": digest}
        self._write(self.folder / f"{key}.json", json.dumps(entry).encode())
        return target

    def keys(self) -> set[str]:
        """Every entry's key (analysis entries as :meth:`analysis_key` names them)."""
        if not self.folder.is_dir():
            return set()
        return {p.stem for p in self.folder.glob("*.json")}

    def remove(self, key: str) -> None:
        """Drop one entry."""
        for suffix in (".json", ".mp3"):
            path = self.folder / f"{key}{suffix}"
            _discard_folder(path)
            path.unlink(missing_ok=True)


def _discard_folder(path: Path) -> None:
    """A folder standing at an entry's name is garbage: remove it (a link, only the link)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
