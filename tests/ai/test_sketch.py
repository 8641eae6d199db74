from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from roost.ai.providers.base import ImageRequest, InvalidRequest

pytestmark = pytest.mark.no_database


def pixels(img) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(img.png)).convert("RGB"), dtype=np.float32)


def test_same_inputs_same_png(sketch):
    req = ImageRequest("a cat under a tree at sunset", n=2, seed=42)
    a, b = sketch.generate(req), sketch.generate(req)
    assert [x.png for x in a] == [x.png for x in b]
    assert [x.seed for x in a] == [42, 43]


def test_different_seeds_and_candidates_differ(sketch):
    imgs = sketch.generate(ImageRequest("mountains by a lake", n=4, seed=1))
    arrays = [pixels(i) for i in imgs]
    for i in range(4):
        for j in range(i + 1, 4):
            assert np.abs(arrays[i] - arrays[j]).mean() > 5, (i, j)
    other = sketch.generate(ImageRequest("mountains by a lake", n=1, seed=99))[0]
    assert np.abs(pixels(other) - arrays[0]).mean() > 5


def test_seed_is_chosen_when_missing(sketch):
    img = sketch.generate(ImageRequest("a boat", seed=None))[0]
    again = sketch.generate(ImageRequest("a boat", seed=img.seed))[0]
    assert img.png == again.png


@pytest.mark.parametrize("ratio,size,expected", [
    ("1:1", 512, (512, 512)), ("16:9", 512, (512, 288)), ("9:16", 640, (360, 640)),
    ("4:3", 256, (256, 192)), ("3:4", 512, (384, 512))])
def test_aspect_ratio_and_size(sketch, ratio, size, expected):
    img = sketch.generate(ImageRequest("a city skyline", aspect_ratio=ratio, size=size, seed=3))[0]
    assert (img.width, img.height) == expected
    assert Image.open(io.BytesIO(img.png)).size == expected


def test_prompt_chooses_subjects_and_palette(sketch):
    plan = sketch.plan("a cat under a tree at sunset")
    assert {"cat", "tree"} <= set(plan.objects) and plan.palette == "sunset"
    assert sketch.plan("a kitten").objects == ("cat",)
    assert sketch.plan("a yacht in the harbour").objects[0] == "boat"   # matched by meaning
    assert sketch.plan("skyscrapers at night").scene == "city"
    assert sketch.plan("a cup of espresso").scene == "indoor"
    assert sketch.plan("a lake, watercolour").style == "watercolour"
    assert sketch.plan("pixel art castle", style="poster").style == "poster"  # asked wins


def test_ocean_and_forest_look_different(sketch):
    def mean(prompt):
        imgs = sketch.generate(ImageRequest(prompt, n=3, seed=5, size=256))
        return np.mean([pixels(i).reshape(-1, 3).mean(axis=0) for i in imgs], axis=0)

    ocean, forest = mean("the ocean"), mean("a forest")
    assert ocean[2] - ocean[1] > forest[2] - forest[1] + 15  # ocean bluer, forest greener
    assert np.abs(ocean - forest).sum() > 30


def test_every_style_renders(sketch):
    for style in ("flat", "watercolour", "line-art", "pixel", "poster"):
        img = sketch.generate(ImageRequest("a house", style=style, seed=1, size=128))[0]
        assert img.params["style"] == style and pixels(img).std() > 10


@pytest.mark.parametrize("kwargs", [dict(n=0), dict(n=9), dict(style="oil"),
                                    dict(aspect_ratio="2:1"), dict(size=10), dict(seed=-1)])
def test_bad_requests_are_refused(kwargs):
    with pytest.raises(InvalidRequest):
        ImageRequest("a cat", **kwargs)


def test_every_subject_and_scene_draws():
    from roost.ai.providers.builtin_sketch import render
    from roost.ai.providers.sketch.objects import OBJECTS
    from roost.ai.providers.sketch.palettes import PALETTES
    from roost.ai.providers.sketch.plan import Plan
    from roost.ai.providers.sketch.scenes import SCENES

    palettes = list(PALETTES)
    for i, scene in enumerate(SCENES):
        objs = tuple(list(OBJECTS)[i * 2 % len(OBJECTS):][:3])
        img = render(Plan(scene, objs, palettes[i % len(palettes)], "flat", ()), 160, 120, i)
        assert img.size == (160, 120)
        assert np.asarray(img).std() > 8, scene
    for name in OBJECTS:
        base = render(Plan("meadow", (), "day", "flat", ()), 96, 96, 3)
        with_it = render(Plan("meadow", (name,), "day", "flat", ()), 96, 96, 3)
        assert np.abs(np.asarray(base, float) - np.asarray(with_it, float)).mean() > 0.5, name


def test_counts_weather_and_backdrops(sketch):
    assert ("cat", 3) in sketch.plan("three cats in a garden").many
    assert sketch.plan("a walk in the rain").weather == "rain"
    assert "rainbow" not in sketch.plan("a walk in the rain").objects
    lake = sketch.plan("a sailboat on a lake in the mountains")
    assert (lake.scene, lake.backdrop, lake.objects) == ("sea", "mountains", ("boat",))
    assert sketch.plan("northern lights").palette == "night"
    red = sketch.plan("a red boat and a white cat")
    assert dict(red.tints) == {"boat": (214, 40, 40), "cat": (245, 245, 245)}
    # crowded prompts still draw
    img = sketch.generate(ImageRequest("four birds, three balloons, two hearts and a rocket",
                                       seed=2, size=128))[0]
    assert img.width == 128
