"""Remote providers for any OpenAI-compatible server: OpenAI itself, Ollama, vLLM, LocalAI,
llama.cpp's server, LM Studio. One base URL (ending in /v1), one optional API key, a model per
capability:

    chat         POST {base}/chat/completions
    embeddings   POST {base}/embeddings
    images       POST {base}/images/generations   (response_format b64_json)
    moderation   POST {base}/moderations          (roost.ai.moderation.openai)

Failures surface as ProviderError with a readable reason (see http.py)."""

from __future__ import annotations

import math
import threading

from roost.ai.providers.base import (ChatMessage, GeneratedImage, ImageRequest, ProviderError,
                                     ProviderInfo)
from roost.ai.providers.http import JsonClient, decode_png
from roost.ai.providers.prompting import dimensions, styled_prompt
from roost.config import Settings

SERVICE = "OpenAI-compatible server"
EMBED_BATCH = 64

_clients: dict[tuple[str, str, float], JsonClient] = {}
_clients_lock = threading.Lock()


def client(settings: Settings, timeout: float | None = None) -> JsonClient:
    """The shared client for the configured server (one per base URL, key and timeout);
    `timeout` caps ROOST_AI_OPENAI_TIMEOUT (moderation, which a request waits for)."""
    key = settings.ai_openai_api_key.get_secret_value() if settings.ai_openai_api_key else ""
    seconds = min(settings.ai_openai_timeout, timeout or settings.ai_openai_timeout)
    ident = (settings.ai_openai_base_url, key, seconds)
    with _clients_lock:
        if ident not in _clients:
            _clients[ident] = JsonClient(settings.ai_openai_base_url, service=SERVICE,
                                         api_key=key, timeout=seconds)
        return _clients[ident]


def _shape(cond: bool) -> None:
    if not cond:
        raise ProviderError(f"The {SERVICE} answered in an unexpected shape")


class OpenAIChat:
    """TextGenerator over /chat/completions."""

    def __init__(self, settings: Settings) -> None:
        self.client = client(settings)
        self.model = settings.ai_openai_chat_model
        self.info = ProviderInfo(name="openai-chat", model=self.model, kind="remote",
                                 label=f"{self.model} (remote, OpenAI-compatible API)")

    def complete(self, messages: list[ChatMessage], *, max_tokens: int = 256,
                 temperature: float = 0.7, seed: int | None = None) -> str:
        payload = {"model": self.model,
                   "messages": [{"role": m.role, "content": m.content} for m in messages],
                   "max_tokens": max_tokens, "temperature": temperature}
        if seed is not None:
            payload["seed"] = seed
        body = self.client.post("/chat/completions", payload)
        try:
            content = body["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            content = None
        _shape(isinstance(content, str))
        return content.strip()


class OpenAIEmbedder:
    """Embedder over /embeddings; vectors are L2-normalised here (not every server does)."""

    def __init__(self, settings: Settings) -> None:
        self.client = client(settings)
        self.model = settings.ai_openai_embeddings_model
        self.info = ProviderInfo(name="openai-embeddings", model=self.model, kind="remote",
                                 label=f"{self.model} (remote, OpenAI-compatible API)")
        self._dim: int | None = None

    @property
    def name(self) -> str:
        return self.model

    @property
    def dim(self) -> int:
        """The server's vector size, learnt from the first answer (asks once if needed)."""
        if self._dim is None:
            self.embed(["dimension probe"])
        return self._dim

    def embed(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), EMBED_BATCH):
            batch = texts[start:start + EMBED_BATCH]
            body = self.client.post("/embeddings", {"model": self.model, "input": batch})
            data = body.get("data") if isinstance(body, dict) else None
            _shape(isinstance(data, list) and len(data) == len(batch))
            rows = sorted(data, key=lambda d: d.get("index", 0))
            for row in rows:
                vec = _pooled(row.get("embedding") if isinstance(row, dict) else None)
                if self._dim is None:
                    self._dim = len(vec)
                _shape(len(vec) == self._dim)
                norm = math.sqrt(sum(v * v for v in vec)) or 1.0
                out.append([v / norm for v in vec])
        return out


def _pooled(vec: object) -> list[float]:
    """One vector. A server running a model without a pooling layer (llama-cpp-python with a
    chat GGUF, for one) answers one vector per token: refused with the fix, since such servers
    also mix up the sequences of a batch."""
    if isinstance(vec, list) and vec and isinstance(vec[0], list):
        raise ProviderError(f"The {SERVICE} answered one embedding per token, not per text: "
                            "turn pooling on for the model (llama.cpp: --pooling mean)")
    _shape(isinstance(vec, list) and bool(vec) and all(isinstance(v, (int, float)) for v in vec))
    return vec


class OpenAIImages:
    """ImageGenerator over /images/generations: one call per candidate (some models, such as
    dall-e-3, make one image a call). The API takes no seed: candidates are not reproducible,
    and say so in their params."""

    def __init__(self, settings: Settings) -> None:
        self.client = client(settings)
        self.model = settings.ai_openai_image_model
        self.size = settings.ai_openai_image_size
        self.info = ProviderInfo(name="openai-images", model=self.model, kind="remote",
                                 label=f"{self.model} (remote, OpenAI-compatible API)")

    def generate(self, request: ImageRequest) -> list[GeneratedImage]:
        request = request.resolved()
        width, height = dimensions(request, 64)
        size = self.size or f"{width}x{height}"
        payload = {"model": self.model, "prompt": styled_prompt(request), "n": 1, "size": size,
                   "response_format": "b64_json"}
        out = []
        for i in range(request.n):
            body = self.client.post("/images/generations", payload)
            data = body.get("data") if isinstance(body, dict) else None
            _shape(isinstance(data, list) and bool(data) and isinstance(data[0], dict)
                   and isinstance(data[0].get("b64_json"), str))
            png, w, h = decode_png(data[0]["b64_json"], SERVICE)
            params = {"size": size, "style": request.style, "aspect_ratio": request.aspect_ratio,
                      "seed_honoured": False}
            if isinstance(data[0].get("revised_prompt"), str):
                params["revised_prompt"] = data[0]["revised_prompt"]
            out.append(GeneratedImage(png, w, h, (request.seed + i) % (2**31), params))
        return out
