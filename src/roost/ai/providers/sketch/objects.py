"""Subjects drawn on top of a scene. Each takes (canvas, x, base, size): x the centre, base the
y it stands on (its centre for things in the sky), size its height in pixels."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw, ImageFilter

from roost.ai.providers.sketch.canvas import Canvas
from roost.ai.providers.sketch.palettes import mix, shade


def sun(cv: Canvas, x, y, s) -> None:
    r = s / 2
    p = cv.pal
    for k, t in ((1.9, 0.75), (1.45, 0.5), (1.2, 0.25)):
        cv.blob(x, y, r * k, mix(p.light, p.sky[1] if y < cv.h / 3 else p.sky[2], t))
    cv.blob(x, y, r, p.light if not cv.colours else mix(p.light, cv.colours[0], 0.4))
    cv.sun = (int(x), int(y), int(r))


def moon(cv: Canvas, x, y, s) -> None:
    r = s / 2
    glow = mix(cv.pal.light, cv.pal.sky[1], 0.75)
    cv.blob(x, y, r * 1.6, glow)
    mask = Image.new("L", cv.img.size, 0)
    md = ImageDraw.Draw(mask)
    md.ellipse((x - r, y - r, x + r, y + r), fill=255)
    d = r * cv.rng.uniform(0.45, 0.7)
    md.ellipse((x - r + d, y - r - d * 0.3, x + r + d, y + r - d * 0.3), fill=0)
    cv.img.paste(mix(cv.pal.light, (255, 255, 255), 0.3), (0, 0), mask)
    cv.sun = (int(x), int(y), int(r * 0.6))


def bird(cv: Canvas, x, y, s) -> None:
    """A songbird in flight, with a couple of distant gulls."""
    body = cv.subject_colour(1)
    u = s / 10
    cv.draw.ellipse((x - 4 * u, y - 2 * u, x + 3 * u, y + 2 * u), fill=body)          # body
    cv.blob(x + 3 * u, y - 1.6 * u, 2 * u, body)                                        # head
    cv.draw.polygon([(x + 4.8 * u, y - 2 * u), (x + 6.6 * u, y - 1.3 * u),
                     (x + 4.8 * u, y - 0.9 * u)], fill=mix(cv.pal.light, (240, 170, 40), 0.6))
    cv.blob(x + 3.6 * u, y - 2.1 * u, 0.45 * u, cv.pal.ink)                             # eye
    cv.draw.polygon([(x - 3.5 * u, y - 0.5 * u), (x - 7 * u, y - 2.5 * u),
                     (x - 6.5 * u, y + 0.8 * u)], fill=shade(body, -0.25))              # tail
    wing = shade(body, -0.2)
    up = cv.rng.random() < 0.5
    tip = (x - 2 * u, y - 6 * u) if up else (x - 3 * u, y + 5 * u)
    cv.draw.polygon([(x - 1.5 * u, y - 0.5 * u), tip, (x + 1.5 * u, y - 0.2 * u)], fill=wing)
    cv.draw.chord((x - 2 * u, y - 0.2 * u, x + 2.5 * u, y + 2.2 * u), 0, 180,
                  fill=mix(body, (255, 255, 255), 0.5))                                 # breast
    if cv.plan is None or not cv.plan.many:
        gulls(cv, 2)


def gulls(cv: Canvas, count: int) -> None:
    u = cv.unit
    for _ in range(count):
        gx, gy, k = cv.rng.uniform(0.1, 0.9) * cv.w, cv.rng.uniform(0.1, 0.35) * cv.h, \
            cv.rng.uniform(1.2, 2.2) * u
        cv.draw.line([(gx - 2 * k, gy - k), (gx - k, gy - 1.3 * k), (gx, gy),
                      (gx + k, gy - 1.3 * k), (gx + 2 * k, gy - k)],
                     fill=shade(cv.pal.ink, 0.2), width=max(1, int(0.5 * u)), joint="curve")


def cat(cv: Canvas, x, base, s) -> None:
    """A sitting cat, seen from behind-ish three-quarter, tail curled round."""
    fur = cv.colours[0] if cv.colours else mix(cv.pal.ink, cv.pal.far, 0.25)
    u = s / 10
    light = mix(fur, (255, 255, 255), 0.25)
    cv.draw.arc((x - 1 * u, base - 3 * u, x + 6 * u, base + 0.6 * u), 180, 350, fill=fur,
                width=int(1.1 * u))                                                    # tail
    cv.draw.ellipse((x - 3.2 * u, base - 6 * u, x + 3.2 * u, base), fill=fur)          # body
    cv.draw.ellipse((x - 2.6 * u, base - 1.5 * u, x - 0.4 * u, base + 0.2 * u), fill=light)
    cv.draw.ellipse((x + 0.4 * u, base - 1.5 * u, x + 2.6 * u, base + 0.2 * u), fill=light)
    hx, hy = x, base - 7.2 * u
    for side in (-1, 1):                                                               # ears
        cv.draw.polygon([(hx + side * 0.6 * u, hy - 1.6 * u), (hx + side * 2.3 * u, hy - 3.4 * u),
                         (hx + side * 2.4 * u, hy - 0.6 * u)], fill=fur)
        cv.draw.polygon([(hx + side * 1.1 * u, hy - 1.7 * u), (hx + side * 2.1 * u, hy - 2.7 * u),
                         (hx + side * 2.1 * u, hy - 1.1 * u)], fill=mix(fur, (240, 150, 160), 0.5))
    cv.draw.ellipse((hx - 2.5 * u, hy - 2.2 * u, hx + 2.5 * u, hy + 2.1 * u), fill=fur)  # head
    eye = mix(cv.pal.light, (190, 220, 60), 0.6)
    for side in (-1, 1):
        ex = hx + side * 1.05 * u
        cv.draw.ellipse((ex - 0.55 * u, hy - 0.6 * u, ex + 0.55 * u, hy + 0.4 * u), fill=eye)
        cv.draw.ellipse((ex - 0.15 * u, hy - 0.55 * u, ex + 0.15 * u, hy + 0.35 * u),
                        fill=cv.pal.ink)
    cv.draw.polygon([(hx - 0.35 * u, hy + 0.7 * u), (hx + 0.35 * u, hy + 0.7 * u),
                     (hx, hy + 1.1 * u)], fill=(235, 140, 150))
    for side in (-1, 1):                                                               # whiskers
        for dy in (0.8, 1.2):
            cv.draw.line((hx + side * 0.9 * u, hy + dy * u, hx + side * 3.3 * u,
                          hy + (dy - 0.3 + 0.3 * dy) * u), fill=light, width=max(1, int(0.15 * u)))


def dog(cv: Canvas, x, base, s) -> None:
    """A sitting dog with floppy ears."""
    fur = cv.colours[0] if cv.colours else mix((190, 130, 70), cv.pal.near, 0.15)
    dark, u = shade(fur, -0.35), s / 10
    cv.draw.line((x + 2.5 * u, base - 1.5 * u, x + 5 * u, base - 4 * u), fill=fur,
                 width=int(1.1 * u))                                                   # tail
    cv.draw.ellipse((x - 3 * u, base - 6.2 * u, x + 3.4 * u, base), fill=fur)
    cv.draw.rectangle((x - 2.4 * u, base - 2.5 * u, x - 1 * u, base), fill=shade(fur, 0.1))
    cv.draw.rectangle((x + 0.6 * u, base - 2.5 * u, x + 2 * u, base), fill=shade(fur, 0.1))
    hx, hy = x, base - 7.3 * u
    cv.draw.ellipse((hx - 2.4 * u, hy - 2.4 * u, hx + 2.4 * u, hy + 2 * u), fill=fur)
    cv.draw.ellipse((hx - 1.4 * u, hy + 0.1 * u, hx + 1.4 * u, hy + 2.3 * u),
                    fill=mix(fur, (255, 255, 255), 0.45))                               # muzzle
    for side in (-1, 1):
        cv.draw.ellipse((hx + side * 2.6 * u - 1 * u, hy - 2 * u, hx + side * 2.6 * u + 1 * u,
                         hy + 2 * u), fill=dark)                                       # ears
        cv.blob(hx + side * 0.9 * u, hy - 0.5 * u, 0.35 * u, cv.pal.ink)
    cv.blob(hx, hy + 0.8 * u, 0.5 * u, cv.pal.ink)
    cv.draw.ellipse((x - 2 * u, base - 5.2 * u, x + 2 * u, base - 4.4 * u), fill=cv.subject_colour())


def tree(cv: Canvas, x, base, s) -> None:
    leaf = cv.colours[0] if cv.colours else (
        mix((78, 148, 72), cv.pal.mid, 0.3) if cv.pal.name != "autumn" else cv.pal.accent2)
    if cv.pal.night:
        leaf = shade(leaf, -0.5)
    trunk = mix(cv.pal.ink, (110, 70, 40), 0.6)
    u = s / 10
    cv.draw.polygon([(x - 0.6 * u, base), (x - 0.35 * u, base - 5 * u), (x + 0.35 * u, base - 5 * u),
                     (x + 0.6 * u, base)], fill=trunk)
    cv.draw.line((x, base - 4 * u, x + 1.8 * u, base - 5.6 * u), fill=trunk, width=int(0.4 * u))
    blobs = [(0, -7, 2.9), (-2.1, -5.8, 2.1), (2.2, -6, 2.2), (-1, -8.6, 1.9), (1.3, -8.4, 1.9)]
    for dx, dy, r in blobs:
        cv.blob(x + dx * u, base + dy * u, r * u, shade(leaf, -0.18))
    for dx, dy, r in blobs:
        cv.blob(x + dx * u - 0.3 * u, base + dy * u - 0.35 * u, r * u * 0.85, leaf)
    for dx, dy, r in blobs[:3]:
        cv.blob(x + dx * u - 0.8 * u, base + dy * u - 0.9 * u, r * u * 0.35, shade(leaf, 0.18))


def house(cv: Canvas, x, base, s) -> None:
    wall = mix(cv.pal.light, cv.pal.far, 0.25)
    roof = cv.subject_colour()
    u = s / 10
    w = 8 * u
    cv.draw.rectangle((x + 1.5 * u, base - 11 * u, x + 2.7 * u, base - 7 * u), fill=shade(roof, -0.3))
    cv.draw.rectangle((x - w / 2, base - 6 * u, x + w / 2, base), fill=wall)
    cv.draw.polygon([(x - w / 2 - u, base - 6 * u), (x, base - 10.5 * u),
                     (x + w / 2 + u, base - 6 * u)], fill=roof)
    cv.draw.rectangle((x - 0.9 * u, base - 3.6 * u, x + 0.9 * u, base), fill=shade(roof, -0.35))
    glass = cv.pal.light if cv.pal.night else mix(cv.pal.sky[1], (255, 255, 255), 0.3)
    for wx in (x - 2.9 * u, x + 1.7 * u):
        cv.draw.rectangle((wx, base - 4.6 * u, wx + 1.6 * u, base - 2.8 * u), fill=glass,
                          outline=shade(wall, -0.3), width=max(1, int(0.25 * u)))


def flower(cv: Canvas, x, base, s) -> None:
    """A cluster of three flowers (in a vase, indoors)."""
    stem = mix(cv.pal.mid, (60, 130, 60), 0.5)
    if cv.plan is not None and cv.plan.scene == "indoor":
        u = s / 10
        glass = mix(cv.pal.accent2, (255, 255, 255), 0.35)
        cv.draw.polygon([(x - 1.6 * u, base - 4.5 * u), (x + 1.6 * u, base - 4.5 * u),
                         (x + 2.4 * u, base - 1.5 * u), (x + 1.5 * u, base), (x - 1.5 * u, base),
                         (x - 2.4 * u, base - 1.5 * u)], fill=glass)
        cv.draw.rectangle((x - 1.2 * u, base - 5.2 * u, x + 1.2 * u, base - 4.4 * u),
                          fill=shade(glass, -0.15))
        base -= 4.6 * u
    for i, (dx, k) in enumerate(((0, 1.0), (-2.8, 0.72), (2.6, 0.8))):
        u = s / 10 * k
        fx, fy = x + dx * s / 10, base - 7 * u
        petal = cv.subject_colour(i % 2 if not cv.colours else 0)
        cv.draw.line((x + dx * s / 20, base, fx, fy), fill=stem, width=max(1, int(0.5 * u)))
        cv.draw.ellipse((fx + 0.2 * u, fy + 2.5 * u, fx + 2.8 * u, fy + 3.8 * u), fill=stem)
        n = 6 if i != 1 else 8
        for j in range(n):
            a = j / n * math.tau + i
            px, py = fx + math.cos(a) * 1.5 * u, fy + math.sin(a) * 1.5 * u
            cv.blob(px, py, 1.25 * u, petal)
        cv.blob(fx, fy, 0.9 * u, mix(cv.pal.light, (250, 200, 40), 0.6))


def boat(cv: Canvas, x, base, s) -> None:
    u = s / 10
    hull = cv.subject_colour()
    sail = mix(cv.pal.light, (255, 255, 255), 0.5)
    cv.draw.line((x, base - 1.5 * u, x, base - 10 * u), fill=cv.pal.ink, width=max(1, int(0.35 * u)))
    cv.draw.polygon([(x + 0.3 * u, base - 9.6 * u), (x + 0.3 * u, base - 2.2 * u),
                     (x + 4.6 * u, base - 2.2 * u)], fill=sail)
    cv.draw.polygon([(x - 0.3 * u, base - 8 * u), (x - 0.3 * u, base - 2.2 * u),
                     (x - 3.4 * u, base - 2.2 * u)], fill=shade(sail, -0.1))
    cv.draw.polygon([(x - 5 * u, base - 1.8 * u), (x + 5.6 * u, base - 1.8 * u),
                     (x + 4 * u, base), (x - 3.8 * u, base)], fill=hull)
    cv.draw.line((x - 4.8 * u, base - 1.2 * u, x + 5.2 * u, base - 1.2 * u),
                 fill=mix(hull, (255, 255, 255), 0.5), width=max(1, int(0.3 * u)))
    if cv.water:
        cv.draw.polygon([(x - 4 * u, base), (x + 4.2 * u, base), (x + 3 * u, base + 1.5 * u),
                         (x - 3 * u, base + 1.5 * u)], fill=shade(cv.pal.water, -0.2))


def rocket(cv: Canvas, x, y, s) -> None:
    u = s / 10
    body, trim = (236, 236, 240), cv.subject_colour()
    tilt = cv.rng.uniform(-0.3, 0.3)
    img = Image.new("RGBA", (int(10 * u) + 2, int(14 * u) + 2), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    cx = img.width / 2
    flame = [(cx - 1.4 * u, 9.6 * u), (cx, 13.8 * u), (cx + 1.4 * u, 9.6 * u)]
    d.polygon(flame, fill=(255, 160, 40, 255))
    d.polygon([(cx - 0.7 * u, 9.6 * u), (cx, 12 * u), (cx + 0.7 * u, 9.6 * u)], fill=(255, 236, 120, 255))
    for side in (-1, 1):
        d.polygon([(cx + side * 1.5 * u, 6 * u), (cx + side * 3.6 * u, 9.8 * u),
                   (cx + side * 1.5 * u, 9 * u)], fill=trim + (255,))
    d.ellipse((cx - 2 * u, 0, cx + 2 * u, 10 * u), fill=body + (255,))
    d.chord((cx - 2 * u, 0, cx + 2 * u, 10 * u), 200, 340, fill=trim + (255,))
    d.ellipse((cx - 1 * u, 3.6 * u, cx + 1 * u, 5.6 * u), fill=(70, 150, 210, 255),
              outline=shade(body, -0.4) + (255,), width=max(1, int(0.3 * u)))
    for k in range(4):  # exhaust puffs, fading
        d = (7.5 + 1.8 * k) * u
        cv.blob(x - math.sin(tilt) * d + cv.rng.uniform(-0.6, 0.6) * u, y + math.cos(tilt) * d,
                (0.9 + 0.35 * k) * u, mix(cv.pal.sky[1], (255, 255, 255), 0.55 - 0.12 * k))
    img = img.rotate(math.degrees(-tilt), expand=True, resample=Image.BICUBIC)
    cv.img.paste(img, (int(x - img.width / 2), int(y - img.height / 2)), img)



def cup(cv: Canvas, x, base, s) -> None:
    u = s / 10
    mug = cv.subject_colour()
    cv.draw.ellipse((x - 6 * u, base - 1.4 * u, x + 6 * u, base + 1 * u), fill=(245, 242, 236),
                    outline=shade((245, 242, 236), -0.15), width=max(1, int(0.3 * u)))  # saucer
    cv.draw.arc((x + 2.2 * u, base - 6.2 * u, x + 6.2 * u, base - 2.2 * u), 270, 90, fill=mug,
                width=int(0.9 * u))
    cv.draw.polygon([(x - 4 * u, base - 7 * u), (x + 4 * u, base - 7 * u), (x + 3.2 * u, base - 0.4 * u),
                     (x - 3.2 * u, base - 0.4 * u)], fill=mug)
    cv.draw.ellipse((x - 4 * u, base - 7.8 * u, x + 4 * u, base - 6.2 * u), fill=shade(mug, -0.2))
    cv.draw.ellipse((x - 3.5 * u, base - 7.6 * u, x + 3.5 * u, base - 6.4 * u), fill=(111, 70, 42))
    steam = mix(cv.pal.sky[2], (255, 255, 255), 0.7)
    for dx in (-1.6, 0.2, 2):
        pts = [(x + dx * u + math.sin(t / 3) * 0.8 * u, base - 8.5 * u - t * 0.6 * u) for t in range(9)]
        cv.draw.line(pts, fill=steam, width=max(1, int(0.45 * u)), joint="curve")


def lighthouse(cv: Canvas, x, base, s) -> None:
    u = s / 10
    red, white = cv.subject_colour(), (245, 245, 240)
    cv.draw.polygon([(x - 1.8 * u, base), (x - 1.1 * u, base - 8 * u), (x + 1.1 * u, base - 8 * u),
                     (x + 1.8 * u, base)], fill=white)
    for k in range(4):
        y0, y1 = base - (k * 2 + 1) * u, base - (k * 2 + 2) * u
        w0, w1 = 1.8 - (k * 2 + 1) * 0.7 / 8, 1.8 - (k * 2 + 2) * 0.7 / 8
        cv.draw.polygon([(x - w0 * u, y0), (x - w1 * u, y1), (x + w1 * u, y1), (x + w0 * u, y0)],
                        fill=red)
    cv.draw.rectangle((x - 0.9 * u, base - 9.6 * u, x + 0.9 * u, base - 8 * u), fill=cv.pal.light)
    cv.draw.polygon([(x - 1.3 * u, base - 9.6 * u), (x, base - 10.8 * u), (x + 1.3 * u, base - 9.6 * u)],
                    fill=cv.pal.ink)
    beam = mix(cv.pal.light, cv.pal.sky[1], 0.45)
    cv.draw.polygon([(x + 0.9 * u, base - 9.2 * u), (x + 12 * u, base - 11 * u),
                     (x + 12 * u, base - 7.2 * u)], fill=beam)


def balloon(cv: Canvas, x, y, s) -> None:
    u = s / 10
    colours = [cv.subject_colour(0), cv.subject_colour(1)]
    cv.draw.ellipse((x - 3.6 * u, y - 5 * u, x + 3.6 * u, y + 2.5 * u), fill=colours[0])
    for k, dx in enumerate((-2.2, 0, 2.2)):
        if k != 1:
            cv.draw.chord((x + dx * u - 0.9 * u, y - 5 * u, x + dx * u + 0.9 * u, y + 2.5 * u), 0, 360,
                          fill=colours[1])
    cv.draw.polygon([(x - 2.6 * u, y + 1.2 * u), (x + 2.6 * u, y + 1.2 * u), (x + 1 * u, y + 3.6 * u),
                     (x - 1 * u, y + 3.6 * u)], fill=colours[0])
    for dx in (-0.9, 0.9):
        cv.draw.line((x + dx * u, y + 3.6 * u, x + dx * u * 0.8, y + 4.8 * u), fill=cv.pal.ink, width=1)
    cv.draw.rectangle((x - 0.9 * u, y + 4.8 * u, x + 0.9 * u, y + 6 * u), fill=(140, 95, 55))


def heart(cv: Canvas, x, y, s) -> None:
    r = s / 4
    c = cv.colours[0] if cv.colours else (226, 64, 90)
    cv.blob(x - r * 0.9, y - r * 0.3, r, c)
    cv.blob(x + r * 0.9, y - r * 0.3, r, c)
    cv.draw.polygon([(x - r * 1.85, y), (x + r * 1.85, y), (x, y + r * 2.2)], fill=c)


def rainbow(cv: Canvas, x, y, s) -> None:
    colours = [(228, 60, 60), (244, 150, 40), (246, 214, 60), (80, 180, 90), (60, 130, 210),
               (130, 80, 190)]
    r = s
    w = r * 0.07
    for k, c in enumerate(colours):
        rr = r - k * w
        cv.draw.arc((x - rr, y - rr, x + rr, y + rr), 180, 360, fill=mix(c, cv.pal.sky[1], 0.2),
                    width=int(w) + 1)


def person(cv: Canvas, x, base, s) -> None:
    """A figure standing, seen from behind, looking at the view."""
    u = s / 10
    coat, skin = cv.subject_colour(), (236, 188, 150)
    hair = mix(cv.pal.ink, (90, 60, 40), 0.5)
    legs = shade(cv.pal.ink, 0.2)
    cv.draw.rectangle((x - 1.1 * u, base - 3.6 * u, x - 0.25 * u, base), fill=legs)
    cv.draw.rectangle((x + 0.25 * u, base - 3.6 * u, x + 1.1 * u, base), fill=legs)
    cv.draw.rounded_rectangle((x - 1.7 * u, base - 7.6 * u, x + 1.7 * u, base - 3.2 * u),
                              radius=0.9 * u, fill=coat)
    cv.draw.rounded_rectangle((x - 2.3 * u, base - 7.2 * u, x - 1.4 * u, base - 4 * u),
                              radius=0.4 * u, fill=shade(coat, -0.15))
    cv.draw.rounded_rectangle((x + 1.4 * u, base - 7.2 * u, x + 2.3 * u, base - 4 * u),
                              radius=0.4 * u, fill=shade(coat, -0.15))
    cv.blob(x, base - 8.9 * u, 1.35 * u, skin)
    cv.draw.chord((x - 1.45 * u, base - 10.4 * u, x + 1.45 * u, base - 7.8 * u), 150, 390, fill=hair)


def car(cv: Canvas, x, base, s) -> None:
    u = s / 10
    body = cv.subject_colour()
    cv.draw.rounded_rectangle((x - 7 * u, base - 4.4 * u, x + 7 * u, base - 1.2 * u), radius=1.2 * u,
                              fill=body)
    cv.draw.polygon([(x - 4 * u, base - 4.3 * u), (x - 2.4 * u, base - 7.2 * u),
                     (x + 2.6 * u, base - 7.2 * u), (x + 4.6 * u, base - 4.3 * u)], fill=body)
    glass = mix(cv.pal.sky[1], (255, 255, 255), 0.35)
    cv.draw.polygon([(x - 3.2 * u, base - 4.5 * u), (x - 2 * u, base - 6.6 * u),
                     (x - 0.2 * u, base - 6.6 * u), (x - 0.2 * u, base - 4.5 * u)], fill=glass)
    cv.draw.polygon([(x + 0.3 * u, base - 4.5 * u), (x + 0.3 * u, base - 6.6 * u),
                     (x + 2.3 * u, base - 6.6 * u), (x + 3.8 * u, base - 4.5 * u)], fill=glass)
    for wx in (-4.2, 4.2):
        cv.blob(x + wx * u, base - 1.2 * u, 1.6 * u, cv.pal.ink)
        cv.blob(x + wx * u, base - 1.2 * u, 0.7 * u, (190, 190, 196))
    cv.draw.rectangle((x + 6.2 * u, base - 3.8 * u, x + 7 * u, base - 3 * u), fill=cv.pal.light)


def castle(cv: Canvas, x, base, s) -> None:
    u = s / 10
    stone = mix(cv.pal.light, cv.pal.far, 0.45)
    dark = shade(stone, -0.25)
    flag = cv.subject_colour()
    for tx, th in ((-5, 8), (5, 8), (0, 10)):
        cv.draw.rectangle((x + tx * u - 1.4 * u, base - th * u, x + tx * u + 1.4 * u, base),
                          fill=stone if tx else dark)
        cv.draw.polygon([(x + tx * u - 1.8 * u, base - th * u), (x + tx * u, base - (th + 2.6) * u),
                         (x + tx * u + 1.8 * u, base - th * u)], fill=flag if tx else shade(flag, -0.2))
    cv.draw.line((x, base - 12.6 * u, x, base - 14 * u), fill=cv.pal.ink, width=max(1, int(0.2 * u)))
    cv.draw.polygon([(x, base - 14 * u), (x + 1.6 * u, base - 13.5 * u), (x, base - 13 * u)], fill=flag)
    cv.draw.rectangle((x - 4 * u, base - 5.5 * u, x + 4 * u, base), fill=stone)
    for k in range(5):
        cx = x - 4 * u + k * 2 * u
        cv.draw.rectangle((cx, base - 6.3 * u, cx + 1 * u, base - 5.5 * u), fill=stone)
    cv.draw.chord((x - 1.3 * u, base - 3.4 * u, x + 1.3 * u, base - 0.8 * u), 180, 360, fill=cv.pal.ink)
    cv.draw.rectangle((x - 1.3 * u, base - 2.1 * u, x + 1.3 * u, base), fill=cv.pal.ink)
    for wx in (-5, 5, 0):
        cv.draw.rectangle((x + wx * u - 0.35 * u, base - (6.5 if wx else 8.2) * u, x + wx * u + 0.35 * u,
                           base - (5.3 if wx else 7) * u), fill=cv.pal.ink)


def snowman(cv: Canvas, x, base, s) -> None:
    u = s / 10
    snow, edge = (250, 251, 255), (214, 224, 238)
    for cy, r in ((-2.4, 2.6), (-6.2, 1.9), (-9, 1.4)):
        cv.blob(x, base + cy * u, r * u, edge)
        cv.blob(x - 0.2 * u, base + cy * u - 0.15 * u, r * u * 0.92, snow)
    for side in (-1, 1):
        cv.draw.line((x + side * 1.7 * u, base - 6.4 * u, x + side * 4 * u, base - 8 * u),
                     fill=(110, 75, 45), width=max(1, int(0.35 * u)))
        cv.blob(x + side * 0.5 * u, base - 9.3 * u, 0.2 * u, cv.pal.ink)
    cv.draw.polygon([(x, base - 9 * u), (x + 2 * u, base - 8.7 * u), (x, base - 8.5 * u)],
                    fill=(240, 130, 40))
    scarf = cv.subject_colour()
    cv.draw.rectangle((x - 1.6 * u, base - 7.9 * u, x + 1.6 * u, base - 7.3 * u), fill=scarf)
    cv.draw.rectangle((x + 0.6 * u, base - 7.5 * u, x + 1.2 * u, base - 5.8 * u), fill=scarf)
    cv.draw.rectangle((x - 1.1 * u, base - 11.8 * u, x + 1.1 * u, base - 10.2 * u), fill=cv.pal.ink)
    cv.draw.rectangle((x - 1.7 * u, base - 10.4 * u, x + 1.7 * u, base - 10 * u), fill=cv.pal.ink)


def butterfly(cv: Canvas, x, y, s) -> None:
    u = s / 10
    a, b = cv.subject_colour(0), cv.subject_colour(1)
    for side in (-1, 1):
        cv.draw.ellipse((x + side * 0.3 * u - (4.4 * u if side < 0 else 0), y - 4.6 * u,
                         x + side * 0.3 * u + (4.4 * u if side > 0 else 0), y + 0.4 * u), fill=a)
        cv.draw.ellipse((x + side * 0.3 * u - (3 * u if side < 0 else 0), y - 0.6 * u,
                         x + side * 0.3 * u + (3 * u if side > 0 else 0), y + 3.4 * u), fill=b)
        cv.blob(x + side * 2.3 * u, y - 2.4 * u, 0.8 * u, mix(a, (255, 255, 255), 0.6))
        cv.draw.line((x, y - 3.6 * u, x + side * 1.4 * u, y - 5.6 * u), fill=cv.pal.ink,
                     width=max(1, int(0.2 * u)))
    cv.draw.rounded_rectangle((x - 0.45 * u, y - 3.8 * u, x + 0.45 * u, y + 3 * u), radius=0.45 * u,
                              fill=cv.pal.ink)


def robot(cv: Canvas, x, base, s) -> None:
    u = s / 10
    metal, trim = (196, 204, 214), cv.subject_colour()
    dark = shade(metal, -0.45)
    cv.draw.rectangle((x - 1.8 * u, base - 2.6 * u, x - 0.6 * u, base), fill=dark)
    cv.draw.rectangle((x + 0.6 * u, base - 2.6 * u, x + 1.8 * u, base), fill=dark)
    cv.draw.rounded_rectangle((x - 3 * u, base - 7 * u, x + 3 * u, base - 2.4 * u), radius=0.8 * u,
                              fill=metal)
    cv.draw.rounded_rectangle((x - 1.6 * u, base - 5.8 * u, x + 1.6 * u, base - 3.6 * u),
                              radius=0.4 * u, fill=trim)
    for side in (-1, 1):
        cv.draw.rounded_rectangle((x + side * 3.2 * u - 0.6 * u, base - 6.6 * u,
                                   x + side * 3.2 * u + 0.6 * u, base - 3.4 * u), radius=0.5 * u,
                                  fill=dark)
    cv.draw.rounded_rectangle((x - 2.3 * u, base - 10.4 * u, x + 2.3 * u, base - 7.3 * u),
                              radius=0.9 * u, fill=metal)
    for side in (-1, 1):
        cv.blob(x + side * 1 * u, base - 8.9 * u, 0.6 * u, cv.pal.ink)
        cv.blob(x + side * 1 * u, base - 9 * u, 0.25 * u, (120, 220, 255))
    cv.draw.line((x, base - 10.4 * u, x, base - 11.6 * u), fill=dark, width=max(1, int(0.3 * u)))
    cv.blob(x, base - 11.8 * u, 0.5 * u, trim)


def fox(cv: Canvas, x, base, s) -> None:
    """A sitting fox: the cat's pose in orange, a white bib, a bushy white-tipped tail."""
    u = s / 10
    fur = cv.colours[0] if cv.colours else (222, 110, 40)
    white, dark = (250, 244, 235), shade(fur, -0.5)
    cv.draw.ellipse((x + 1 * u, base - 3.4 * u, x + 7.4 * u, base + 0.2 * u), fill=fur)   # tail
    cv.draw.ellipse((x + 5.4 * u, base - 2.5 * u, x + 7.6 * u, base - 0.3 * u), fill=white)
    cv.draw.ellipse((x - 3 * u, base - 6.2 * u, x + 3 * u, base), fill=fur)
    cv.draw.chord((x - 1.8 * u, base - 6 * u, x + 1.8 * u, base - 1.5 * u), 200, 340, fill=white)
    cv.draw.ellipse((x - 1.4 * u, base - 5.2 * u, x + 1.4 * u, base - 1 * u), fill=white)
    for side in (-1, 1):
        cv.draw.rectangle((x + side * 1.6 * u - 0.6 * u, base - 1.6 * u, x + side * 1.6 * u + 0.6 * u,
                           base), fill=dark)
    hx, hy = x, base - 7.4 * u
    for side in (-1, 1):
        cv.draw.polygon([(hx + side * 0.4 * u, hy - 1.2 * u), (hx + side * 2.2 * u, hy - 4 * u),
                         (hx + side * 2.6 * u, hy - 0.4 * u)], fill=fur)
        cv.draw.polygon([(hx + side * 1.1 * u, hy - 1.4 * u), (hx + side * 2.1 * u, hy - 3.2 * u),
                         (hx + side * 2.3 * u, hy - 1 * u)], fill=dark)
    cv.draw.polygon([(hx - 2.7 * u, hy - 1.2 * u), (hx + 2.7 * u, hy - 1.2 * u),
                     (hx + 2 * u, hy + 0.6 * u), (hx, hy + 2.6 * u), (hx - 2 * u, hy + 0.6 * u)],
                    fill=fur)
    cv.draw.polygon([(hx - 2.2 * u, hy + 0.2 * u), (hx, hy + 2.6 * u), (hx + 2.2 * u, hy + 0.2 * u),
                     (hx, hy + 1 * u)], fill=white)
    for side in (-1, 1):
        cv.draw.ellipse((hx + side * 1 * u - 0.35 * u, hy - 0.6 * u, hx + side * 1 * u + 0.35 * u,
                         hy + 0.1 * u), fill=cv.pal.ink)
    cv.blob(hx, hy + 2.4 * u, 0.4 * u, cv.pal.ink)


