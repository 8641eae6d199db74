"""Rewrite an animated GIF without its metadata, block by block, leaving the frames' compressed
pixels untouched (nothing is decoded, so no decompression cost and no quality loss).

Kept: header, screen descriptor, colour tables, graphic-control extensions (frame timing and
transparency), the NETSCAPE2.0/ANIMEXTS1.0 loop extension and the image blocks. Dropped: comments,
plain-text extensions and every other application extension (XMP, ICC profiles, ...)."""

from __future__ import annotations

from dataclasses import dataclass

LOOP_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


class GifError(ValueError):
    pass


@dataclass
class StrippedGif:
    data: bytes
    width: int
    height: int
    frames: int


def _sub_blocks(data: bytes, pos: int) -> int:
    """Skip data sub-blocks starting at `pos`; return the position after the terminator."""
    while True:
        if pos >= len(data):
            raise GifError("truncated GIF")
        size = data[pos]
        pos += 1
        if size == 0:
            return pos
        pos += size


def _table_size(packed: int) -> int:
    return 3 * (2 ** ((packed & 0x07) + 1)) if packed & 0x80 else 0


def strip(data: bytes) -> StrippedGif:
    if len(data) < 13 or data[:6] not in (b"GIF87a", b"GIF89a"):
        raise GifError("not a GIF")
    width = int.from_bytes(data[6:8], "little")
    height = int.from_bytes(data[8:10], "little")
    pos = 13 + _table_size(data[10])
    out = bytearray(data[:pos])
    frames = 0
    while True:
        if pos >= len(data):  # a missing trailer is common and harmless
            if frames == 0:
                raise GifError("truncated GIF")
            out.append(0x3B)
            break
        kind = data[pos]
        if kind == 0x3B:  # trailer
            out.append(0x3B)
            break
        if kind == 0x21:  # extension
            if pos + 1 >= len(data):
                raise GifError("truncated GIF")
            label = data[pos + 1]
            end = _sub_blocks(data, pos + 2)
            first = data[pos + 3: pos + 3 + data[pos + 2]] if pos + 2 < len(data) else b""
            if label == 0xF9 or (label == 0xFF and first in LOOP_APPS):
                out += data[pos:end]
            pos = end
        elif kind == 0x2C:  # image descriptor, colour table, LZW code size, pixel sub-blocks
            if pos + 10 > len(data):
                raise GifError("truncated GIF")
            start = pos
            pos += 10 + _table_size(data[pos + 9]) + 1
            pos = _sub_blocks(data, pos)
            out += data[start:pos]
            frames += 1
        else:
            raise GifError("unknown GIF block")
    if frames == 0:
        raise GifError("GIF has no frames")
    return StrippedGif(bytes(out), width, height, frames)
