from __future__ import annotations

import pytest
from pydantic import ValidationError

from roost.ai import registry
from roost.ai.providers.base import Embedder, ImageGenerator, ImageRequest
from roost.cli.common import Fail, load_settings
from roost.config import Settings

pytestmark = pytest.mark.no_database


def test_defaults_are_the_builtin_providers():
    settings = Settings()
    registry.clear()
    emb = registry.embedder(settings)
    gen = registry.image_generator(settings)
    assert isinstance(emb, Embedder) and isinstance(gen, ImageGenerator)
    assert emb.info.kind == "builtin" and gen.info.kind == "builtin"
    assert gen.info.label == "Roost built-in sketch generator"
    assert registry.embedder(settings) is emb  # one instance per process
    assert registry.image_generator(settings) is gen


def test_unknown_provider_is_a_configuration_error(monkeypatch):
    monkeypatch.setenv("ROOST_AI_IMAGE_PROVIDER", "dall-e")
    with pytest.raises(ValidationError):
        Settings()
    with pytest.raises(Fail, match="ROOST_AI_IMAGE_PROVIDER must be one of builtin"):
        load_settings()
    monkeypatch.delenv("ROOST_AI_IMAGE_PROVIDER")
    monkeypatch.setenv("ROOST_AI_EMBEDDINGS_PROVIDER", "word2vec")
    with pytest.raises(Fail, match="ROOST_AI_EMBEDDINGS_PROVIDER must be one of builtin"):
        load_settings()


def test_registry_refuses_unknown_names_even_without_validation():
    settings = Settings.model_construct(ai_image_provider="nope", ai_embeddings_provider="builtin")
    with pytest.raises(registry.ProviderConfigError, match="ROOST_AI_IMAGE_PROVIDER"):
        registry.image_generator(settings)


async def test_async_helpers_run_off_the_loop():
    settings = Settings()
    vecs = await registry.embed(["a cat"], settings)
    assert len(vecs) == 1 and len(vecs[0]) == 384
    imgs = await registry.generate_images(ImageRequest("a cat", n=2, seed=1, size=64), settings)
    assert [i.seed for i in imgs] == [1, 2] and imgs[0].png.startswith(b"\x89PNG")
