"""The built-in image generator: prompt-faithful flat illustrations drawn with Pillow on the CPU.

No package ships text-to-image weights, so Roost draws. The built-in embeddings choose a scene,
subjects, a palette and a style from the prompt (sketch/plan.py); the seed chooses the layout
(horizon, positions, sizes, mirror, small hue shifts). Same prompt, seed and parameters: the same
PNG, byte for byte. Drawn at twice the size and scaled down for smooth edges."""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import replace

from PIL import Image

from roost.ai.providers.base import GeneratedImage, ImageRequest, ProviderInfo
from roost.ai.providers.sketch import scenes
from roost.ai.providers.sketch.canvas import Canvas
from roost.ai.providers.sketch.objects import OBJECTS, gulls, tree
from roost.ai.providers.sketch.palettes import PALETTES, mix
from roost.ai.providers.sketch.plan import Matcher, Plan
from roost.ai.providers.sketch.styles import STYLES

INFO = ProviderInfo(name="builtin-sketch", model="roost-sketch-1", kind="builtin",
                    label="Roost built-in sketch generator")


class SketchGenerator:
    info = INFO

    def __init__(self, embedder) -> None:
        self.matcher = Matcher(embedder)

    def plan(self, prompt: str, style: str | None = None) -> Plan:
        return self.matcher.plan(prompt, style)

    def generate(self, request: ImageRequest) -> list[GeneratedImage]:
        request = request.resolved()
        plan = self.plan(request.prompt, request.style)
        width, height = request.dimensions()
        out = []
        for i in range(request.n):
            seed = (request.seed + i) % (2**31)
            img = render(plan, width, height, seed)
            buf = io.BytesIO()
            img.save(buf, "PNG", optimize=False, compress_level=6)
            params = {"scene": plan.scene, "subjects": list(plan.objects), "palette": plan.palette,
                      "style": plan.style, "aspect_ratio": request.aspect_ratio,
                      "size": request.size}
            out.append(GeneratedImage(buf.getvalue(), width, height, seed, params))
        return out


def render(plan: Plan, width: int, height: int, seed: int) -> Image.Image:
    key = f"{plan}|{width}x{height}|{seed}".encode()
    rng = random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))
    ss = 2 if max(width, height) <= 1024 else 1
    pal = PALETTES[plan.palette].shifted(rng.uniform(-0.025, 0.025))
    if plan.weather == "rain":  # overcast: greyer sky, no sun
        grey = (150, 158, 172)
        pal = replace(pal, sky=tuple(mix(c, grey, 0.6) for c in pal.sky),
                      light=mix(pal.light, grey, 0.5))
    for target, colour in plan.tints:
        if target == "@" + plan.scene:  # "purple mountains": the land takes the colour
            pal = replace(pal, far=mix(pal.far, colour, 0.55), mid=mix(pal.mid, colour, 0.45),
                          near=mix(pal.near, colour, 0.3), water=mix(pal.water, colour, 0.5))
    cv = Canvas(Image.new("RGB", (width * ss, height * ss)), pal, rng, horizon=height * ss // 2,
                colours=list(plan.colours), plan=plan)
    _compose(cv, plan)
    img = cv.img.resize((width, height), Image.LANCZOS) if ss > 1 else cv.img
    if rng.random() < 0.5:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    return STYLES[plan.style](img, rng)


BEHIND = ("sun", "moon", "rainbow", "aurora")   # sky things the land covers


def _compose(cv: Canvas, plan: Plan) -> None:
    rng, pal = cv.rng, cv.pal
    objects = list(plan.objects)
    outdoor = plan.scene not in ("abstract", "indoor", "space")
    sky_things = [o for o in objects if OBJECTS[o][1] == "sky"]
    if outdoor and "sun" not in objects and "moon" not in objects and plan.weather != "rain":
        sky_things.insert(0, "moon" if pal.night else "sun")
    if plan.scene in ("sea", "desert") and "tree" in objects:  # trees by the sea are palms
        objects[objects.index("tree")] = "palm"
    sky_things += [o for o, n in plan.many if o in sky_things for _ in range(n - 1)]
    slots = _slots(rng, max(5, len(sky_things)))

    def behind_land(cv: Canvas) -> None:
        if pal.night:
            scenes.stars(cv, 90)
        if plan.weather == "rain":
            scenes.clouds(cv, rng.randint(5, 7))
        else:
            scenes.clouds(cv, rng.randint(1, 3) if not pal.night else rng.randint(0, 1))
        for name in sky_things:
            if name in BEHIND:
                _draw_sky(cv, name, slots.pop())

    if outdoor:
        cv.after_sky = behind_land
    scenes.SCENES[plan.scene][0](cv)
    cv.after_sky = None
    scenes.reflect_sun(cv)
    if plan.scene in ("meadow", "sea", "mountains") and not pal.night and rng.random() < 0.5:
        gulls(cv, rng.randint(1, 3))
    for name in sky_things:
        if name not in BEHIND or not outdoor:
            _draw_sky(cv, name, slots.pop())
    ground = [o for o in objects if OBJECTS[o][1] != "sky"]
    ground += [o for o, n in plan.many if o in ground for _ in range(n - 1)]
    _draw_ground(cv, plan, ground, rng)
    if plan.weather or (plan.scene == "snow" and rng.random() < 0.5):
        _weather(cv, plan.weather or "snow")


