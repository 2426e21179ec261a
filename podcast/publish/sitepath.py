"""Which file of the site a URL path names: the one check of what ``serve``, the service and
the oEmbed endpoint may read (never a hidden name, nothing outside the site)."""

from __future__ import annotations

import urllib.parse
from pathlib import Path


def resolve(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` a URL path names (a folder's ``index.html``); None for anything
    outside it (symbolic links resolved), a hidden name (``.audio-edition``, ``.tmp-…``), or
    no file."""
    path = urllib.parse.unquote(url_path)
    if "\0" in path or any(part.startswith(".") for part in path.split("/") if part):
        return None
    candidate = (root / path.lstrip("/")).resolve()
    if candidate != root and root not in candidate.parents:
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None
