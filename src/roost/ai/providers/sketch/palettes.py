"""Named palettes (matched to prompts by embedding) and colour words."""

from __future__ import annotations

import colorsys
from dataclasses import dataclass, replace

RGB = tuple[int, int, int]


def hexrgb(h: str) -> RGB:
    h = h.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def shade(c: RGB, t: float) -> RGB:
    """t < 0 darkens, t > 0 lightens."""
    return mix(c, (0, 0, 0), -t) if t < 0 else mix(c, (255, 255, 255), t)


def hue_shift(c: RGB, dh: float) -> RGB:
    h, l, s = colorsys.rgb_to_hls(*(x / 255 for x in c))
    r, g, b = colorsys.hls_to_rgb((h + dh) % 1.0, l, s)
    return round(r * 255), round(g * 255), round(b * 255)


@dataclass(frozen=True)
class Palette:
    name: str
    description: str
    sky: tuple[RGB, RGB, RGB]   # top, middle, horizon
    far: RGB                    # distant hills, skyline
    mid: RGB
    near: RGB                   # foreground land
    water: RGB
    accent: RGB                 # subject colour
    accent2: RGB
    light: RGB                  # sun, lit windows, highlights
    ink: RGB                    # outlines, darkest shade
    night: bool = False

    def shifted(self, dh: float) -> Palette:
        if not dh:
            return self
        f = lambda c: hue_shift(c, dh)  # noqa: E731
        return replace(self, sky=tuple(map(f, self.sky)), far=f(self.far), mid=f(self.mid),
                       near=f(self.near), water=f(self.water))


def _p(name, description, sky, far, mid, near, water, accent, accent2, light, ink, night=False):
    return Palette(name, description, tuple(map(hexrgb, sky)), hexrgb(far), hexrgb(mid),
                   hexrgb(near), hexrgb(water), hexrgb(accent), hexrgb(accent2), hexrgb(light),
                   hexrgb(ink), night)


PALETTES = {p.name: p for p in [
    _p("day", "a bright sunny day, clear blue sky, daylight, summer, noon",
       ("#4d9de0", "#8cc7f0", "#d8eefa"), "#8fb9a8", "#5c9e6e", "#3f7d4e", "#2f7fb8",
       "#e4572e", "#f3a712", "#fff3b0", "#1d2d35"),
    _p("sunset", "sunset, dusk, golden hour, evening glow, warm orange and pink sky",
       ("#2e2157", "#c0466c", "#f9a55a"), "#7b3f6e", "#4f2a55", "#2a1a3a", "#6a3d78",
       "#f26b38", "#ffd166", "#ffe29a", "#1a1026"),
    _p("dawn", "dawn, sunrise, early morning, soft light, mist",
       ("#7fa6d6", "#f3c1c6", "#fde2c2"), "#b5a8c9", "#8d86b5", "#5e5a8c", "#9bb7d4",
       "#e07a8a", "#f7b267", "#fff1d6", "#2d2a4a"),
    _p("night", "night, midnight, moonlight, stars, dark sky, starry night, nocturnal",
       ("#070b24", "#15204a", "#2c3e75"), "#1f2c55", "#16213f", "#0d1428", "#1b2a52",
       "#f2c14e", "#7fd1ff", "#fdf3c4", "#03050f", True),
    _p("neon", "neon lights, cyberpunk, synthwave, vaporwave, retro futuristic, electric glow",
       ("#0b0221", "#3a0ca3", "#f72585"), "#480ca8", "#3f0d7a", "#1a0633", "#240b5e",
       "#4cc9f0", "#f72585", "#fdfd96", "#05010f", True),
    _p("pastel", "pastel, soft, cute, gentle, dreamy, kawaii, candy colours",
       ("#bde0fe", "#ffd6e8", "#fff1e6"), "#cdb4db", "#b8e0d2", "#95c8b0", "#a2d2ff",
       "#ff8fab", "#ffc8dd", "#fffbe6", "#5a4e6b"),
    _p("forest", "forest, woods, green, nature, jungle, moss, trees, spring leaves",
       ("#8ecae6", "#cfe8d5", "#eef6e4"), "#7fa77a", "#4d7c4a", "#2d5a3a", "#3c7a78",
       "#d8572a", "#f4d35e", "#fdf6d8", "#13261a"),
    _p("ocean", "ocean, sea, beach, coast, waves, tropical, turquoise water, summer holiday",
       ("#1d7fc4", "#6cc3e8", "#d9f3fb"), "#5fa8b8", "#f2d8a7", "#e9c98f", "#0f6ea8",
       "#ff6b6b", "#ffd93d", "#fffbe0", "#0b2a3c"),
    _p("autumn", "autumn, fall, harvest, rust, orange leaves, cozy, october",
       ("#e9a66b", "#f4cf9a", "#fbead0"), "#b56b45", "#8c4a2f", "#5e3323", "#5f7f8a",
       "#c8553d", "#f2a541", "#fff4d6", "#2b1a12"),
    _p("winter", "winter, snow, ice, cold, frost, christmas, snowy mountains",
       ("#9ec5e8", "#d6e6f5", "#f4f8fc"), "#b7c9dd", "#dfe9f3", "#f5f9fc", "#7aa5c9",
       "#c0392b", "#2e86ab", "#ffffff", "#23364a"),
    _p("desert", "desert, sand, dunes, dry, arid, canyon, sahara, hot",
       ("#f6bd60", "#f7d79a", "#fbeccb"), "#e3a75f", "#d48a4b", "#b8693a", "#5fa8b8",
       "#2a9d8f", "#e76f51", "#fff3d1", "#3b2314"),
    _p("monochrome", "black and white, monochrome, greyscale, ink, noir, minimal",
       ("#d9d9d9", "#ececec", "#f7f7f7"), "#a6a6a6", "#7a7a7a", "#4d4d4d", "#8c8c8c",
       "#262626", "#595959", "#ffffff", "#111111"),
]}

COLOUR_WORDS: dict[str, RGB] = {name: hexrgb(h) for name, h in {
    "red": "#d62828", "crimson": "#b1172f", "orange": "#f77f00", "yellow": "#f6c90e",
    "gold": "#e6b325", "golden": "#e6b325", "green": "#2a9d4f", "teal": "#1b998b",
    "turquoise": "#2ec4b6", "blue": "#1d66c9", "navy": "#1b2a6b", "purple": "#7b2cbf",
    "violet": "#8e5bd6", "pink": "#f472b6", "magenta": "#d63384", "brown": "#8b5a2b",
    "black": "#1c1c1c", "white": "#f5f5f5", "grey": "#8d8d8d", "gray": "#8d8d8d",
    "silver": "#c0c6cc", "ginger": "#d9782d",
}.items()}
