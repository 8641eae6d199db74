"""Backgrounds: each sets the horizon and draws the land, water or room below the sky."""

from __future__ import annotations

import math

from roost.ai.providers.sketch.canvas import Canvas
from roost.ai.providers.sketch.palettes import mix, shade


def sky(cv: Canvas, top: int | None = None) -> None:
    end = top if top is not None else cv.horizon + 2
    cv.gradient((0, 0, cv.w, end), list(cv.pal.sky))
    cv.draw.rectangle((0, end, cv.w, cv.h), fill=cv.pal.sky[2])
    if cv.after_sky is not None:
        cv.after_sky(cv)


def clouds(cv: Canvas, count: int) -> None:
    rng, u = cv.rng, cv.unit
    col = mix(cv.pal.sky[2], (255, 255, 255), 0.55 if not cv.pal.night else 0.1)
    for _ in range(count):
        cx, cy = rng.uniform(0, cv.w), rng.uniform(cv.h * 0.08, cv.horizon * 0.6)
        r = rng.uniform(5, 9) * u
        for dx, dy, k in ((-1.2, 0.3, 0.7), (0, 0, 1), (1.1, 0.25, 0.75), (0.5, -0.45, 0.7)):
            cv.blob(cx + dx * r, cy + dy * r, r * k, col)
        cv.draw.rectangle((cx - 1.9 * r, cy + 0.25 * r, cx + 1.8 * r, cy + 0.95 * r), fill=col)


def stars(cv: Canvas, count: int) -> None:
    rng, u = cv.rng, cv.unit
    for _ in range(count):
        x, y = rng.uniform(0, cv.w), rng.uniform(0, cv.horizon * 0.85)
        r = rng.choice((0.25, 0.35, 0.5, 0.8)) * u
        c = mix(cv.pal.light, (255, 255, 255), rng.random() * 0.5)
        if r > 0.6 * u:
            cv.draw.polygon([(x, y - 3 * r), (x + r * 0.6, y), (x, y + 3 * r), (x - r * 0.6, y)],
                            fill=c)
            cv.draw.polygon([(x - 3 * r, y), (x, y - r * 0.6), (x + 3 * r, y), (x, y + r * 0.6)],
                            fill=c)
        else:
            cv.blob(x, y, r, c)


def _land(cv: Canvas, frac: float) -> None:
    cv.horizon = int(cv.h * frac)
    sky(cv)


def meadow(cv: Canvas) -> None:
    _land(cv, cv.rng.uniform(0.55, 0.68))
    p = cv.pal
    cv.ridge(cv.horizon, cv.h * 0.06, 0, cv.fade(p.mid, 0.6), smooth=True)
    cv.ridge(cv.horizon + cv.h * 0.08, cv.h * 0.07, 0, cv.fade(p.mid, 0.2), smooth=True)
    cv.ridge(cv.horizon + cv.h * 0.2, cv.h * 0.06, 0, p.near, smooth=True, peaks=2)
    cv.horizon += int(cv.h * 0.14)  # objects stand on the front hill


def mountains(cv: Canvas) -> None:
    _land(cv, cv.rng.uniform(0.6, 0.72))
    p, h = cv.pal, cv.h
    snow = mix(p.light, (255, 255, 255), 0.6)
    layers = cv.rng.choice((2, 3))
    for i in range(layers):
        depth = 1 - i / layers
        base = cv.horizon + h * 0.04 * i
        amp = h * (0.38 - 0.09 * i)
        colour = cv.fade(shade(p.far, -0.25 * i), depth * 0.8)
        pts = cv.ridge(base, amp, 0.35, colour, peaks=cv.rng.choice((2, 3, 4)) - (i == 2))
        if i == 0:
            _snowcaps(cv, pts, base - amp * 0.7, cv.fade(snow, 0.3))
    cv.ridge(cv.horizon + h * 0.14, h * 0.05, 0, p.near, smooth=True)
    cv.horizon += int(h * 0.17)


def _snowcaps(cv: Canvas, pts, line, colour) -> None:
    for j in range(1, len(pts) - 1):
        x, y = pts[j]
        if y < line and y <= pts[j - 1][1] and y <= pts[j + 1][1]:
            d = (line - y) * 0.6
            cv.draw.polygon([(x, y), (x + d * 0.8, y + d), (x + d * 0.3, y + d * 0.8),
                             (x, y + d * 1.05), (x - d * 0.35, y + d * 0.8),
                             (x - d * 0.8, y + d)], fill=colour)


