"""From a prompt to a plan: which scene, subjects, palette, colours and style to draw.

Words first (a cat is a cat), then embeddings for everything else ("a kitten", "skyscrapers",
"golden hour"): the prompt is cut into phrases at commas and prepositions, each phrase is
embedded and compared with a short description of every subject, scene and palette."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np

from roost.ai.providers.sketch.objects import OBJECTS
from roost.ai.providers.sketch.palettes import COLOUR_WORDS, PALETTES, RGB
from roost.ai.providers.sketch.scenes import SCENES

OBJECT_MATCH = 0.5     # phrase-to-subject cosine needed to draw a subject
SCENE_MATCH = 0.42
PALETTE_MATCH = 0.3
MAX_OBJECTS = 4

WORDS = {  # unambiguous words that name a subject, a scene or a palette outright
    "cat": "cat", "cats": "cat", "kitten": "cat", "kitty": "cat", "dog": "dog", "dogs": "dog",
    "puppy": "dog", "tree": "tree", "trees": "tree", "oak": "tree", "house": "house",
    "cottage": "house", "cabin": "house", "flower": "flower", "flowers": "flower",
    "rose": "flower", "roses": "flower", "tulips": "flower", "boat": "boat", "sailboat": "boat",
    "ship": "boat", "yacht": "boat", "rocket": "rocket", "spaceship": "rocket", "coffee": "cup",
    "cup": "cup", "mug": "cup", "tea": "cup", "latte": "cup", "lighthouse": "lighthouse",
    "balloon": "balloon", "heart": "heart", "love": "heart", "rainbow": "rainbow",
    "bird": "bird", "birds": "bird", "sparrow": "bird", "robin": "bird", "sun": "sun",
    "moon": "moon", "person": "person", "man": "person", "woman": "person", "girl": "person",
    "boy": "person", "child": "person", "hiker": "person", "car": "car", "castle": "castle",
    "snowman": "snowman", "butterfly": "butterfly", "butterflies": "butterfly", "robot": "robot",
    "fox": "fox", "foxes": "fox", "palm": "palm", "palms": "palm", "aurora": "aurora",
    "houses": "house", "village": "house", "town": "house", "boats": "boat", "cars": "car",
    "balloons": "balloon", "people": "person", "robots": "robot", "hearts": "heart",
    "castles": "castle", "puppies": "dog", "kittens": "cat", "walk": "person",
    "walking": "person", "hiking": "person",
    "mountain": "@mountains", "mountains": "@mountains", "alps": "@mountains",
    "sea": "@sea", "ocean": "@sea", "harbour": "@sea", "harbor": "@sea", "bay": "@sea",
    "river": "@sea", "coast": "@sea", "beach": "@sea", "lake": "@sea", "waves": "@sea",
    "city": "@city", "skyline": "@city", "skyscrapers": "@city", "downtown": "@city",
    "york": "@city", "london": "@city", "paris": "@city", "tokyo": "@city", "street": "@city", "forest": "@forest",
    "woods": "@forest", "desert": "@desert", "dunes": "@desert", "snow": "@snow",
    "space": "@space", "galaxy": "@space", "planet": "@space", "abstract": "@abstract",
    "kitchen": "@indoor", "cafe": "@indoor", "table": "@indoor", "meadow": "@meadow",
    "hills": "@meadow", "field": "@meadow", "garden": "@meadow",
    "sunset": "%sunset", "dusk": "%sunset", "night": "%night", "midnight": "%night",
    "neon": "%neon", "cyberpunk": "%neon", "pastel": "%pastel", "dawn": "%dawn",
    "sunrise": "%dawn", "autumn": "%autumn", "fall": "%autumn", "winter": "%winter",
    "snowy": "%winter", "sunny": "%day", "starry": "%night", "moonlit": "%night",
    "monochrome": "%monochrome",
}
STYLE_WORDS = {"watercolor": "watercolour", "watercolour": "watercolour", "painting": "watercolour",
               "line": "line-art", "sketch": "line-art", "drawing": "line-art", "ink": "line-art",
               "pixel": "pixel", "8-bit": "pixel", "retro": "pixel", "poster": "poster",
               "print": "poster", "flat": "flat", "vector": "flat"}
SPLIT = re.compile(r"[,.;:!?]|\b(?:and|with|under|over|on|in|at|near|by|beside|above|below|"
                   r"behind|beneath|through|across|from|into|during)\b")
PLURAL = {"cats", "dogs", "trees", "flowers", "birds", "houses", "village", "town", "boats",
          "cars", "balloons", "butterflies", "people", "robots", "hearts", "palms", "foxes",
          "puppies", "kittens", "roses", "tulips"}
NUMBERS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4, "several": 3, "many": 4,
           "few": 3, "lots": 4, "pair": 2, "couple": 2}
WEATHER = {"rain": "rain", "rainy": "rain", "raining": "rain", "storm": "rain", "stormy": "rain",
           "drizzle": "rain", "umbrella": "rain", "snowing": "snow", "snowfall": "snow",
           "snowflakes": "snow", "blizzard": "snow", "snowy": "snow"}
STOP = {"two", "three", "few", "many", "big", "small", "little", "tiny", "huge", "old", "new"}
ARTICLES = re.compile(r"\b(?:a|an|the|some|my|our|its|their|of)\b")


@dataclass(frozen=True)
class Plan:
    scene: str
    objects: tuple[str, ...]
    palette: str
    style: str
    colours: tuple[RGB, ...]                      # colour words naming no subject
    tints: tuple[tuple[str, RGB], ...] = ()       # "a red boat": (("boat", red),); "@scene" too
    many: tuple[tuple[str, int], ...] = ()        # (subject, how many) when more than one
    weather: str | None = None                    # rain or snow
    backdrop: str | None = None                   # land seen across the water: "a lake in the
                                                  # mountains" is sea with a mountains backdrop


class Matcher:
    """Embeds the catalogue's descriptions once, then plans prompts."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder
        self._lock = threading.Lock()
        self._ready = False

    def _load(self) -> None:
        with self._lock:
            if self._ready:
                return
            emb = lambda texts: np.asarray(self.embedder.embed(texts), dtype=np.float32)  # noqa: E731
            self.objects = list(OBJECTS)
            self.object_vecs = emb([OBJECTS[k][3] for k in self.objects])
            self.scenes = list(SCENES)
            self.scene_vecs = emb([SCENES[k][1] for k in self.scenes])
            self.palettes = list(PALETTES)
            self.palette_vecs = emb([PALETTES[k].description for k in self.palettes])
            self._ready = True

    def plan(self, prompt: str, style: str | None) -> Plan:
        if not self._ready:
            self._load()
        text = prompt.lower()
        words = re.findall(r"[a-z0-9-]+", text)
        styleless = " ".join(w for w in words if w not in STYLE_WORDS and w != "art")
        phrases = [p for p in (ARTICLES.sub(" ", c).strip() for c in SPLIT.split(styleless)) if p]
        vecs = np.asarray(self.embedder.embed(phrases + [text]), dtype=np.float32)
        phrase_vecs, whole = vecs[:-1], vecs[-1]

        objects: list[str] = []
        scene = palette = None
        named_scenes: list[str] = []
        many: dict[str, int] = {}
        for i, w in enumerate(words):  # words first, in the order the prompt names them
            hit = WORDS.get(w)
            if hit is None:
                continue
            if hit[0] not in "@%":
                count = next((NUMBERS[p] for p in words[max(0, i - 2):i] if p in NUMBERS), 0)
                if count or w in PLURAL:
                    many.setdefault(hit, count or 3)
            if hit[0] == "@":
                named_scenes.append(hit[1:])
                scene = scene or hit[1:]
            elif hit[0] == "%":
                palette = palette or hit[1:]
            elif hit not in objects:
                objects.append(hit)
        if len(phrase_vecs):
            obj_sim = phrase_vecs @ self.object_vecs.T
            rest = []  # phrases that name no subject may name the scene
            for i in range(len(phrases)):
                j = int(obj_sim[i].argmax())
                if all(w in WORDS or w in WEATHER or w in STOP for w in phrases[i].split()):
                    continue  # the words already said what this phrase names
                if obj_sim[i, j] < OBJECT_MATCH:
                    rest.append(i)
                elif self.objects[j] not in objects:
                    objects.append(self.objects[j])
            scene_sim = (phrase_vecs[rest] @ self.scene_vecs.T).max(axis=0, initial=-1.0)
            if scene is None and scene_sim.max() >= SCENE_MATCH:
                scene = self.scenes[int(scene_sim.argmax())]
        if palette is None:
            pal_sim = self.palette_vecs @ whole
            if pal_sim.max() >= PALETTE_MATCH:
                palette = self.palettes[int(pal_sim.argmax())]
        chosen_style = style or next((STYLE_WORDS[w] for w in words if w in STYLE_WORDS), "flat")
        colours, tints = _colours(words)
        weather = next((WEATHER[w] for w in words if w in WEATHER), None)
        if weather == "rain" and "rainbow" not in words and "rainbow" in objects:
            objects.remove("rainbow")  # "rain" is close to "rainbow" in meaning, not in the sky
        if "aurora" in objects and palette not in ("night", "neon"):
            palette = "night"
        scene = scene or _scene_for(objects, palette, weather)
        backdrop = None
        if scene in BACKDROPS and any(OBJECTS[o][1] == "water" for o in objects):
            named_scenes.append("sea")
        if "sea" in named_scenes:
            backdrop = next((s for s in named_scenes if s in BACKDROPS), None)
            scene = "sea" if backdrop else scene
        palette = palette or _palette_for(scene)
        return Plan(scene, tuple(objects[:MAX_OBJECTS]), palette, chosen_style, colours, tints,
                    tuple((m, n) for m, n in many.items() if m in objects[:MAX_OBJECTS]), weather,
                    backdrop)