def palm(cv: Canvas, x, base, s) -> None:
    u = s / 10
    trunk = mix((150, 105, 60), cv.pal.ink, 0.2)
    leaf = cv.colours[0] if cv.colours else mix((60, 150, 70), cv.pal.mid, 0.25)
    if cv.pal.night:
        leaf = shade(leaf, -0.5)
    lean = cv.rng.choice((-1, 1)) * cv.rng.uniform(1, 2.5)
    pts = [(x + lean * u * (t / 8) ** 2, base - 8.5 * u * t / 8) for t in range(9)]
    for k, (px, py) in enumerate(pts[:-1]):
        w = (0.75 - 0.03 * k) * u
        cv.draw.polygon([(px - w, py), (px + w, py), (pts[k + 1][0] + w * 0.95, pts[k + 1][1]),
                         (pts[k + 1][0] - w * 0.95, pts[k + 1][1])], fill=shade(trunk, -0.08 * (k % 2)))
    tx, ty = pts[-1]
    for a in (-160, -130, -100, -70, -35, -5, 25, 150, 205):
        r = math.radians(a)
        length = 4.6 * u
        ex, ey = tx + math.cos(r) * length, ty + math.sin(r) * length * 0.75 + 1.6 * u
        mx, my = tx + math.cos(r) * length * 0.5, ty + math.sin(r) * length * 0.4 - 0.4 * u
        nx, ny = -math.sin(r) * 0.8 * u, math.cos(r) * 0.8 * u
        cv.draw.polygon([(tx, ty), (mx + nx, my + ny), (ex, ey), (mx - nx, my - ny)], fill=leaf)
    for dx in (-0.6, 0.5):
        cv.blob(tx + dx * u, ty + 0.6 * u, 0.55 * u, (110, 75, 40))


