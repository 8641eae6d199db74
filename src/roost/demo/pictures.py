"""Pictures for the demo, drawn with Pillow: simple landscapes and abstracts, each with alt text.

Every drawing takes a `random.Random`, so the same seed draws the same pictures."""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

W, H = 960, 640
RGB = tuple[int, int, int]


@dataclass
class Picture:
    image: Image.Image
    alt: str
    text: str     # what the post says
    topic: str    # who is likely to post it

    def jpeg(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, "JPEG", quality=85)
        return out.getvalue()


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def gradient(draw: ImageDraw.ImageDraw, top: RGB, bottom: RGB, y0: int = 0, y1: int = H) -> None:
    for y in range(y0, y1):
        draw.line([(0, y), (W, y)], fill=mix(top, bottom, (y - y0) / max(1, y1 - y0 - 1)))


def ridge(rng: random.Random, base: float, amplitude: float, waves: int = 4) -> list[tuple[float, float]]:
    """A mountain or hill line as a closed polygon down to the bottom edge."""
    phases = [(rng.uniform(0.5, 3.5) * (i + 1), rng.uniform(0, math.tau), amplitude / (i + 1.3))
              for i in range(waves)]
    points = [(x, base - sum(a * math.sin(f * x / W * math.pi + p) for f, p, a in phases))
              for x in range(0, W + 16, 16)]
    return [(0, H), *points, (W, H)]


def sun(img: Image.Image, x: int, y: int, r: int, colour: RGB) -> None:
    glow = Image.new("RGBA", img.size, (0, 0, 0, 0))
    g = ImageDraw.Draw(glow)
    for i in range(6, 0, -1):
        rr = r + i * r // 4
        g.ellipse([x - rr, y - rr, x + rr, y + rr], fill=(*colour, 18))
    g.ellipse([x - r, y - r, x + r, y + r], fill=(*colour, 255))
    img.paste(Image.alpha_composite(img.convert("RGBA"), glow).convert("RGB"))


