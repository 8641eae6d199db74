"""Which provider serves each capability, chosen from Settings; one instance per process.

    ROOST_AI_IMAGE_PROVIDER        builtin (the sketch generator)
    ROOST_AI_EMBEDDINGS_PROVIDER   builtin (all-MiniLM-L6-v2 int8 on onnxruntime)
    ROOST_AI_CAPTION_PROVIDER      builtin (ImageNet tags, OCR and colours)
    ROOST_AI_TEXT_PROVIDER         builtin (SmolLM2-135M-Instruct GGUF), gguf (ROOST_AI_TEXT_MODEL_PATH)

Instances load their models lazily, on first use, so picking them is cheap. Later rounds add
local (diffusers, GGUF) and remote (OpenAI-compatible, Automatic1111) names to the tables."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from roost.ai.providers.base import (Captioner, ChatMessage, Embedder, GeneratedImage,
                                     ImageGenerator, ImageRequest, TextGenerator)
from roost.config import Settings, get_settings


class ProviderConfigError(ValueError):
    """A provider setting names no known provider."""


def _builtin_embedder(settings: Settings) -> Embedder:
    from roost.ai.providers.builtin_embeddings import BuiltinEmbedder

    return BuiltinEmbedder()


def _builtin_sketch(settings: Settings) -> ImageGenerator:
    from roost.ai.providers.builtin_sketch import SketchGenerator

    return SketchGenerator(embedder=embedder(settings))


def _builtin_captioner(settings: Settings) -> Captioner:
    from roost.ai.providers.builtin_caption import BuiltinCaptioner

    return BuiltinCaptioner()


def _builtin_text(settings: Settings) -> TextGenerator:
    from roost.ai.providers.gguf_text import builtin

    return builtin()


def _gguf_text(settings: Settings) -> TextGenerator:
    from roost.ai.providers.gguf_text import from_path

    return from_path(settings.ai_text_model_path)


EMBEDDINGS: dict[str, Callable[[Settings], Embedder]] = {"builtin": _builtin_embedder}
CAPTIONS: dict[str, Callable[[Settings], Captioner]] = {"builtin": _builtin_captioner}
IMAGES: dict[str, Callable[[Settings], ImageGenerator]] = {"builtin": _builtin_sketch}
TEXT: dict[str, Callable[[Settings], TextGenerator]] = {"builtin": _builtin_text,
                                                        "gguf": _gguf_text}

_cache: dict[tuple[str, str], Any] = {}
_lock = threading.RLock()


def check(setting: str, value: str, table: dict[str, Any]) -> str:
    if value not in table:
        raise ProviderConfigError(
            f"ROOST_{setting.upper()} must be one of {', '.join(table)} (got {value!r})")
    return value


def _get(setting: str, value: str, table: dict[str, Callable], settings: Settings) -> Any:
    check(setting, value, table)
    key = (setting, value)
    with _lock:
        if key not in _cache:
            _cache[key] = table[value](settings)
        return _cache[key]


def embedder(settings: Settings | None = None) -> Embedder:
    settings = settings or get_settings()
    return _get("ai_embeddings_provider", settings.ai_embeddings_provider, EMBEDDINGS, settings)


def image_generator(settings: Settings | None = None) -> ImageGenerator:
    settings = settings or get_settings()
    return _get("ai_image_provider", settings.ai_image_provider, IMAGES, settings)


def captioner(settings: Settings | None = None) -> Captioner:
    settings = settings or get_settings()
    return _get("ai_caption_provider", settings.ai_caption_provider, CAPTIONS, settings)


def text_generator(settings: Settings | None = None) -> TextGenerator:
    settings = settings or get_settings()
    return _get("ai_text_provider", settings.ai_text_provider, TEXT, settings)


def clear() -> None:
    """Forget the cached instances (tests, or after changing settings)."""
    with _lock:
        _cache.clear()


async def embed(texts: list[str], settings: Settings | None = None) -> list[list[float]]:
    """Embeddings computed off the event loop."""
    return await asyncio.to_thread(embedder(settings).embed, texts)


async def generate_images(request: ImageRequest,
                          settings: Settings | None = None) -> list[GeneratedImage]:
    """Images generated off the event loop."""
    return await asyncio.to_thread(image_generator(settings).generate, request)


async def describe_image(image: bytes, lang: str = "en",
                         settings: Settings | None = None) -> str:
    """Alt text suggested for an image, computed off the event loop."""
    return await asyncio.to_thread(captioner(settings).describe, image, lang=lang)


async def complete(messages: list[ChatMessage], settings: Settings | None = None,
                   **options: Any) -> str:
    """A chat completion computed off the event loop."""
    generator = text_generator(settings)
    return await asyncio.to_thread(lambda: generator.complete(messages, **options))
