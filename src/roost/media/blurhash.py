"""BlurHash encoder (https://github.com/woltapp/blurhash): a few DCT components of an image,
quantised and written in base 83. Run it on a tiny thumbnail: the cost is pixels x components."""

from __future__ import annotations

import math
from collections.abc import Sequence

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"

_TO_LINEAR = [(v / 12.92) if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
              for v in (i / 255 for i in range(256))]


def base83(value: int, length: int) -> str:
    out = []
    for i in range(1, length + 1):
        digit = (value // 83 ** (length - i)) % 83
        out.append(ALPHABET[digit])
    return "".join(out)


def to_srgb(value: float) -> int:
    v = min(max(value, 0.0), 1.0)
    if v <= 0.0031308:
        return int(v * 12.92 * 255 + 0.5)
    return int((1.055 * v ** (1 / 2.4) - 0.055) * 255 + 0.5)


def _sign_pow(value: float, exp: float) -> float:
    return math.copysign(abs(value) ** exp, value)


def encode(pixels: Sequence[tuple[int, int, int]], width: int, height: int,
           x_components: int = 4, y_components: int = 3) -> str:
    """`pixels`: width*height RGB tuples, row by row (from an RGB image's tobytes())."""
    if not (1 <= x_components <= 9 and 1 <= y_components <= 9):
        raise ValueError("components must be between 1 and 9")
    if width < 1 or height < 1 or len(pixels) != width * height:
        raise ValueError("pixels do not match the size")
    linear = [(_TO_LINEAR[r], _TO_LINEAR[g], _TO_LINEAR[b]) for r, g, b in pixels]
    cos_x = [[math.cos(math.pi * i * x / width) for x in range(width)] for i in range(x_components)]
    cos_y = [[math.cos(math.pi * j * y / height) for y in range(height)] for j in range(y_components)]

    factors: list[tuple[float, float, float]] = []
    for j in range(y_components):
        for i in range(x_components):
            norm = (1 if i == 0 and j == 0 else 2) / (width * height)
            r = g = b = 0.0
            cx, cy = cos_x[i], cos_y[j]
            for y in range(height):
                row = y * width
                wy = cy[y]
                for x in range(width):
                    w = cx[x] * wy
                    pr, pg, pb = linear[row + x]
                    r += w * pr
                    g += w * pg
                    b += w * pb
            factors.append((r * norm, g * norm, b * norm))

    dc, ac = factors[0], factors[1:]
    out = [base83((x_components - 1) + (y_components - 1) * 9, 1)]
    if ac:
        actual_max = max(abs(c) for f in ac for c in f)
        quantised = max(0, min(82, int(math.floor(actual_max * 166 - 0.5))))
        max_value = (quantised + 1) / 166
        out.append(base83(quantised, 1))
    else:
        max_value = 1.0
        out.append(base83(0, 1))
    out.append(base83((to_srgb(dc[0]) << 16) + (to_srgb(dc[1]) << 8) + to_srgb(dc[2]), 4))
    for f in ac:
        q = [max(0, min(18, int(math.floor(_sign_pow(c / max_value, 0.5) * 9 + 9.5)))) for c in f]
        out.append(base83(q[0] * 19 * 19 + q[1] * 19 + q[2], 2))
    return "".join(out)