def sea(cv: Canvas) -> None:
    cv.horizon = int(cv.h * cv.rng.uniform(0.5, 0.62))
    cv.water = True
    sky(cv)
    p, rng, u = cv.pal, cv.rng, cv.unit
    backdrop = cv.plan.backdrop if cv.plan is not None else None
    if backdrop == "mountains":
        pts = cv.ridge(cv.horizon, cv.h * 0.3, 0.35, cv.fade(p.far, 0.5), peaks=rng.choice((2, 3)))
        _snowcaps(cv, pts, cv.horizon - cv.h * 0.2, cv.fade(p.light, 0.2))
        cv.ridge(cv.horizon, cv.h * 0.12, 0.3, cv.fade(shade(p.far, -0.2), 0.2), peaks=4)
    elif backdrop == "city":
        skyline(cv, cv.horizon, 0.3)
    elif backdrop == "forest":
        x = 0.0
        while x < cv.w:
            pine(cv, x, cv.horizon, cv.h * rng.uniform(0.08, 0.14), cv.fade(p.mid, 0.3))
            x += cv.h * rng.uniform(0.03, 0.05)
    elif rng.random() < 0.5:  # a distant headland
        x0 = rng.choice((-0.1, 0.55)) * cv.w
        cv.draw.chord((x0, cv.horizon - cv.h * 0.06, x0 + cv.w * rng.uniform(0.35, 0.55),
                       cv.horizon + cv.h * 0.06), 180, 360, fill=cv.fade(p.far, 0.5))
    cv.gradient((0, cv.horizon, cv.w, cv.h),
                [mix(p.water, p.sky[2], 0.35), p.water, shade(p.water, -0.35)])
    for k in range(int(26 * cv.h / cv.w) + 10):
        y = cv.horizon + (cv.h - cv.horizon) * (k / 30) ** 1.4 + rng.uniform(0, 3 * u)
        x0 = rng.uniform(-0.2, 0.9) * cv.w
        length = rng.uniform(6, 22) * u * (0.4 + (y - cv.horizon) / cv.h)
        colour = mix(p.water, (255, 255, 255), 0.35)
        wave = [(x0 + length * t / 8, y + math.sin(t / 8 * 6.28) * 0.6 * u) for t in range(9)]
        cv.draw.line(wave, fill=colour, width=max(1, int(0.4 * u)))
    if rng.random() < 0.5 and cv.h >= cv.w * 0.7:  # a beach in front
        cv.ridge(cv.h * 0.93, cv.h * 0.05, 0, p.mid if p.name == "ocean" else
                 mix(p.near, (240, 220, 170), 0.6), smooth=True, peaks=1)


def reflect_sun(cv: Canvas) -> None:
    if not cv.water or cv.sun is None:
        return
    x, _, r = cv.sun
    u = cv.unit
    for k in range(10):
        y = cv.horizon + (k + 0.5) * u * 2.4
        half = r * (1 - k / 11) * cv.rng.uniform(0.5, 1.1)
        cv.draw.rectangle((x - half, y, x + half, y + 0.7 * u), fill=cv.pal.light)


def skyline(cv: Canvas, ground: float, scale: float = 1.0) -> None:
    p, rng, u = cv.pal, cv.rng, cv.unit
    for layer in range(2):
        colour = cv.fade(shade(p.far, -0.3 * layer - (0.3 if p.night else 0)), 0.7 - 0.5 * layer)
        x = -rng.uniform(0, 8) * u
        while x < cv.w:
            bw = rng.uniform(7, 15) * u * max(scale, 0.5)
            bh = rng.uniform(0.18, 0.5 if layer else 0.58) * cv.h * scale
            top = ground - bh
            cv.draw.rectangle((x, top, x + bw, ground), fill=colour)
            if rng.random() < 0.25:  # a spire or a stepped top
                cv.draw.rectangle((x + bw * 0.3, top - bh * 0.08, x + bw * 0.7, top), fill=colour)
                cv.draw.line((x + bw / 2, top - bh * 0.08, x + bw / 2, top - bh * 0.18),
                             fill=colour, width=max(1, int(0.5 * u)))
            if layer == 1:
                lit = p.light if p.night else mix(colour, p.sky[2], 0.45)
                step = 3.2 * u * max(scale, 0.5)
                for wy in range(int(top + 2 * u), int(ground - 2 * u), max(2, int(step))):
                    for wx in range(int(x + 1.5 * u), int(x + bw - 2 * u), max(2, int(step * 0.9))):
                        if rng.random() < (0.45 if p.night else 0.8):
                            cv.draw.rectangle((wx, wy, wx + step * 0.4, wy + step * 0.5), fill=lit)
            x += bw + rng.uniform(0, 2) * u


