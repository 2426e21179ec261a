"""Show artwork: check the configured image, or generate a default one."""

from __future__ import annotations

import functools
import logging
import stat
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from podcast.core.errors import ArticleError, ConfigError

_LOGGER = logging.getLogger(__name__)

MIN_SIDE, MAX_SIDE = 1400, 3000
#: Largest image read, the show's cover or an article's.
MAX_IMAGE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Artwork:
    """A square cover image."""

    data: bytes
    mime: str
    """``image/png`` or ``image/jpeg``."""
    width: int
    height: int

    @property
    def suffix(self) -> str:
        """File suffix for its type."""
        return ".png" if self.mime == "image/png" else ".jpg"


def _png(width: int, height: int, rgb: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    raw = b"".join(b"\0" + rgb[y * width * 3 : (y + 1) * width * 3] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def default_artwork(side: int = 1400) -> Artwork:
    """A generated square PNG: a deep blue field with a sound-wave of bars."""
    import numpy as np

    y, x = np.mgrid[0:side, 0:side].astype(np.float32) / side
    image = np.empty((side, side, 3), dtype=np.float32)
    image[..., 0] = 18 + 30 * (1 - y)
    image[..., 1] = 38 + 50 * (1 - y)
    image[..., 2] = 84 + 80 * (1 - y)
    bars = 23
    for i in range(bars):
        centre = 0.14 + 0.72 * (i + 0.5) / bars
        height = 0.08 + 0.32 * abs(np.sin(i * 0.9)) * (1 - abs(centre - 0.5) * 1.2)
        mask = (abs(x - centre) < 0.25 / bars) & (abs(y - 0.5) < height / 2)
        image[mask] = (240, 196, 92)
    rgb = np.clip(image, 0, 255).astype(np.uint8).tobytes()
    return Artwork(_png(side, side, rgb), "image/png", side, side)


def _jpeg_size(data: bytes) -> tuple[int, int, int]:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            index += 1
            continue
        marker = data[index + 1]
        length = struct.unpack(">H", data[index + 2 : index + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height, data[index + 9]
        index += 2 + length
    raise ValueError("no JPEG frame header")


def _image_bytes(path: Path) -> tuple[str, bytes]:
    """The bytes of an image file, or what is wrong: not a regular file (a device such as
    /dev/zero, a folder), over :data:`MAX_IMAGE_BYTES`, or unreadable."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_IMAGE_BYTES:
            return f"is not an image file of at most {MAX_IMAGE_BYTES // (1024 * 1024)} MB", b""
        return "", path.read_bytes()[: MAX_IMAGE_BYTES + 1]
    except OSError as error:
        return f"cannot be read: {error.strerror or error}", b""


def load_artwork(path: Path) -> Artwork:
    """Read and check a configured cover: square RGB PNG or JPEG, 1400–3000 px."""
    problem, data = _image_bytes(path)
    if problem:
        raise ConfigError(f"show.artwork: {path} {problem}")
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            width, height, _, colour = struct.unpack(">IIBB", data[16:26])
            mime = "image/png"
            if colour != 2:
                raise ConfigError(f"show.artwork {path}: must be RGB without alpha")
        elif data.startswith(b"\xff\xd8"):
            width, height, components = _jpeg_size(data)
            mime = "image/jpeg"
            if components != 3:
                raise ConfigError(f"show.artwork {path}: must be an RGB JPEG")
        else:
            raise ConfigError(f"show.artwork {path}: must be a PNG or JPEG image")
    except (struct.error, ValueError):
        raise ConfigError(f"show.artwork {path}: not a readable image") from None
    if width != height or not MIN_SIDE <= width <= MAX_SIDE:
        raise ConfigError(
            f"show.artwork {path}: must be square, {MIN_SIDE}–{MAX_SIDE} px (is {width}×{height})"
        )
    return Artwork(data, mime, width, height)


#: Image formats an article's image may be, by the bytes it starts with: each is given to
#: ffmpeg with its one-picture demuxer named, so a file is read as that image and nothing else
#: (never as a playlist, whose entries could name any file on the machine).
IMAGE_FORMATS: tuple[tuple[bytes, bytes, str], ...] = (
    # (what it starts with, what stands at bytes 8-12, ffmpeg demuxer)
    (b"\xff\xd8\xff", b"", "jpeg_pipe"),
    (b"\x89PNG\r\n\x1a\n", b"", "png_pipe"),
    (b"GIF87a", b"", "gif"),
    (b"GIF89a", b"", "gif"),
    (b"RIFF", b"WEBP", "webp_pipe"),
    (b"BM", b"", "bmp_pipe"),
)


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG file from its header; None when it is neither, or is
    not there. Remembered by the file's size and time, so a publish reads each header once."""
    try:
        info = path.stat()
    except OSError:
        return None
    return _image_size(str(path), info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=4096)
def _image_size(path: str, mtime_ns: int, size: int) -> tuple[int, int] | None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return None
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return int(width), int(height)
    if head.startswith(b"\xff\xd8"):
        try:
            width, height, _ = _jpeg_size(head)
        except (ValueError, struct.error):
            return None
        return width, height
    return None


def image_format(data: bytes) -> str:
    """The ffmpeg demuxer for an image, by its content (:data:`IMAGE_FORMATS`); empty when it
    is none of them."""
    for start, at_eight, demuxer in IMAGE_FORMATS:
        if data.startswith(start) and (not at_eight or data[8:12] == at_eight):
            return demuxer
    return ""


def episode_artwork(image: Path) -> Artwork:
    """An article's own image as its episode's artwork: the centre square, scaled to
    1400–3000 px, as an RGB JPEG. Only a real image file is used (JPEG, PNG, GIF, WebP or
    BMP, by its content, not its name), and ffmpeg reads a copy of it as that one format,
    with no protocol but ``file``. Raises :class:`ArticleError` when it cannot be used."""
    import tempfile

    from audio.errors import AudioError
    from audio.ffmpeg import run_ffmpeg

    problem, data = _image_bytes(image)
    if problem:
        raise ArticleError(f"cannot use the article's image {image.name}: it {problem}")
    demuxer = image_format(data)
    if not demuxer:
        raise ArticleError(
            f"cannot use the article's image {image.name}: not a JPEG, PNG, GIF, WebP or BMP image"
        )
    square = "crop='min(iw,ih)':'min(iw,ih)'"
    side = f"scale='max({MIN_SIDE},min({MAX_SIDE},iw))':-1:flags=lanczos"
    with tempfile.TemporaryDirectory(prefix="artwork-") as folder:
        copy = Path(folder) / "image"
        copy.write_bytes(data)
        out = Path(folder) / "episode.jpg"
        try:
            run_ffmpeg(["-v", "error", "-protocol_whitelist", "file", "-f", demuxer,
                        "-i", str(copy), "-frames:v", "1",
                        "-vf", f"{square},{side},format=yuvj444p", "-q:v", "3", str(out)],
                       timeout=60)  # fmt: skip
            return load_artwork(out)
        except (AudioError, ConfigError) as error:
            raise ArticleError(f"cannot use the article's image {image.name}: {error}") from None


def episode_cover(image_file: str, show: Artwork) -> tuple[Artwork, bool]:
    """An episode's artwork: its article's own image made square (:func:`episode_artwork`),
    else the show's cover. The flag says whether it is the article's own."""
    if image_file:
        try:
            return episode_artwork(Path(image_file)), True
        except ArticleError as error:
            _LOGGER.warning("%s; the show's cover is used", error)
    return show, False
