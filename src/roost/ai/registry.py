"""Which provider serves each capability, chosen from Settings; one instance per process.

    ROOST_AI_IMAGE_PROVIDER        builtin (sketch) | diffusers | automatic1111 | openai
    ROOST_AI_EMBEDDINGS_PROVIDER   builtin (all-MiniLM-L6-v2 int8 on onnxruntime) | openai
    ROOST_AI_TEXT_PROVIDER         builtin (SmolLM2-135M-Instruct GGUF) | gguf (by path) | openai
    ROOST_AI_TEXT_MODERATION       builtin | openai (roost.ai.moderation.service picks it)
    ROOST_AI_CAPTION_PROVIDER      builtin (ImageNet tags, OCR and colours)

Instances load their models lazily, on first use, so picking them is cheap. An instance is
cached per provider name and the settings it reads (REQUIRES / SETTINGS_PREFIX), so changing a
provider's settings gives a new instance. check_settings() runs when Settings load: a chosen
provider without its base URL, model or path is a startup error that names the setting."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable
from typing import Any

from roost.ai.providers.base import (Embedder, GeneratedImage, ImageGenerator, ImageRequest,
                                     TextGenerator)
from roost.config import Settings, get_settings


class ProviderConfigError(ValueError):
    """A provider setting names no known provider."""


def _builtin_embedder(settings: Settings) -> Embedder:
    from roost.ai.providers.builtin_embeddings import BuiltinEmbedder

    return BuiltinEmbedder()


def _builtin_sketch(settings: Settings) -> ImageGenerator:
    from roost.ai.providers.builtin_sketch import SketchGenerator

    # Always the built-in embeddings: the sketch planner's thresholds are tuned to MiniLM.
    return SketchGenerator(embedder=_get("ai_embeddings_provider", "builtin", EMBEDDINGS, settings))


def _builtin_captioner(settings: Settings) -> Captioner:
    from roost.ai.providers.builtin_caption import BuiltinCaptioner

    return BuiltinCaptioner()


def _builtin_text(settings: Settings) -> TextGenerator:
    from roost.ai.providers.gguf_text import builtin

    return builtin()


def _gguf_text(settings: Settings) -> TextGenerator:
    from roost.ai.providers.gguf_text import from_path

    return from_path(settings.ai_text_model_path)


def _openai_embedder(settings: Settings) -> Embedder:
    from roost.ai.providers.openai_compat import OpenAIEmbedder

    return OpenAIEmbedder(settings)


def _openai_images(settings: Settings) -> ImageGenerator:
    from roost.ai.providers.openai_compat import OpenAIImages

    return OpenAIImages(settings)


def _openai_chat(settings: Settings) -> TextGenerator:
    from roost.ai.providers.openai_compat import OpenAIChat

    return OpenAIChat(settings)


def _automatic1111(settings: Settings) -> ImageGenerator:
    from roost.ai.providers.automatic1111 import Automatic1111Images

    return Automatic1111Images(settings)


def _diffusers(settings: Settings) -> ImageGenerator:
    from roost.ai.providers.diffusers_local import DiffusersImages

    return DiffusersImages(settings)


EMBEDDINGS: dict[str, Callable[[Settings], Embedder]] = {"builtin": _builtin_embedder,
                                                         "openai": _openai_embedder}
IMAGES: dict[str, Callable[[Settings], ImageGenerator]] = {
    "builtin": _builtin_sketch, "diffusers": _diffusers, "automatic1111": _automatic1111,
    "openai": _openai_images}
TEXT: dict[str, Callable[[Settings], TextGenerator]] = {
    "builtin": _builtin_text, "gguf": _gguf_text, "openai": _openai_chat}
CAPTIONS: dict[str, Callable[[Settings], Captioner]] = {"builtin": _builtin_captioner}
TEXT_MODERATION: dict[str, str] = {"builtin": "alt-profanity-check and the blocklist",
                                   "openai": "an OpenAI-compatible /moderations and the blocklist"}

# What each (setting, provider) needs set; checked when Settings load.
REQUIRES: dict[tuple[str, str], tuple[str, ...]] = {
    ("ai_image_provider", "openai"): ("ai_openai_base_url", "ai_openai_image_model"),
    ("ai_image_provider", "automatic1111"): ("ai_a1111_base_url",),
    ("ai_image_provider", "diffusers"): ("ai_diffusers_path",),
    ("ai_embeddings_provider", "openai"): ("ai_openai_base_url", "ai_openai_embeddings_model"),
    ("ai_text_provider", "gguf"): ("ai_text_model_path",),
    ("ai_text_provider", "openai"): ("ai_openai_base_url", "ai_openai_chat_model"),
    ("ai_text_moderation", "openai"): ("ai_openai_base_url",),
}
# The settings an instance reads, by prefix: part of its cache key.
SETTINGS_PREFIX = {"openai": ("ai_openai_",), "automatic1111": ("ai_a1111_",
                                                                "ai_generation_timeout"),
                   "diffusers": ("ai_diffusers_",), "gguf": ("ai_text_model_path",)}
URL_SETTINGS = ("ai_openai_base_url", "ai_a1111_base_url")


def tables() -> dict[str, dict[str, Any]]:
    """The provider table of each provider setting."""
    return {"ai_image_provider": IMAGES, "ai_embeddings_provider": EMBEDDINGS,
            "ai_text_provider": TEXT, "ai_text_moderation": TEXT_MODERATION}


def check_settings(settings: Settings) -> None:
    """Every chosen provider has what it needs: else ValueError naming the setting."""
    problems = []
    for setting in tables():
        chosen = getattr(settings, setting, "")
        for needed in REQUIRES.get((setting, chosen), ()):
            if not str(getattr(settings, needed) or "").strip():
                problems.append(f"ROOST_{needed.upper()} must be set when "
                                f"ROOST_{setting.upper()} is {chosen}")
    for name in URL_SETTINGS:
        url = getattr(settings, name)
        if url and not url.startswith(("http://", "https://")):
            problems.append(f"ROOST_{name.upper()} must start with http:// or https://")
    size = settings.ai_openai_image_size
    if size and not re.fullmatch(r"[1-9][0-9]{1,4}x[1-9][0-9]{1,4}", size):
        problems.append(f"ROOST_AI_OPENAI_IMAGE_SIZE must be WIDTHxHEIGHT, e.g. 1024x1024 "
                        f"(got {size!r})")
    if settings.ai_image_provider == "diffusers" and settings.ai_diffusers_path:
        from pathlib import Path

        path = Path(settings.ai_diffusers_path).expanduser()
        if not (path / "model_index.json").is_file():
            problems.append(f"ROOST_AI_DIFFUSERS_PATH must be a directory holding a diffusers "
                            f"pipeline (no model_index.json in {path})")
    if problems:
        raise ValueError("; ".join(problems))


_cache: dict[tuple, Any] = {}
_lock = threading.RLock()


def check(setting: str, value: str, table: dict[str, Any]) -> str:
    if value not in table:
        raise ProviderConfigError(
            f"ROOST_{setting.upper()} must be one of {', '.join(table)} (got {value!r})")
    return value


def _fingerprint(value: str, settings: Settings) -> tuple:
    prefixes = SETTINGS_PREFIX.get(value, ())
    if not prefixes:
        return ()
    out = []
    for field in sorted(type(settings).model_fields):
        if field.startswith(prefixes):
            v = getattr(settings, field)
            out.append((field, v.get_secret_value() if hasattr(v, "get_secret_value") else v))
    return tuple(out)


def _get(setting: str, value: str, table: dict[str, Callable], settings: Settings) -> Any:
    check(setting, value, table)
    key = (setting, value, _fingerprint(value, settings))
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


def text_generator(settings: Settings | None = None) -> TextGenerator:
    settings = settings or get_settings()
    return _get("ai_text_provider", settings.ai_text_provider, TEXT, settings)


def captioner(settings: Settings | None = None) -> Captioner:
    settings = settings or get_settings()
    return _get("ai_caption_provider", settings.ai_caption_provider, CAPTIONS, settings)


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
