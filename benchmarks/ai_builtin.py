"""Throughput of the built-in AI providers, in-process on this machine.

    PYTHONPATH=src .venv/bin/python benchmarks/ai_builtin.py [--seconds 5] [--json out.json]

Images per second from the sketch generator at 512 px (one image per request, and n=4 per
request), for the flat style and for every style; embeddings per second (batches of 64, and one
sentence at a time). Each figure runs for about --seconds after one warm-up call; the model loads
before timing starts. Prints the load average, the commit and a markdown table."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from datetime import datetime, timezone

from roost.ai.providers.base import STYLES, ImageRequest
from roost.ai.providers.builtin_embeddings import BuiltinEmbedder
from roost.ai.providers.builtin_sketch import SketchGenerator

PROMPTS = ["a cat under a tree at sunset", "a sailboat on a lake in the mountains",
           "city skyline at night", "a cup of coffee on a table", "a rocket in space",
           "red flowers in a meadow", "a lighthouse by the sea", "a cabin in the snowy woods"]
SENTENCES = [f"{p}, photo number {i} from my holiday" for i in range(8) for p in PROMPTS]


def rate(fn, units_per_call: int, seconds: float) -> tuple[float, float]:
    """(units per second, ms per call)"""
    fn(0)
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn(calls)
        calls += 1
    elapsed = time.perf_counter() - start
    return calls * units_per_call / elapsed, elapsed / calls * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--json")
    args = ap.parse_args()
    emb = BuiltinEmbedder()
    gen = SketchGenerator(emb)
    emb.embed(["warm up"])
    rows = []

    def images(n, style=None):
        return lambda i: gen.generate(ImageRequest(PROMPTS[i % len(PROMPTS)], n=n, seed=i,
                                                   style=style, size=512))

    for label, n, style in [("images, n=1, flat", 1, "flat"), ("images, n=4, flat", 4, "flat"),
                            ("images, n=1, style from the prompt", 1, None)] + \
            [(f"images, n=4, {s}", 4, s) for s in STYLES if s != "flat"]:
        per_s, ms = rate(images(n, style), n, args.seconds)
        rows.append((label, "images/s", per_s, ms))
    batch = SENTENCES[:64]
    per_s, ms = rate(lambda i: emb.embed(batch), len(batch), args.seconds)
    rows.append(("embeddings, batches of 64", "sentences/s", per_s, ms))
    per_s, ms = rate(lambda i: emb.embed([SENTENCES[i % len(SENTENCES)]]), 1, args.seconds)
    rows.append(("embeddings, one at a time", "sentences/s", per_s, ms))

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    load = os.getloadavg()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, {os.cpu_count()} CPUs")
    print("| what | rate | ms per call |\n| --- | --- | --- |")
    for label, unit, per_s, ms in rows:
        print(f"| {label} | {per_s:.1f} {unit} | {ms:.1f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"commit": commit, "load": load, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
