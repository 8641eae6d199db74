"""Finishing styles applied to a drawn picture: flat, watercolour, line-art, pixel, poster."""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageChops, ImageFilter, ImageOps


def _noise(size: tuple[int, int], cells: int, rng: random.Random) -> np.ndarray:
    """Smooth noise in [-1, 1] of `size`, from a grid of `cells` random values on the short side."""
    w, h = size
    gw, gh = max(2, cells * w // min(w, h)), max(2, cells * h // min(w, h))
    grid = np.array([rng.uniform(0, 255) for _ in range(gw * gh)], dtype=np.uint8).reshape(gh, gw)
    img = Image.fromarray(grid, "L").resize(size, Image.BICUBIC)
    return np.asarray(img, dtype=np.float32) / 127.5 - 1


def _grain(size: tuple[int, int], sigma: float, rng: random.Random) -> np.ndarray:
    """Seeded per-pixel noise (Image.effect_noise is not seeded)."""
    gen = np.random.default_rng(rng.getrandbits(32))
    return gen.normal(0, sigma, (size[1], size[0])).astype(np.float32)


def flat(img: Image.Image, rng: random.Random) -> Image.Image:
    return img


def watercolour(img: Image.Image, rng: random.Random) -> Image.Image:
    soft = Image.blend(img, img.filter(ImageFilter.GaussianBlur(img.width / 180)), 0.7)
    a = np.asarray(soft, dtype=np.float32)
    wash = _noise(img.size, 6, rng)[..., None] * 14 + _noise(img.size, 40, rng)[..., None] * 6
    a = a + wash + _grain(img.size, 3, rng)[..., None]
    a = a * 0.9 + 255 * 0.1  # pigment on white paper is lighter
    edges = np.asarray(img.convert("L").filter(ImageFilter.FIND_EDGES), dtype=np.float32)
    a -= np.clip(edges, 0, 80)[..., None] * 0.35  # pigment pools at edges
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


def line_art(img: Image.Image, rng: random.Random) -> Image.Image:
    # Shape edges only: a gradient changes by a level or two per pixel, a shape's edge by far more.
    grey = img.convert("L")
    edges = grey.filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v > 22 else 0)
    edges = edges.filter(ImageFilter.MaxFilter(3 if img.width > 400 else 1))
    paper = Image.new("RGB", img.size, (250, 246, 236))
    tint = Image.blend(paper, img, 0.28)
    ink = Image.new("RGB", img.size, (34, 32, 40))
    return Image.composite(ink, tint, edges)


def pixel(img: Image.Image, rng: random.Random) -> Image.Image:
    k = max(img.size) // 64
    small = img.resize((img.width // k, img.height // k), Image.BOX)
    small = small.quantize(24, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    return small.convert("RGB").resize(img.size, Image.NEAREST)


def poster(img: Image.Image, rng: random.Random) -> Image.Image:
    out = ImageOps.posterize(ImageOps.autocontrast(img, cutoff=1), 3)
    edges = out.convert("L").filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v > 30 else 0)
    out = Image.composite(Image.new("RGB", img.size, (25, 20, 30)), out, edges)
    grain = Image.fromarray(np.clip(128 + _grain(img.size, 24, rng), 0, 255).astype(np.uint8),
                            "L").convert("RGB")
    out = ImageChops.soft_light(out, grain)
    border = max(4, img.width // 40)
    framed = Image.new("RGB", img.size, (246, 238, 220))
    framed.paste(out.resize((img.width - 2 * border, img.height - 2 * border)), (border, border))
    return framed


STYLES = {"flat": flat, "watercolour": watercolour, "line-art": line_art, "pixel": pixel,
          "poster": poster}
