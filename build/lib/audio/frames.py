"""Joining MP3s frame by frame in Python, with the Info (Xing/LAME) tag a joined file needs.

Each piece of an episode is an MP3 that ffmpeg's muxer wrote: one Info frame
(frame count, byte count, seek table, encoder delay and padding, the music's
length and CRC, the tag's CRC), then the audio frames. The joined file is the
first piece's Info frame, rewritten for the whole, followed by every piece's
audio frames as they are. The fields are filled in as ffmpeg's muxer fills
them when it joins the same pieces by stream copy (tests/test_master.py
compares the two byte by byte), without starting an ffmpeg for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import AudioError

_MPEG1_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_MPEG2_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
#: Seek-table bags ffmpeg's muxer keeps (libavformat/mp3enc.c, XING_NUM_BAGS).
_BAGS = 400
#: The Info tag's fields, from its "Info"/"Xing" mark.
_FRAMES, _BYTES, _TOC = 8, 12, 16
_LAME = 120
_DELAY, _MUSIC_LENGTH, _MUSIC_CRC, _TAG_CRC = _LAME + 21, _LAME + 28, _LAME + 32, _LAME + 34
#: The tag's CRC covers the frame's first 190 bytes, taken with the CRC field at zero.
_TAG_CRC_SPAN = 190


class NotJoinable(AudioError, ValueError):
    """A piece is not a Layer III stream that starts with an Info tag."""


def frame_length(header: int) -> int:
    """Bytes in the MPEG audio Layer III frame whose 4-byte header is ``header`` (0 if none)."""
    version = (header >> 19) & 3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    layer = (header >> 17) & 3  # 1: Layer III
    bitrate = (header >> 12) & 15
    rate_index = (header >> 10) & 3
    if header >> 21 != 0x7FF or version == 1 or layer != 1 or bitrate in (0, 15) or rate_index == 3:
        return 0
    rate = (44100, 48000, 32000)[rate_index] >> {3: 0, 2: 1, 0: 2}[version]
    kbps = (_MPEG1_KBPS if version == 3 else _MPEG2_KBPS)[bitrate]
    return (144 if version == 3 else 72) * kbps * 1000 // rate + ((header >> 9) & 1)


def _info_offset(header: int) -> int:
    """Where the Info tag sits in a frame: after the side information (mp3enc.c's xing_offtbl)."""
    mpeg1 = (header >> 19) & 3 == 3
    mono = (header >> 6) & 3 == 3
    return 4 + (17 if mono else 32) if mpeg1 else 4 + (9 if mono else 17)


@dataclass(frozen=True)
class Piece:
    """One MP3 split into its Info frame and its audio frames."""

    info: bytes
    """The Info frame."""
    mark: int
    """Where the Info tag starts in it."""
    audio: memoryview
    """The audio frames, as they are."""
    sizes: list[int]
    """The length of each audio frame."""

    @property
    def music_crc(self) -> int:
        return int.from_bytes(self.info[self.mark + _MUSIC_CRC : self.mark + _MUSIC_CRC + 2], "big")

    @property
    def delay_padding(self) -> int:
        return int.from_bytes(self.info[self.mark + _DELAY : self.mark + _DELAY + 3], "big")


def split(data: bytes) -> Piece:
    """The Info frame and the audio frames of an MP3 as ffmpeg's muxer writes it."""
    if len(data) < 4:
        raise NotJoinable("too short for an MP3 frame")
    header = int.from_bytes(data[:4], "big")
    first = frame_length(header)
    mark = _info_offset(header)
    if not first or data[mark : mark + 4] not in (b"Info", b"Xing"):
        raise NotJoinable("no Info tag in the first frame")
    if first < mark + _TAG_CRC + 2 or data[mark + _LAME : mark + _LAME + 4] not in (
        b"Lavc",
        b"Lavf",
        b"LAME",
    ):
        raise NotJoinable("no LAME extension in the Info tag")
    sizes = []
    at = first
    while at < len(data):
        size = frame_length(int.from_bytes(data[at : at + 4], "big")) if at + 4 <= len(data) else 0
        if not size or at + size > len(data):
            raise NotJoinable(f"no MP3 frame at byte {at}")
        sizes.append(size)
        at += size
    return Piece(data[:first], mark, memoryview(data)[first:], sizes)


def crc16(data: bytes | bytearray | memoryview, crc: int = 0) -> int:
    """CRC-16/ARC (ffmpeg's AV_CRC_16_ANSI_LE), bit by bit: for the short tag only."""
    for byte in bytes(data):
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _apply(operator: list[int], register: int) -> int:
    result = 0
    for bit, column in enumerate(operator):
        if register >> bit & 1:
            result ^= column
    return result


def crc16_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-16/ARC of A then B, from the CRC of A, the CRC of B and B's length.

    The CRC is linear: A's register, run through as many zero bytes as B has
    (by repeated squaring of the one-byte step), is XORed with B's own CRC.
    """
    step = [crc16(b"\0", 1 << bit) for bit in range(16)]  # one zero byte, bit by bit
    power = [1 << bit for bit in range(16)]  # the identity
    length = second_length
    while length:
        if length & 1:
            power = [_apply(step, column) for column in power]
        step = [_apply(step, column) for column in step]
        length >>= 1
    return _apply(power, first) ^ second


def _toc(info_size: int, sizes: Sequence[int]) -> bytes:
    """The 100-entry seek table as ffmpeg's muxer computes it (its bags of frame offsets)."""
    bag = [0] * _BAGS
    size, want, seen, pos = info_size, 1, 0, 0
    for frame in sizes:
        seen += 1
        size += frame
        if seen == want:
            bag[pos] = size
            pos += 1
            if pos == _BAGS:
                for index in range(1, _BAGS, 2):
                    bag[index >> 1] = bag[index]
                want *= 2
                pos = _BAGS // 2
            seen = 0
    toc = [0] + [min(256 * bag[i * pos // 100] // size, 255) for i in range(1, 100)]
    return bytes(toc)


def join(datas: Sequence[bytes]) -> list[bytes | memoryview]:
    """The chunks of one MP3 made of ``datas`` (each an MP3 with an Info tag), in order.

    Raises :class:`NotJoinable` when a piece is not such an MP3 or their frames differ.
    """
    pieces = [split(data) for data in datas]
    head = pieces[0]
    if any(p.info[:4] != head.info[:4] or p.mark != head.mark for p in pieces):
        raise NotJoinable("the pieces' frames differ")
    info = bytearray(head.info)
    mark = head.mark
    sizes = [size for piece in pieces for size in piece.sizes]
    total = len(info) + sum(sizes)
    music_crc = head.music_crc
    for piece in pieces[1:]:
        music_crc = crc16_combine(music_crc, piece.music_crc, len(piece.audio))
    delay = head.delay_padding & 0xFFF000
    padding = pieces[-1].delay_padding & 0xFFF

    def put(at: int, value: int, width: int) -> None:
        info[mark + at : mark + at + width] = value.to_bytes(width, "big")

    put(_FRAMES, len(sizes), 4)
    put(_BYTES, total, 4)
    info[mark + _TOC : mark + _TOC + 100] = _toc(len(info), sizes)
    put(_DELAY, delay | padding, 3)
    put(_MUSIC_LENGTH, total, 4)
    put(_MUSIC_CRC, music_crc, 2)
    put(_TAG_CRC, 0, 2)
    put(_TAG_CRC, crc16(info[:_TAG_CRC_SPAN]), 2)
    return [bytes(info), *(piece.audio for piece in pieces)]
