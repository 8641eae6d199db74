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


@pytest.fixture(scope="session")
def fake_ai_server():
    """A loopback server answering like OpenAI images/moderations and Automatic1111."""
    from tests.ai import fake_servers

    fake = fake_servers.start()
    yield fake
    fake_servers.stop(fake)


@pytest.fixture
def fake(fake_ai_server):
    fake_ai_server.reset()
    yield fake_ai_server
    fake_ai_server.reset()