def aurora(cv: Canvas, x, y, s) -> None:
    """Northern lights: translucent curtains of green and violet over the sky."""
    layer = Image.new("RGBA", cv.img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    colours = [(90, 255, 170), (120, 220, 255), (190, 120, 255)]
    phase = cv.rng.uniform(0, 6.28)
    top = cv.h * 0.08
    for band in range(3):
        c = colours[band]
        for i in range(0, cv.w, max(1, cv.w // 160)):
            t = i / cv.w
            wave = math.sin(t * 5 + phase + band) * 0.06 + math.sin(t * 13 + phase) * 0.02
            y0 = top + cv.h * (0.08 + 0.07 * band + wave)
            length = cv.h * (0.14 + 0.08 * math.sin(t * 9 + band))
            d.rectangle((i, y0, i + max(1, cv.w // 160), y0 + length), fill=c + (70 - band * 15,))
    layer = layer.filter(ImageFilter.GaussianBlur(cv.unit * 1.5))
    cv.img.paste(layer, (0, 0), layer)


# name: (draw, where, relative size, description for matching)
OBJECTS = {
    "sun": (sun, "sky", 0.16, "the sun, sunshine, sunny"),
    "moon": (moon, "sky", 0.14, "the moon, crescent moon, full moon, moonlight"),
    "bird": (bird, "sky", 0.16, "a bird, a sparrow, robin, songbird, birds flying, seagull"),
    "cat": (cat, "ground", 0.34, "a cat, a kitten, kitty, a feline pet"),
    "dog": (dog, "ground", 0.32, "a dog, a puppy, doggo, a pet hound"),
    "tree": (tree, "ground", 0.5, "a tree, an oak tree, a big leafy tree, apple tree"),
    "house": (house, "ground", 0.34, "a house, a cottage, a cabin, a home, a barn"),
    "flower": (flower, "ground", 0.26, "flowers, a flower, roses, tulips, daisies, bloom"),
    "boat": (boat, "water", 0.3, "a boat, a sailboat, a ship, a yacht, sailing"),
    "rocket": (rocket, "sky", 0.34, "a rocket, a spaceship, launch, spacecraft"),
    "cup": (cup, "table", 0.3, "a cup of coffee, a mug, tea, latte, espresso"),
    "lighthouse": (lighthouse, "ground", 0.5, "a lighthouse on the coast"),
    "balloon": (balloon, "sky", 0.3, "a hot air balloon, balloons"),
    "heart": (heart, "sky", 0.3, "a heart, love, valentine, romance"),
    "rainbow": (rainbow, "sky", 0.6, "a rainbow after the rain"),
    "person": (person, "ground", 0.3, "a person, a man, a woman, a child, someone, a hiker"),
    "car": (car, "ground", 0.16, "a car, a vintage car, road trip, driving, a taxi"),
    "castle": (castle, "ground", 0.36, "a castle, a fortress, a palace, medieval towers, kingdom"),
    "snowman": (snowman, "ground", 0.32, "a snowman"),
    "butterfly": (butterfly, "sky", 0.14, "a butterfly, butterflies, a moth"),
    "robot": (robot, "ground", 0.32, "a robot, an android, a machine, a cyborg"),
    "fox": (fox, "ground", 0.3, "a fox, a red fox, a wild fox"),
    "palm": (palm, "ground", 0.5, "a palm tree, palms, coconut tree, tropical island"),
    "aurora": (aurora, "sky", 1.0, "the northern lights, aurora borealis, polar lights"),
}
