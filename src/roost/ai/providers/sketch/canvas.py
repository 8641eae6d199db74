"""The drawing surface shared by every subject: an RGB image, its palette and a seeded RNG."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from roost.ai.providers.sketch.palettes import RGB, Palette, mix


@dataclass
class Canvas:
    img: Image.Image
    pal: Palette
    rng: random.Random
    horizon: int                       # y of the horizon line
    water: bool = False                # the ground below the horizon is water
    colours: list[RGB] = field(default_factory=list)   # colour words from the prompt
    sun: tuple[int, int, int] | None = None            # x, y, r once drawn
    plan: Any = None                                   # the Plan being drawn
    after_sky: Callable[[Canvas], None] | None = None  # draws sun, moon, clouds behind the land

    def __post_init__(self) -> None:
        self.draw = ImageDraw.Draw(self.img)
        self.w, self.h = self.img.size

    @property
    def unit(self) -> float:
        """A length that scales with the picture (1/100 of its short side)."""
        return min(self.w, self.h) / 100

    def subject_colour(self, i: int = 0) -> RGB:
        if len(self.colours) > i:
            return self.colours[i]
        return (self.pal.accent, self.pal.accent2)[i % 2]

    def gradient(self, box: tuple[int, int, int, int], stops: list[RGB]) -> None:
        """A vertical gradient through `stops` filling box (x0, y0, x1, y1)."""
        x0, y0, x1, y1 = box
        n = max(1, y1 - y0)
        t = np.linspace(0, 1, n)[:, None]
        k = len(stops) - 1
        seg = np.minimum((t * k).astype(int), k - 1)
        local = t * k - seg
        a = np.array(stops, dtype=np.float32)[seg[:, 0]]
        b = np.array(stops, dtype=np.float32)[seg[:, 0] + 1]
        col = a + (b - a) * local
        band = np.repeat(col[:, None, :], x1 - x0, axis=1).astype(np.uint8)
        self.img.paste(Image.fromarray(band, "RGB"), (x0, y0))

    def blob(self, cx: float, cy: float, r: float, fill: RGB) -> None:
        self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)

    def ridge(self, base: float, amp: float, rough: float, fill: RGB, smooth: bool = False,
              peaks: int = 3) -> list[tuple[float, float]]:
        """A filled ridgeline from the left to the right edge down to the bottom."""
        rng = self.rng
        if smooth:
            phases = [rng.uniform(0, 6.28) for _ in range(3)]
            freqs = [rng.uniform(0.6, 1.4) * peaks / 2, rng.uniform(1.5, 3) * peaks / 2,
                     rng.uniform(4, 7)]
            pts = []
            for i in range(65):
                x = self.w * i / 64
                y = base - amp * (0.6 * math.sin(freqs[0] * i / 64 * 6.28 + phases[0])
                                  + 0.3 * math.sin(freqs[1] * i / 64 * 6.28 + phases[1])
                                  + 0.1 * math.sin(freqs[2] * i / 64 * 6.28 + phases[2]))
                pts.append((x, y))
        else:
            pts = [(0.0, base - rng.uniform(0, amp * 0.5))]
            for i in range(peaks):
                x = self.w * (i + rng.uniform(0.3, 0.7)) / peaks
                pts.append((x, base - amp * rng.uniform(0.55, 1.0)))
                if i < peaks - 1:
                    pts.append((self.w * (i + 1) / peaks, base - amp * rng.uniform(0.1, 0.4)))
            pts.append((float(self.w), base - rng.uniform(0, amp * 0.5)))
            pts = _displace(pts, rough * amp, rng, 3)
        self.draw.polygon(pts + [(self.w, self.h), (0, self.h)], fill=fill)
        return pts

    def fade(self, c: RGB, depth: float) -> RGB:
        """c pushed toward the horizon colour (aerial perspective); depth 0 near, 1 far."""
        return mix(c, self.pal.sky[2], depth * 0.65)


def _displace(pts, amp, rng, rounds):
    for _ in range(rounds):
        out = [pts[0]]
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            out.append(((x0 + x1) / 2, (y0 + y1) / 2 + rng.uniform(-amp, amp)))
            out.append((x1, y1))
        pts, amp = out, amp * 0.5
    return pts