def city(cv: Canvas) -> None:
    _land(cv, cv.rng.uniform(0.74, 0.8))
    p, u = cv.pal, cv.unit
    skyline(cv, cv.horizon)
    cv.draw.rectangle((0, cv.horizon, cv.w, cv.h), fill=shade(p.near, -0.3))
    cv.draw.rectangle((0, cv.horizon, cv.w, cv.horizon + 1.2 * u), fill=shade(p.far, -0.5))


def pine(cv: Canvas, x: float, base: float, height: float, colour) -> None:
    w = height * 0.42
    trunk = shade(colour, -0.45)
    cv.draw.rectangle((x - w * 0.07, base - height * 0.2, x + w * 0.07, base), fill=trunk)
    for k in range(3):
        top = base - height * (1 - k * 0.22)
        bot = base - height * (0.42 - k * 0.17)
        half = w * (0.5 + k * 0.22) * 0.9
        cv.draw.polygon([(x, top), (x + half, bot), (x - half, bot)], fill=colour)


def forest(cv: Canvas) -> None:
    _land(cv, cv.rng.uniform(0.6, 0.7))
    p, rng, h = cv.pal, cv.rng, cv.h
    cv.ridge(cv.horizon, h * 0.08, 0, cv.fade(p.far, 0.5), smooth=True)
    rows = 3
    for r in range(rows):
        depth = 1 - r / rows
        base = cv.horizon + h * (0.03 + 0.09 * r)
        colour = cv.fade(shade(p.mid, -0.2 * r), depth * 0.7)
        size = h * (0.16 + 0.1 * r)
        x = -rng.uniform(0, size * 0.3)
        while x < cv.w + size * 0.3:
            pine(cv, x, base + rng.uniform(-1, 1) * cv.unit, size * rng.uniform(0.8, 1.2), colour)
            x += size * rng.uniform(0.22, 0.42)
    cv.ridge(h * 0.96, h * 0.04, 0, shade(p.near, -0.1), smooth=True)
    cv.horizon = int(h * 0.95)


def desert(cv: Canvas) -> None:
    _land(cv, cv.rng.uniform(0.58, 0.68))
    p, h = cv.pal, cv.h
    sand = p.mid if p.name == "desert" else mix(p.mid, (222, 170, 100), 0.6)
    cv.ridge(cv.horizon, h * 0.12, 0.3, cv.fade(shade(sand, -0.15), 0.6), peaks=2)  # mesas
    for i, t in enumerate((0.05, 0.14, 0.26)):
        cv.ridge(cv.horizon + h * t, h * 0.05, 0, shade(sand, 0.08 * (1 - i) - 0.1 * i),
                 smooth=True, peaks=2)
    cv.horizon += int(h * 0.22)


def snowfield(cv: Canvas) -> None:
    _land(cv, cv.rng.uniform(0.6, 0.7))
    white = mix(cv.pal.light, (255, 255, 255), 0.7)
    cv.ridge(cv.horizon, cv.h * 0.2, 0.3, cv.fade(cv.pal.far, 0.4), peaks=3)
    cv.ridge(cv.horizon + cv.h * 0.06, cv.h * 0.06, 0, mix(white, cv.pal.sky[0], 0.15), smooth=True)
    cv.ridge(cv.horizon + cv.h * 0.18, cv.h * 0.05, 0, white, smooth=True)
    cv.horizon += int(cv.h * 0.18)


