"""Blurhash placeholders: decode a media attachment's blurhash to a tiny PNG as a data: URI
(an 8×8 image, a few hundred bytes, that the browser scales up smoothly behind the picture)."""

from __future__ import annotations

import base64
import io
import math
from functools import lru_cache

from PIL import Image

_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
_VALUE = {c: i for i, c in enumerate(_DIGITS)}
SIZE = 8


def _b83(text: str) -> int:
    n = 0
    for c in text:
        n = n * 83 + _VALUE[c]
    return n


def _to_linear(v: int) -> float:
    x = v / 255
    return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4


def _to_srgb(x: float) -> int:
    x = min(1.0, max(0.0, x))
    y = x * 12.92 if x <= 0.0031308 else 1.055 * x ** (1 / 2.4) - 0.055
    return int(y * 255 + 0.5)


def _signed_square(v: float) -> float:
    return math.copysign(v * v, v)


def decode(blurhash: str, width: int = SIZE, height: int = SIZE) -> list[tuple[int, int, int]]:
    """Pixels, row by row. Raises ValueError for a malformed blurhash."""
    if len(blurhash) < 6 or any(c not in _VALUE for c in blurhash):
        raise ValueError("not a blurhash")
    flag = _VALUE[blurhash[0]]
    nx, ny = flag % 9 + 1, flag // 9 + 1
    if len(blurhash) != 4 + 2 * nx * ny:
        raise ValueError("blurhash length does not match its size")
    scale = (_VALUE[blurhash[1]] + 1) / 166
    dc = _b83(blurhash[2:6])
    colours = [(_to_linear(dc >> 16), _to_linear((dc >> 8) & 255), _to_linear(dc & 255))]
    for i in range(1, nx * ny):
        v = _b83(blurhash[4 + 2 * i:6 + 2 * i])
        colours.append(tuple(_signed_square((q - 9) / 9) * scale
                             for q in (v // 361, (v // 19) % 19, v % 19)))
    cos_x = [[math.cos(math.pi * x * i / width) for i in range(nx)] for x in range(width)]
    cos_y = [[math.cos(math.pi * y * j / height) for j in range(ny)] for y in range(height)]
    pixels = []
    for y in range(height):
        for x in range(width):
            r = g = b = 0.0
            for j in range(ny):
                for i in range(nx):
                    basis = cos_x[x][i] * cos_y[y][j]
                    c = colours[i + j * nx]
                    r, g, b = r + c[0] * basis, g + c[1] * basis, b + c[2] * basis
            pixels.append((_to_srgb(r), _to_srgb(g), _to_srgb(b)))
    return pixels


@lru_cache(maxsize=2048)
def data_uri(blurhash: str | None) -> str:
    """data:image/png;base64,... for a blurhash, "" when there is none or it is malformed."""
    if not blurhash or len(blurhash) > 100:
        return ""
    try:
        pixels = decode(blurhash)
    except ValueError:
        return ""
    image = Image.new("RGB", (SIZE, SIZE))
    image.putdata(pixels)
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