BACKDROPS = ("mountains", "city", "forest")


def _colours(words: list[str]) -> tuple[tuple[RGB, ...], tuple[tuple[str, RGB], ...]]:
    """Colour words, each given to the subject or scene named within the next two words."""
    free, tints = [], []
    for i, w in enumerate(words):
        if w not in COLOUR_WORDS:
            continue
        target = next((WORDS[n] for n in words[i + 1:i + 3] if WORDS.get(n, "%")[0] != "%"), None)
        if target is None:
            free.append(COLOUR_WORDS[w])
        else:
            tints.append((target, COLOUR_WORDS[w]))
    return tuple(free), tuple(tints)


def _scene_for(objects: list[str], palette: str | None, weather: str | None) -> str:
    if "cup" in objects:
        return "indoor"
    if "boat" in objects or "lighthouse" in objects:
        return "sea"
    if "rocket" in objects and len(objects) == 1:
        return "space"
    by_palette = {"ocean": "sea", "forest": "forest", "desert": "desert", "winter": "snow",
                  "neon": "city"}
    if palette in by_palette:
        return by_palette[palette]
    if not objects and palette is None and weather is None:
        return "abstract"
    return "meadow"


def _palette_for(scene: str) -> str:
    return {"sea": "ocean", "forest": "forest", "desert": "desert", "snow": "winter",
            "space": "night", "abstract": "pastel"}.get(scene, "day")
