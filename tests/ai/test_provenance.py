from __future__ import annotations

import io
import json
import struct
from datetime import datetime, timezone

import numpy as np
import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from roost.ai.provenance import IPTC_TRAINED, detect, prompt_hash, stamp
from roost.ai.providers.base import ImageRequest

pytestmark = pytest.mark.no_database

WHEN = datetime(2026, 12, 4, 18, 0, tzinfo=timezone.utc)


def photo(fmt: str = "JPEG", **save) -> bytes:
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:96, 0:128]
    arr = np.stack([x * 2, y * 2, (x + y)], axis=-1) + rng.normal(0, 12, (96, 128, 3))
    buf = io.BytesIO()
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(buf, fmt, **save)
    return buf.getvalue()


@pytest.fixture(scope="module")
def ours(sketch) -> bytes:
    img = sketch.generate(ImageRequest("a lighthouse by the sea", seed=7, size=128))[0]
    return stamp(img.png, generator=sketch.info.name, model=sketch.info.model,
                 prompt="a lighthouse by the sea", seed=img.seed, instance="social.example",
                 created=WHEN)


def test_our_png_keeps_its_pixels_and_reads_back(ours, sketch):
    img = Image.open(io.BytesIO(ours))
    img.load()
    assert img.text["ai_generated"] == "true"
    assert img.text["prompt_sha256"] == prompt_hash("a lighthouse by the sea")
    assert img.text["seed"] == "7" and img.text["instance"] == "social.example"
    assert img.text["created"] == "2026-12-04T18:00:00+00:00"
    xmp = img.text["XML:com.adobe.xmp"]
    assert f'Iptc4xmpExt:DigitalSourceType="{IPTC_TRAINED}"' in xmp
    assert 'roost:promptSha256="' in xmp
    plain = sketch.generate(ImageRequest("a lighthouse by the sea", seed=7, size=128))[0].png
    assert np.array_equal(np.asarray(img.convert("RGB")),
                          np.asarray(Image.open(io.BytesIO(plain)).convert("RGB")))


def test_detect_our_png(ours):
    p = detect(ours)
    assert p is not None and p.source == "roost" and p.label == "claims AI generation"
    assert (p.generator, p.model, p.seed) == ("builtin-sketch", "roost-sketch-1", 7)
    assert p.digital_source_type == IPTC_TRAINED and p.instance == "social.example"


def test_detect_xmp_in_jpeg_and_webp():
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
           'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
           'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">'
           f'<Iptc4xmpExt:DigitalSourceType>{IPTC_TRAINED}</Iptc4xmpExt:DigitalSourceType>'
           '</rdf:Description></rdf:RDF></x:xmpmeta>')
    for fmt in ("JPEG", "WEBP"):
        p = detect(photo(fmt, xmp=xmp.encode()))
        assert p is not None and p.source == "iptc" and p.digital_source_type == IPTC_TRAINED


def test_a_camera_source_type_is_not_ai():
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
           'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
           'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
           'Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/'
           'digitalCapture"/></rdf:RDF></x:xmpmeta>')
    assert detect(photo("JPEG", xmp=xmp.encode())) is None


def test_detect_automatic1111_parameters():
    info = PngInfo()
    info.add_text("parameters", "a castle on a hill, golden hour\nNegative prompt: blurry\n"
                  "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 512x512, "
                  "Model: sd_xl_turbo")
    p = detect(photo("PNG", pnginfo=info))
    assert p is not None and p.source == "automatic1111"
    assert p.prompt == "a castle on a hill, golden hour" and p.seed == 1234
    assert p.model == "sd_xl_turbo"


def test_detect_comfyui_prompt():
    info = PngInfo()
    info.add_text("prompt", json.dumps({"3": {"class_type": "KSampler", "inputs": {"seed": 5}}}))
    p = detect(photo("PNG", pnginfo=info))
    assert p is not None and p.source == "comfyui"


def test_detect_c2pa_manifest_in_jpeg():
    jpeg = photo("JPEG")
    jumbf = b"JP" + struct.pack(">HI", 1, 1) + struct.pack(">I", 40) + b"jumb" + \
        struct.pack(">I", 32) + b"jumd" + b"c2pa" + bytes(12) + b"c2pa\0" + bytes(3)
    segment = b"\xff\xeb" + struct.pack(">H", len(jumbf) + 2) + jumbf
    p = detect(jpeg[:2] + segment + jpeg[2:])
    assert p is not None and p.source == "c2pa" and p.c2pa_manifest


def test_plain_images_have_no_provenance():
    assert detect(photo("JPEG")) is None
    assert detect(photo("PNG")) is None
    assert detect(photo("WEBP")) is None
    info = PngInfo()
    info.add_text("parameters", "just a caption someone wrote")
    assert detect(photo("PNG", pnginfo=info)) is None
    assert detect(b"GIF89a not really") is None
