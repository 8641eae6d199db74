"""Animated WebP and APNG: re-encoded frame by frame, without metadata, keeping every frame, its
duration and the loop count. (Animated GIFs are copied block by block instead: gif.py.)

Unlike a GIF's blocks, these frames must be decoded, so bombs are refused from the header before
any pixel is decoded: at most MAX_FRAMES frames, MAX_SIDE pixels a side and a pixel budget for
all frames together (each decoded frame is kept until the encode)."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image, ImageSequence

from roost.kit.errors import Invalid

MAX_FRAMES = 1000
MAX_SIDE = 3840
DEFAULT_DURATION_MS = 100


def is_animated(im: Image.Image) -> bool:
    return im.format in ("WEBP", "PNG") and getattr(im, "n_frames", 1) > 1


def check(im: Image.Image, *, pixel_budget: int) -> None:
    w, h = im.size
    frames = getattr(im, "n_frames", 1)
    kind = "Animated WebP" if im.format == "WEBP" else "Animated PNG"
    if max(w, h) > MAX_SIDE:
        raise Invalid(f"{kind} images may be at most {MAX_SIDE} pixels on a side")
    if frames > MAX_FRAMES:
        raise Invalid(f"{kind} images may have at most {MAX_FRAMES} frames")
    if w * h * frames > pixel_budget:
        raise Invalid(f"{kind} is too large ({frames} frames of {w}x{h}; at most "
                      f"{pixel_budget:,} pixels in all frames together)")


def reencode(im: Image.Image, to_rgb: Callable[[Image.Image], Image.Image]) -> tuple[bytes, str]:
    """(bytes, ext): every frame through `to_rgb` (sRGB pixels, no metadata), same durations and
    loop count, in the source's format."""
    frames: list[Image.Image] = []
    durations: list[int] = []
    loop = int(im.info.get("loop", 0) or 0)
    for frame in ImageSequence.Iterator(im):
        frames.append(to_rgb(frame))
        duration = frame.info.get("duration")
        durations.append(int(duration) if duration else DEFAULT_DURATION_MS)
    mode = "RGBA" if any(f.mode == "RGBA" for f in frames) else "RGB"
    frames = [f if f.mode == mode else f.convert(mode) for f in frames]
    for f in frames:
        f.info = {}
    buf = io.BytesIO()
    if im.format == "WEBP":
        frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:], duration=durations,
                       loop=loop, quality=88, method=4)
        return buf.getvalue(), "webp"
    frames[0].save(buf, "PNG", save_all=True, append_images=frames[1:], duration=durations,
                   loop=loop, compress_level=6)
    return buf.getvalue(), "png"
