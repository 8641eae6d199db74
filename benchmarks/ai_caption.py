"""Throughput of the built-in captioner (alt text), in-process on this machine.

    PYTHONPATH=src .venv/bin/python benchmarks/ai_caption.py [--seconds 5] [--json out.json]

Times, on images drawn here with Pillow (no files needed): a whole caption (tags + OCR +
colours) for a 1024x768 picture without text and for a 640x240 sign with text; the classifier
alone (EfficientNet-lite0 in numpy, 224x224); OCR alone on the sign and on the picture (where
detection finds nothing); model loading in a fresh captioner. Each figure runs for about
--seconds after one warm-up call. Prints the load average, the commit and a markdown table."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import time
from datetime import datetime, timezone

from PIL import Image, ImageDraw, ImageFont

from roost.ai.providers.builtin_caption import BuiltinCaptioner

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def picture(size: tuple[int, int] = (1024, 768)) -> Image.Image:
    """A landscape-like picture: sky gradient, hills, a sun; no text."""
    w, h = size
    im = Image.new("RGB", size)
    d = ImageDraw.Draw(im)
    for y in range(h):
        d.line([(0, y), (w, y)], fill=(80 + y * 100 // h, 140 + y * 60 // h, 230))
    d.polygon([(0, h), (0, h * 2 // 3), (w // 3, h // 2), (w * 2 // 3, h * 3 // 4), (w, h // 2),
               (w, h)], fill=(50, 130, 60))
    d.ellipse([w * 3 // 4, h // 10, w * 3 // 4 + h // 8, h // 10 + h // 8], fill=(250, 220, 90))
    return im


def sign(size: tuple[int, int] = (640, 240)) -> Image.Image:
    im = Image.new("RGB", size, (240, 130, 20))
    try:
        font = ImageFont.truetype(FONT, size[1] // 4)
    except OSError:
        font = ImageFont.load_default(size=size[1] // 4)
    ImageDraw.Draw(im).text((size[0] // 16, size[1] // 3), "OPEN 24 HOURS", fill="black", font=font)
    return im


def png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def rate(fn, seconds: float) -> tuple[float, float]:
    """(calls per second, ms per call)"""
    fn()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        calls += 1
    elapsed = time.perf_counter() - start
    return calls / elapsed, elapsed / calls * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--json")
    args = ap.parse_args()
    start = time.perf_counter()
    cap = BuiltinCaptioner()
    cap._load()
    load_ms = (time.perf_counter() - start) * 1000
    pic, board = picture(), sign()
    pic_png, board_png = png(pic), png(board)
    square = pic.resize((224, 224))
    print("caption of the picture:", cap.describe(pic_png))
    print("caption of the sign:", cap.describe(board_png))
    rows = [("load the models (fresh captioner)", None, load_ms)]
    for label, fn in [
        ("caption, 1024x768 picture, no text", lambda: cap.describe(pic_png)),
        ("caption, 640x240 sign with text", lambda: cap.describe(board_png)),
        ("classifier only (EfficientNet-lite0, numpy, 224x224)", lambda: cap.tags(square)),
        ("OCR only, 640x240 sign", lambda: cap.text(board)),
        ("OCR only, 1024x768 picture (nothing found)", lambda: cap.text(pic)),
    ]:
        per_s, ms = rate(fn, args.seconds)
        rows.append((label, per_s, ms))

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    load = os.getloadavg()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, {os.cpu_count()} CPUs")
    print("| what | per second | ms per call |\n| --- | --- | --- |")
    for label, per_s, ms in rows:
        print(f"| {label} | {'' if per_s is None else f'{per_s:.2f}'} | {ms:.0f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"commit": commit, "load": load, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
