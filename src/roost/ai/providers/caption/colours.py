"""Name the colours that cover most of an image."""

from __future__ import annotations

import numpy as np

MIN_SHARE = 0.18   # a colour must cover this much of the picture to be named
# hue ranges in degrees (start inclusive) -> name; red wraps around 0
_HUES = [(0, "red"), (15, "orange"), (42, "yellow"), (70, "green"), (165, "teal"),
         (190, "blue"), (255, "purple"), (290, "pink"), (335, "red")]


def pixel_names(rgb: np.ndarray) -> np.ndarray:
    """One colour name per pixel (an array of str), from simple HSV rules."""
    x = rgb.reshape(-1, 3).astype(np.float32) / 255.0
    mx, mn = x.max(axis=1), x.min(axis=1)
    v, c = mx, mx - mn
    s = np.where(mx > 0, c / np.maximum(mx, 1e-6), 0.0)
    r, g, b = x[:, 0], x[:, 1], x[:, 2]
    safe = np.maximum(c, 1e-6)
    h = np.where(mx == r, ((g - b) / safe) % 6, np.where(mx == g, (b - r) / safe + 2,
                                                            (r - g) / safe + 4)) * 60.0
    names = np.empty(len(x), dtype=object)
    starts = np.array([a for a, _ in _HUES])
    hue_names = np.array([n for _, n in _HUES], dtype=object)
    names[:] = hue_names[np.searchsorted(starts, h, side="right") - 1]
    warm = (h < 42) | (h >= 335)
    names[warm & (v < 0.6) & (s > 0.25) & (h >= 8) & (h < 42)] = "brown"
    names[(s < 0.15) | (c < 0.08)] = "grey"
    names[(v > 0.88) & (s < 0.12)] = "white"
    names[v < 0.18] = "black"
    return names


def dominant(rgb: np.ndarray, most: int = 2) -> list[str]:
    """Up to `most` colour names, largest share first, each covering at least MIN_SHARE."""
    names, counts = np.unique(pixel_names(rgb), return_counts=True)
    order = np.argsort(-counts)
    total = counts.sum()
    return [str(names[i]) for i in order[:most] if counts[i] / total >= MIN_SHARE]
