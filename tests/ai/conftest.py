from __future__ import annotations

import pytest

from roost.ai.providers.builtin_embeddings import BuiltinEmbedder
from roost.ai.providers.builtin_sketch import SketchGenerator


@pytest.fixture(scope="session")
def embedder() -> BuiltinEmbedder:
    return BuiltinEmbedder()


@pytest.fixture(scope="session")
def sketch(embedder) -> SketchGenerator:
    return SketchGenerator(embedder)
