"""Where ffmpeg comes from, decided once and before pydub is imported.

pydub looks for ``ffmpeg`` on PATH when it is imported and warns when it finds
none. We take the binary that ``imageio-ffmpeg`` ships (or the one named by
``AUDIO_EDITION_FFMPEG``) and hand it to pydub explicitly.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import FFmpegFailed, FFmpegMissing

if TYPE_CHECKING:
    from pydub import AudioSegment

_LOGGER = logging.getLogger(__name__)

#: Environment variable naming an ffmpeg executable to use instead of the bundled one.
FFMPEG_ENV = "AUDIO_EDITION_FFMPEG"


@functools.cache
def ffmpeg_exe() -> str:
    """The ffmpeg executable: ``$AUDIO_EDITION_FFMPEG``, else imageio-ffmpeg's, else PATH's."""
    named = os.environ.get(FFMPEG_ENV)
    if named:
        if not (Path(named).is_file() and os.access(named, os.X_OK)):
            raise FFmpegMissing(f"{FFMPEG_ENV}={named} is not an executable file")
        return named
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        found = shutil.which("ffmpeg")
        if found:
            return found
    raise FFmpegMissing("ffmpeg not found: install imageio-ffmpeg or set " + FFMPEG_ENV)


#: Longest any ffmpeg run may take when the caller gives no limit (an hour of work).
DEFAULT_TIMEOUT = 3600.0


def run_ffmpeg(
    args: list[str], *, input_bytes: bytes | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with ``args``, stopped after ``timeout`` seconds (:data:`DEFAULT_TIMEOUT`
    when None); raise :class:`FFmpegFailed` with its last error line, or for the timeout."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    _LOGGER.debug("running %s", " ".join(command))
    try:
        result = subprocess.run(
            command, input=input_bytes, capture_output=True, check=False, timeout=limit
        )
    except subprocess.TimeoutExpired:
        raise FFmpegFailed(f"ffmpeg did not finish in {limit:g} s; stopped it") from None
    if result.returncode != 0:
        lines = [
            line for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()
        ]
        raise FFmpegFailed(
            f"ffmpeg failed: {lines[-1] if lines else 'exit ' + str(result.returncode)}"
        )
    return result


@functools.cache
def pydub_segment() -> type[AudioSegment]:
    """pydub's ``AudioSegment`` class, configured to use :func:`ffmpeg_exe`."""
    exe = ffmpeg_exe()
    with warnings.catch_warnings():
        # pydub warns at import when ffmpeg is not on PATH: we set it just below.
        warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
        warnings.filterwarnings(
            "ignore", message="'audioop' is deprecated", category=DeprecationWarning
        )
        from pydub import AudioSegment
    AudioSegment.converter = exe
    AudioSegment.ffmpeg = exe
    segment: type[AudioSegment] = AudioSegment
    return segment