def mountains_at_sunset(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    gradient(d, (38, 42, 92), (250, 170, 110))
    sun(img, rng.randint(300, 660), 380, 60, (255, 222, 160))
    d = ImageDraw.Draw(img)
    for i, colour in enumerate([(120, 84, 120), (84, 60, 100), (52, 40, 74), (30, 24, 48)]):
        d.polygon(ridge(rng, 380 + i * 70, 90 - i * 12), fill=colour)
    return Picture(img, "Layered mountain ridges in purple silhouettes under an orange sunset sky, "
                   "with a pale sun sinking between the peaks.",
                   "Last light over the ridges tonight. #photography #mountains", "photo")


def night_sky(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    gradient(d, (6, 10, 30), (28, 44, 90))
    for _ in range(420):
        x, y, b = rng.randrange(W), rng.randrange(int(H * 0.75)), rng.randint(120, 255)
        s = rng.choice([0, 0, 0, 1])
        d.ellipse([x - s, y - s, x + s, y + s], fill=(b, b, min(255, b + 20)))
    d.ellipse([720, 90, 790, 160], fill=(240, 236, 210))
    d.ellipse([740, 82, 810, 152], fill=(10, 16, 40))
    d.polygon(ridge(rng, 540, 40), fill=(8, 12, 20))
    return Picture(img, "A deep blue night sky full of white stars above a black line of hills, "
                   "with a thin crescent moon in the upper right.",
                   "Dark sky site, no moon to speak of, stars down to the horizon. #astronomy #nightsky",
                   "astro")


def sailing(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    gradient(d, (150, 200, 235), (225, 240, 250), 0, 380)
    gradient(d, (40, 110, 160), (16, 60, 100), 380, H)
    for y in range(395, H, 14):
        for x in range(rng.randrange(40), W, rng.randint(70, 130)):
            d.arc([x, y, x + 40, y + 10], 200, 340, fill=(190, 220, 240), width=2)
    x = rng.randint(260, 620)
    d.polygon([(x, 250), (x, 370), (x + 80, 370)], fill=(250, 250, 245))
    d.polygon([(x - 4, 270), (x - 4, 370), (x - 60, 370)], fill=(235, 120, 90))
    d.polygon([(x - 70, 376), (x + 95, 376), (x + 70, 400), (x - 50, 400)], fill=(60, 50, 45))
    return Picture(img, "A small sailing boat with a white mainsail and a red jib on a choppy blue "
                   "lake under a pale sky.",
                   "Perfect breeze on the lake this afternoon. #sailing", "sea")


def meadow(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    gradient(d, (110, 170, 230), (200, 230, 250), 0, 360)
    d.polygon(ridge(rng, 300, 30), fill=(110, 160, 90))
    d.polygon(ridge(rng, 360, 20), fill=(90, 150, 70))
    colours = [(240, 200, 60), (230, 90, 110), (250, 250, 250), (160, 110, 210), (250, 150, 60)]
    for _ in range(900):
        y = rng.randint(330, H)
        x = rng.randrange(W)
        r = 1 + (y - 330) // 60
        d.ellipse([x - r, y - r, x + r, y + r], fill=rng.choice(colours))
    return Picture(img, "A green meadow scattered with yellow, pink, white and purple wildflowers "
                   "under a clear blue sky, with soft hills behind.",
                   "Left a corner of the garden unmown and look what happened. #gardening #wildflowers",
                   "garden")


def dunes(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    gradient(d, (240, 180, 120), (252, 226, 180), 0, 380)
    for i, colour in enumerate([(226, 160, 100), (210, 132, 80), (184, 104, 62), (150, 80, 50)]):
        d.polygon(ridge(rng, 320 + i * 80, 50, waves=2), fill=colour)
    return Picture(img, "Soft orange sand dunes in layers of deepening colour under a warm, hazy sky.",
                   "Walked out to the dunes at dawn. Nothing but wind and sand. #hiking #travel",
                   "hike")


def forest(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    gradient(d, (200, 220, 215), (235, 240, 230))
    for row, colour in enumerate([(150, 180, 165), (100, 140, 120), (60, 100, 80), (30, 66, 50)]):
        base = 300 + row * 95
        for _ in range(18 + row * 4):
            x = rng.randrange(-40, W + 40)
            h = rng.randint(120, 220) + row * 30
            w = h // 3
            d.polygon([(x, base - h), (x - w, base + 10), (x + w, base + 10)], fill=colour)
        d.rectangle([0, base + 8, W, H], fill=colour)
    return Picture(img, "Rows of triangular pine trees fading into mist, dark green in front and "
                   "pale grey-green in the distance.",
                   "Misty morning in the pines. Everything smelled of resin. #hiking #forest", "hike")


def circles(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H), (244, 238, 226))
    d = ImageDraw.Draw(img)
    palette = [(230, 80, 60), (30, 60, 120), (245, 190, 50), (40, 140, 130), (20, 20, 30)]
    for _ in range(14):
        r = rng.randint(30, 170)
        x, y = rng.randint(0, W), rng.randint(0, H)
        d.ellipse([x - r, y - r, x + r, y + r], fill=rng.choice(palette))
    for _ in range(6):
        x = rng.randint(0, W)
        d.line([(x, 0), (x + rng.randint(-200, 200), H)], fill=(20, 20, 30), width=4)
    return Picture(img, "An abstract composition of overlapping red, navy, yellow and teal circles "
                   "crossed by thin black lines on a cream background.",
                   "Playing with shapes in the sketchbook today. #art #abstract", "craft")


def bands(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    a, b = (rng.randint(20, 80), rng.randint(60, 120), rng.randint(120, 200)), (250, 200, 160)
    y = 0
    while y < H:
        h = rng.randint(20, 90)
        d.rectangle([0, y, W, y + h], fill=mix(a, b, y / H))
        y += h
    return Picture(img.filter(ImageFilter.GaussianBlur(6)), "Soft horizontal bands of colour "
                   "blending from deep blue at the top to peach at the bottom, like a blurred horizon.",
                   "Tried to paint the sky exactly as it was at 6:12 this morning. #art", "craft")


def lake(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    gradient(d, (255, 180, 150), (255, 225, 190), 0, 400)
    d.polygon(ridge(rng, 330, 60), fill=(70, 80, 110))
    top = img.crop((0, 0, W, 360)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    top = Image.blend(top, Image.new("RGB", top.size, (60, 90, 130)), 0.35)
    img.paste(top.resize((W, H - 360)), (0, 360))
    d = ImageDraw.Draw(img)
    for y in range(370, H, 9):
        x = rng.randrange(W)
        d.line([(x, y), (x + rng.randint(20, 90), y)], fill=(255, 220, 200), width=1)
    return Picture(img, "A still lake reflecting blue-grey mountains and a peach-coloured dawn sky, "
                   "with faint ripples of light on the water.",
                   "The lake was a mirror this morning. #photography #lake", "photo")


def aurora(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    gradient(d, (4, 10, 24), (16, 36, 52))
    glow = Image.new("RGB", (W, H))
    g = ImageDraw.Draw(glow)
    for i in range(3):
        pts = ridge(rng, 220 + i * 60, 50)[1:-1]
        g.line(pts, fill=(40, 220 - i * 40, 140 + i * 30), width=40 - i * 8)
    img = Image.blend(img, glow.filter(ImageFilter.GaussianBlur(18)), 0.6)
    d = ImageDraw.Draw(img)
    for _ in range(160):
        x, y = rng.randrange(W), rng.randrange(400)
        d.point((x, y), fill=(230, 230, 255))
    d.polygon(ridge(rng, 520, 35), fill=(4, 8, 12))
    return Picture(img, "Green and teal ribbons of the northern lights glowing above a dark line "
                   "of hills in a starry night sky.",
                   "Aurora alert was right for once! Stood in the cold for an hour, no regrets. #aurora #astronomy",
                   "astro")


def skyline(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    gradient(d, (250, 140, 90), (120, 70, 120))
    x = 0
    while x < W:
        w, h = rng.randint(40, 110), rng.randint(120, 380)
        d.rectangle([x, H - h, x + w, H], fill=(40, 30, 50))
        for wy in range(H - h + 14, H - 10, 22):
            for wx in range(x + 8, x + w - 8, 16):
                if rng.random() < 0.35:
                    d.rectangle([wx, wy, wx + 6, wy + 9], fill=(250, 210, 120))
        x += w + rng.randint(2, 10)
    return Picture(img, "A city skyline of dark rectangular buildings with scattered lit yellow "
                   "windows against a sunset sky fading from orange to purple.",
                   "Evening from the bridge. The city switching its lights on one window at a time. #cities",
                   "city")


def hills(rng: random.Random) -> Picture:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    gradient(d, (140, 190, 240), (230, 240, 250), 0, 380)
    sun(img, rng.randint(120, 840), 110, 40, (255, 245, 200))
    d = ImageDraw.Draw(img)
    for i, colour in enumerate([(150, 190, 120), (120, 170, 90), (90, 145, 70), (66, 120, 56)]):
        d.polygon(ridge(rng, 320 + i * 75, 35, waves=3), fill=colour)
    for _ in range(5):
        x, y = rng.randint(60, 900), rng.randint(60, 200)
        for dx in (0, 30, 60):
            d.ellipse([x + dx - 30, y - 18, x + dx + 30, y + 18], fill=(250, 252, 255))
    return Picture(img, "Rolling green hills in four layers under a bright blue sky with a few "
                   "puffy white clouds and a pale sun.",
                   "Cycled out past the last bus stop and found this. #cycling #countryside", "bike")


DRAWINGS: list[Callable[[random.Random], Picture]] = [
    mountains_at_sunset, night_sky, sailing, meadow, dunes, forest,
    circles, bands, lake, aurora, skyline, hills,
]


def draw_all(rng: random.Random) -> list[Picture]:
    return [draw(rng) for draw in DRAWINGS]


def avatar(rng: random.Random, initial: str) -> bytes:
    """A 256x256 avatar: two soft colours and a circle (no text, so no font needed)."""
    a = (rng.randint(60, 220), rng.randint(60, 220), rng.randint(60, 220))
    b = (255 - a[0] // 2, 255 - a[1] // 2, 255 - a[2] // 2)
    img = Image.new("RGB", (256, 256), a)
    d = ImageDraw.Draw(img)
    offset = (sum(map(ord, initial)) % 5) * 12
    d.ellipse([48 + offset, 40, 208 + offset // 2, 200], fill=b)
    d.rectangle([0, 200, 256, 256], fill=mix(a, (0, 0, 0), 0.3))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()
