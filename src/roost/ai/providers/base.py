"""One small protocol per AI capability, with plain dataclasses for what goes in and out.

A provider is any object with the right methods; the registry (roost.ai.registry) picks one per
capability from Settings. Methods are synchronous and may be CPU-heavy: callers run them off the
event loop (`asyncio.to_thread`)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

ProviderKind = Literal["builtin", "local", "remote"]

STYLES = ("flat", "watercolour", "line-art", "pixel", "poster")
ASPECT_RATIOS = {"1:1": (1, 1), "4:3": (4, 3), "3:4": (3, 4), "16:9": (16, 9), "9:16": (9, 16)}
MAX_CANDIDATES = 8
MIN_SIZE, MAX_SIZE = 64, 2048
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class ProviderInfo:
    """Who made something: shown to people ("Made with ...") and written into provenance."""

    name: str           # stable id, e.g. "builtin-sketch"
    model: str          # model id and version, e.g. "roost-sketch-1"
    kind: ProviderKind  # builtin (ships with Roost), local (operator's files), remote (HTTP)
    label: str          # honest human label, e.g. "Roost built-in sketch generator"


class ProviderError(RuntimeError):
    """A provider could not do its work (server down, timed out, refused, bad answer). The
    message is written for the person who asked: it never holds an API key or a secret URL."""


# Embeddings -------------------------------------------------------------------------------

@runtime_checkable
class Embedder(Protocol):
    info: ProviderInfo

    @property
    def dim(self) -> int: ...

    @property
    def name(self) -> str: ...

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One L2-normalised vector of `dim` floats per text, in order."""
        ...


# Images -----------------------------------------------------------------------------------

class InvalidRequest(ValueError):
    """A generation request that cannot be served as asked (the message says why)."""


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    n: int = 1
    seed: int | None = None          # None: chosen at random (see resolved())
    style: str | None = None         # one of STYLES, or None for the provider's choice
    aspect_ratio: str = "1:1"        # one of ASPECT_RATIOS
    size: int = 512                  # long side in pixels

    def __post_init__(self) -> None:
        if not self.prompt or not self.prompt.strip():
            raise InvalidRequest("the prompt is empty")
        if not 1 <= self.n <= MAX_CANDIDATES:
            raise InvalidRequest(f"n must be between 1 and {MAX_CANDIDATES}")
        if self.style is not None and self.style not in STYLES:
            raise InvalidRequest(f"style must be one of {', '.join(STYLES)}")
        if self.aspect_ratio not in ASPECT_RATIOS:
            raise InvalidRequest(f"aspect_ratio must be one of {', '.join(ASPECT_RATIOS)}")
        if not MIN_SIZE <= self.size <= MAX_SIZE:
            raise InvalidRequest(f"size must be between {MIN_SIZE} and {MAX_SIZE}")
        if self.seed is not None and not 0 <= self.seed <= MAX_SEED:
            raise InvalidRequest(f"seed must be between 0 and {MAX_SEED}")

    def resolved(self) -> ImageRequest:
        """The same request with a seed chosen if it had none."""
        if self.seed is not None:
            return self
        return ImageRequest(self.prompt, self.n, secrets.randbelow(MAX_SEED + 1), self.style,
                            self.aspect_ratio, self.size)

    def dimensions(self) -> tuple[int, int]:
        """(width, height) for the aspect ratio with `size` as the long side."""
        w, h = ASPECT_RATIOS[self.aspect_ratio]
        if w >= h:
            return self.size, round(self.size * h / w)
        return round(self.size * w / h), self.size


@dataclass
class GeneratedImage:
    png: bytes
    width: int
    height: int
    seed: int                                        # reproduces this image with the same params
    params: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class ImageGenerator(Protocol):
    info: ProviderInfo

    def generate(self, request: ImageRequest) -> list[GeneratedImage]:
        """`request.n` distinct candidates; candidate i uses seed `request.seed + i`."""
        ...


# Text and captions (implemented in later rounds) ------------------------------------------

@dataclass(frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@runtime_checkable
class TextGenerator(Protocol):
    """Chat completion (the assistant account). Built-in: SmolLM2 via llama-cpp-python;
    remote: any OpenAI-compatible /v1/chat/completions."""

    info: ProviderInfo

    def complete(self, messages: list[ChatMessage], *, max_tokens: int = 256,
                 temperature: float = 0.7, seed: int | None = None) -> str:
        """The assistant's reply to `messages`."""
        ...


class CaptionError(ValueError):
    """The bytes are not an image the captioner can read (the message says why)."""


@runtime_checkable
class Captioner(Protocol):
    """Alt text for an image (PNG/JPEG/WebP bytes): one or two plain sentences; CaptionError
    for bytes it cannot read."""

    info: ProviderInfo

    def describe(self, image: bytes, *, lang: str = "en") -> str: ...
