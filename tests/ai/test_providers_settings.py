"""Provider settings are checked when Settings load: an unknown provider name, or a chosen
provider without its base URL, model or path, is a one-line startup error naming the setting."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from roost.ai import registry
from roost.cli.common import Fail, load_settings
from roost.config import Settings

pytestmark = pytest.mark.no_database


@pytest.mark.parametrize("env, message", [
    ({"ROOST_AI_IMAGE_PROVIDER": "openai"},
     "ROOST_AI_OPENAI_BASE_URL must be set when ROOST_AI_IMAGE_PROVIDER is openai; "
     "ROOST_AI_OPENAI_IMAGE_MODEL must be set when ROOST_AI_IMAGE_PROVIDER is openai"),
    ({"ROOST_AI_IMAGE_PROVIDER": "automatic1111"},
     "ROOST_AI_A1111_BASE_URL must be set when ROOST_AI_IMAGE_PROVIDER is automatic1111"),
    ({"ROOST_AI_IMAGE_PROVIDER": "diffusers"},
     "ROOST_AI_DIFFUSERS_PATH must be set when ROOST_AI_IMAGE_PROVIDER is diffusers"),
    ({"ROOST_AI_EMBEDDINGS_PROVIDER": "openai", "ROOST_AI_OPENAI_BASE_URL": "http://x/v1"},
     "ROOST_AI_OPENAI_EMBEDDINGS_MODEL must be set when ROOST_AI_EMBEDDINGS_PROVIDER is openai"),
    ({"ROOST_AI_TEXT_PROVIDER": "openai", "ROOST_AI_OPENAI_CHAT_MODEL": "m"},
     "ROOST_AI_OPENAI_BASE_URL must be set when ROOST_AI_TEXT_PROVIDER is openai"),
    ({"ROOST_AI_TEXT_MODERATION": "openai"},
     "ROOST_AI_OPENAI_BASE_URL must be set when ROOST_AI_TEXT_MODERATION is openai"),
    ({"ROOST_AI_IMAGE_PROVIDER": "automatic1111", "ROOST_AI_A1111_BASE_URL": "localhost:7860"},
     "ROOST_AI_A1111_BASE_URL must start with http:// or https://"),
    ({"ROOST_AI_OPENAI_IMAGE_SIZE": "1024"},
     "ROOST_AI_OPENAI_IMAGE_SIZE must be WIDTHxHEIGHT, e.g. 1024x1024 (got '1024')"),
    ({"ROOST_AI_TEXT_PROVIDER": "claude"},
     "ROOST_AI_TEXT_PROVIDER must be one of builtin, gguf, openai (got 'claude')"),
    ({"ROOST_AI_TEXT_MODERATION": "perspective"},
     "ROOST_AI_TEXT_MODERATION must be one of builtin, openai (got 'perspective')"),
])
def test_startup_errors_name_the_setting(monkeypatch, env, message):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ValidationError):
        Settings()
    with pytest.raises(Fail) as err:
        load_settings()
    assert err.value.message == f"Invalid configuration: {message}"


def test_a_diffusers_path_without_a_pipeline_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="no model_index.json"):
        Settings(ai_image_provider="diffusers", ai_diffusers_path=str(tmp_path))
    (tmp_path / "model_index.json").write_text(json.dumps({"_class_name": "X"}))
    s = Settings(ai_image_provider="diffusers", ai_diffusers_path=str(tmp_path))
    gen = registry.image_generator(s)
    assert gen.info.kind == "local" and gen.info.model == tmp_path.name
    assert gen.info.label == f"{tmp_path.name} (local diffusers pipeline)"


def test_a_complete_remote_configuration_loads_and_each_setting_change_is_a_new_instance():
    base = dict(ai_image_provider="openai", ai_openai_base_url="http://127.0.0.1:9/v1",
                ai_openai_image_model="a")
    first = registry.image_generator(Settings(**base))
    assert first is registry.image_generator(Settings(**base))
    other = registry.image_generator(Settings(**{**base, "ai_openai_image_model": "b"}))
    assert other is not first and other.info.model == "b"


def test_the_builtin_text_provider_by_default_and_gguf_needs_its_path():
    assert Settings().ai_text_provider == "builtin"
    with pytest.raises(ValueError, match="ROOST_AI_TEXT_MODEL_PATH must be set when "
                                         "ROOST_AI_TEXT_PROVIDER is gguf"):
        Settings(ai_text_provider="gguf")


def test_config_show_masks_the_key_and_url_passwords():
    from roost.cli import effective_settings

    s = Settings(ai_text_moderation="openai", ai_openai_api_key="sk-very-secret",
                 ai_openai_base_url="https://user:hunter2@llm.example/v1")
    rows = {name: value for name, value, _ in effective_settings(s)}
    assert rows["ROOST_AI_OPENAI_API_KEY"] == "******** (set)"
    assert "hunter2" not in rows["ROOST_AI_OPENAI_BASE_URL"]
    assert "sk-very-secret" not in repr(s) and "hunter2" not in str(rows)


def test_the_sketch_generator_keeps_the_builtin_embeddings():
    from roost.ai.providers.builtin_embeddings import BuiltinEmbedder

    s = Settings(ai_embeddings_provider="openai", ai_openai_base_url="http://127.0.0.1:9/v1",
                 ai_openai_embeddings_model="e")
    assert registry.embedder(s).info.kind == "remote"
    assert isinstance(registry.image_generator(s).matcher.embedder, BuiltinEmbedder)