def _weather(cv: Canvas, kind: str) -> None:
    rng, u = cv.rng, cv.unit
    if kind == "rain":
        colour = mix(cv.pal.sky[2], (255, 255, 255), 0.35)
        for _ in range(int(180 * cv.w * cv.h / 1024**2) + 60):
            x, y, n = rng.uniform(0, cv.w), rng.uniform(0, cv.h), rng.uniform(2.5, 5) * u
            cv.draw.line((x, y, x - n * 0.25, y + n), fill=colour, width=max(1, int(0.3 * u)))
    else:
        for _ in range(int(260 * cv.w * cv.h / 1024**2) + 60):
            cv.blob(rng.uniform(0, cv.w), rng.uniform(0, cv.h), rng.uniform(0.3, 0.8) * u,
                    (250, 252, 255))


def _colours_for(plan: Plan, name: str) -> list:
    """The colour the prompt gives this subject, else the colour words that name nothing."""
    tint = [c for target, c in plan.tints if target == name]
    return tint[:1] or list(plan.colours)


def _slots(rng: random.Random, n: int) -> list[float]:
    xs = [0.15 + 0.7 * (i + 0.5) / n + rng.uniform(-0.04, 0.04) for i in range(n)]
    rng.shuffle(xs)
    return xs


def _subject_scale(cv: Canvas) -> float:
    """Subjects scale with the short side, a little more in tall or wide pictures."""
    short, long = min(cv.w, cv.h), max(cv.w, cv.h)
    return short * (1 + 0.35 * (long / short - 1))


def _draw_sky(cv: Canvas, name: str, x: float) -> None:
    fn, _, rel, _ = OBJECTS[name]
    cv.colours = _colours_for(cv.plan, name)
    several = any(name == m for m, _ in cv.plan.many)
    s = _subject_scale(cv) * rel * cv.rng.uniform(0.85, 1.15) * (0.7 if several else 1)
    if name == "rainbow":
        fn(cv, cv.w * cv.rng.uniform(0.35, 0.65), cv.horizon, cv.w * cv.rng.uniform(0.4, 0.55))
        return
    top = s * 0.7
    bottom = max(top + 1, min(cv.horizon - s * 0.9, cv.horizon * 0.7))
    row = int(x * 997) % 3  # slots also stagger in height, so a crowded sky spreads out
    y = top + (bottom - top) * (row + cv.rng.uniform(0.1, 0.9)) / 3
    fn(cv, cv.w * x, y, s)


def _draw_ground(cv: Canvas, plan: Plan, objects: list[str], rng: random.Random) -> None:
    if not objects:
        if plan.scene == "meadow":  # an empty meadow gets a few trees
            for k in range(rng.randint(1, 3)):
                tree(cv, cv.w * rng.uniform(0.1, 0.9), cv.horizon - cv.h * rng.uniform(0.02, 0.1),
                     cv.h * rng.uniform(0.12, 0.22))
        return
    short = _subject_scale(cv)
    on_land = [o for o in objects if OBJECTS[o][1] in ("ground", "table")]
    afloat = [o for o in objects if OBJECTS[o][1] == "water"]
    if cv.water and on_land:  # a shore in front for things that stand
        shore = cv.pal.mid if cv.pal.name == "ocean" else (226, 200, 150)
        cv.ridge(cv.h * 0.9, cv.h * 0.04, 0, shore, smooth=True, peaks=1)
    if afloat and not cv.water:  # a boat needs water: a lake in front
        top = cv.horizon + (cv.h - cv.horizon) * 0.15
        cv.gradient((0, int(top), cv.w, cv.h), [mix(cv.pal.water, cv.pal.sky[2], 0.3),
                                                 cv.pal.water])
        for _ in range(12):
            y, x = cv.rng.uniform(top, cv.h), cv.rng.uniform(0, cv.w)
            cv.draw.line((x, y, x + cv.unit * cv.rng.uniform(4, 12), y),
                         fill=mix(cv.pal.water, (255, 255, 255), 0.3), width=max(1, int(cv.unit / 3)))
        cv.horizon, cv.water = int(top), True
    for name in afloat:
        fn, _, rel, _ = OBJECTS[name]
        cv.colours = _colours_for(plan, name)
        y = cv.horizon + (cv.h - cv.horizon) * rng.uniform(0.25, 0.5)
        fn(cv, cv.w * rng.uniform(0.25, 0.75), y, short * rel * rng.uniform(0.9, 1.2))
    if not on_land:
        return
    base_y = cv.h * 0.93 if cv.water else cv.horizon
    n = len(on_land)
    xs = [(i + 0.5) / n for i in range(n)]
    if n == 1:
        xs = [rng.choice((0.35, 0.5, 0.65))]
    order = sorted(range(n), key=lambda i: -OBJECTS[on_land[i]][2])  # big things behind
    for i in order:
        name = on_land[i]
        fn, _, rel, _ = OBJECTS[name]
        hero = (1.25 if i == 0 else 1.0) * (1.4 if plan.scene == "indoor" else 1.0)
        cv.colours = _colours_for(plan, name)
        s = short * rel * hero * rng.uniform(0.85, 1.1) * (0.8 if n > 2 else 1)
        x = cv.w * (xs[i] + rng.uniform(-0.06, 0.06))
        fn(cv, x, base_y + rng.uniform(0, 0.02) * cv.h, s)