def space(cv: Canvas) -> None:
    cv.horizon = cv.h
    p = cv.pal
    cv.gradient((0, 0, cv.w, cv.h), [(6, 8, 28), mix((20, 16, 60), p.accent2, 0.25), (10, 8, 30)])
    stars(cv, 140)
    rng, u = cv.rng, cv.unit
    r = rng.uniform(10, 18) * u
    x, y = rng.choice((0.25, 0.75)) * cv.w, rng.uniform(0.3, 0.55) * cv.h
    base = p.accent2 if not cv.colours else cv.colours[0]
    cv.blob(x, y, r, base)
    for k in range(4):
        yy = y - r + (k + 1) * 2 * r / 5
        half = math.sqrt(max(0.0, r * r - (yy - y) ** 2))
        cv.draw.rectangle((x - half, yy - 0.8 * u, x + half, yy + 0.8 * u), fill=shade(base, -0.15))
    cv.draw.ellipse((x - r * 1.8, y - r * 0.35, x + r * 1.8, y + r * 0.35),
                    outline=mix(base, (255, 255, 255), 0.5), width=max(1, int(1.2 * u)))
    cv.blob(x + r * 2.6 * (1 if x < cv.w / 2 else -1), y - r * 1.4, r * 0.3, (200, 200, 215))
    cv.horizon = int(cv.h * 0.9)


def abstract(cv: Canvas) -> None:
    cv.horizon = cv.h
    p, rng, u = cv.pal, cv.rng, cv.unit
    cv.gradient((0, 0, cv.w, cv.h), [p.sky[2], mix(p.sky[1], p.sky[2], 0.5)])
    colours = [p.accent, p.accent2, p.far, p.mid, p.ink, p.light] + cv.colours * 2
    for _ in range(rng.randint(7, 11)):
        c = rng.choice(colours)
        x, y, r = rng.uniform(0, cv.w), rng.uniform(0, cv.h), rng.uniform(6, 26) * u
        kind = rng.random()
        if kind < 0.35:
            cv.blob(x, y, r, c)
        elif kind < 0.6:
            cv.draw.rectangle((x - r, y - r * 0.6, x + r, y + r * 0.6), fill=c)
        elif kind < 0.8:
            start = rng.choice((0, 90, 180, 270))
            cv.draw.pieslice((x - r, y - r, x + r, y + r), start, start + 180, fill=c)
        else:
            cv.draw.arc((x - r, y - r, x + r, y + r), 0, 360, fill=c, width=int(2 * u))
    cv.horizon = int(cv.h * 0.8)


def indoor(cv: Canvas) -> None:
    p = cv.pal
    cv.horizon = int(cv.h * 0.66)
    wall = mix(p.sky[2], p.far, 0.25)
    cv.gradient((0, 0, cv.w, cv.horizon), [mix(wall, (255, 255, 255), 0.2), wall])
    u = cv.unit
    wx = cv.w * cv.rng.choice((0.12, 0.6))  # a window showing the sky
    cv.gradient((int(wx), int(cv.h * 0.1), int(wx + cv.w * 0.28), int(cv.h * 0.45)), list(p.sky))
    cv.draw.rectangle((wx, cv.h * 0.1, wx + cv.w * 0.28, cv.h * 0.45), outline=shade(wall, -0.3),
                      width=int(1.5 * u))
    cv.draw.line((wx + cv.w * 0.14, cv.h * 0.1, wx + cv.w * 0.14, cv.h * 0.45),
                 fill=shade(wall, -0.3), width=int(1.2 * u))
    table = mix(p.near, (160, 110, 70), 0.75)
    cv.gradient((0, cv.horizon, cv.w, cv.h), [shade(table, 0.15), shade(table, -0.2)])
    cv.draw.rectangle((0, cv.horizon, cv.w, cv.horizon + 1.2 * u), fill=shade(table, 0.3))
    cv.horizon = int(cv.h * 0.84)


SCENES = {
    "meadow": (meadow, "green hills, countryside, meadow, field, grass, park, garden, landscape"),
    "mountains": (mountains, "mountains, peaks, alps, hiking, valley, cliffs, volcano"),
    "sea": (sea, "the sea, ocean, beach, waves, coast, lake, river, harbour, water, sailing"),
    "city": (city, "a city skyline, skyscrapers, downtown, street, buildings, urban"),
    "forest": (forest, "a pine forest, woods, trees, woodland, camping in the wild"),
    "desert": (desert, "a desert, sand dunes, cactus, canyon, mesa, sahara"),
    "snow": (snowfield, "snow, winter landscape, snowy field, ice, frozen, skiing, snowman"),
    "space": (space, "outer space, planets, galaxy, astronaut, the universe, cosmos, saturn"),
    "abstract": (abstract, "abstract shapes, geometric art, pattern, bauhaus, modern art"),
    "indoor": (indoor, "indoors, a room, a table, kitchen, cafe, breakfast, still life, desk"),
}
