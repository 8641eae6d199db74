"""The assistant's built-in model and the whole mention → answer path, in-process.

    PYTHONPATH=src .venv/bin/python benchmarks/ai_assistant.py [--questions 5] [--max-tokens 128]
        [--json out.json]

1. Model: load time of SmolLM2-135M-Instruct (Q4_1 GGUF, llama-cpp-python), then for each of
   --questions prompts, streamed: time to first token and tokens per second (decoded tokens after
   the first / time after the first).
2. Mention to reply: on SQLite in a temporary directory, a person posts "@assistant <question>"
   through create_post (committed), then a worker drains the jobs; the figure is, per question,
   the time from that commit to the answer's commit (median and max), model warm."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

QUESTIONS = ["What is the capital of France?", "Give me a tip for sleeping better.",
             "Why is the sky blue?", "Suggest a name for a cat.", "How do I boil an egg?",
             "What is a good book to read on holiday?", "Explain what a lighthouse does.",
             "What should I cook tonight?"]


def model_figures(questions: list[str], max_tokens: int) -> dict:
    from roost.ai.providers.base import ChatMessage
    from roost.ai.providers.gguf_text import builtin

    gen = builtin()
    start = time.perf_counter()
    gen.load()
    load_s = time.perf_counter() - start
    llm = gen._model()
    gen.complete([ChatMessage("user", "Hello")], max_tokens=8)  # warm-up
    ttft, rates, tokens = [], [], []
    for i, q in enumerate(questions):
        msgs = [ChatMessage("system", "You are a helpful assistant."), ChatMessage("user", q)]
        t0 = time.perf_counter()
        first = None
        text = ""
        for piece in gen.stream(msgs, max_tokens=max_tokens, temperature=0.7, seed=i):
            if first is None:
                first = time.perf_counter()
            text += piece
        end = time.perf_counter()
        n = len(llm.tokenize(text.encode(), add_bos=False, special=False))
        ttft.append((first or end) - t0)
        tokens.append(n)
        if first is not None and n > 1 and end > first:
            rates.append((n - 1) / (end - first))
    return {"load_s": load_s, "ttft_median_s": statistics.median(ttft), "ttft_max_s": max(ttft),
            "tokens_per_s_median": statistics.median(rates) if rates else 0.0,
            "tokens_median": statistics.median(tokens), "threads": gen.threads}


async def mention_to_reply(questions: list[str], max_tokens: int) -> dict:
    import roost.tasks  # noqa: F401
    from roost import runtime
    from roost.accounts.service import create_account
    from roost.ai.assistant import account as assistant
    from roost.config import Settings
    from roost.db import Database
    from roost.jobs.worker import Worker
    from roost.migrate import upgrade
    from roost.models import AssistantAnswer
    from roost.posts import service as posts
    from sqlalchemy import select

    folder = Path(tempfile.mkdtemp(prefix="roost-bench-assistant-"))
    settings = Settings(data_dir=folder, ai_assistant_max_tokens=max_tokens,
                        ai_assistant_per_hour=10_000)
    db = Database(settings.effective_database_url)
    await upgrade(db.engine)
    runtime.bind(db=db, redis=None, settings=settings)
    await assistant.start(db, settings)
    async with db.unit_of_work() as session:
        person, _ = await create_account(session, username="asker", email="asker@example.com",
                                         password="long enough password")
    worker = Worker(db, concurrency=4)
    await worker.drain()
    times = []
    for q in questions:
        async with db.unit_of_work() as session:
            status = await posts.create_post(session, person, posts.NewPost(text=f"@assistant {q}"))
            status_id = status.id
        start = time.perf_counter()
        await worker.drain()
        async with db.session() as session:
            row = await session.scalar(select(AssistantAnswer).where(
                AssistantAnswer.question_status_id == status_id))
        assert row is not None and row.state == "answered", row
        times.append(time.perf_counter() - start)
    await db.dispose()
    return {"mention_to_reply_median_s": statistics.median(times),
            "mention_to_reply_max_s": max(times), "questions": len(times)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=int, default=5)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--json")
    args = ap.parse_args()
    questions = (QUESTIONS * 4)[:args.questions]
    figures = model_figures(questions, args.max_tokens)
    figures.update(asyncio.run(mention_to_reply(questions, args.max_tokens)))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    figures.update(commit=commit, loadavg=os.getloadavg(), max_tokens=args.max_tokens,
                   at=datetime.now(timezone.utc).isoformat(timespec="minutes"))
    print(f"commit {commit}, load average {figures['loadavg']}, max_tokens {args.max_tokens}")
    print("| what | figure |\n| --- | --- |")
    print(f"| model load (SmolLM2-135M Q4_1) | {figures['load_s']:.2f} s |")
    print(f"| time to first token, median / max | {figures['ttft_median_s'] * 1000:.0f} ms / "
          f"{figures['ttft_max_s'] * 1000:.0f} ms |")
    print(f"| decoding, median | {figures['tokens_per_s_median']:.1f} tokens/s "
          f"({figures['threads']} threads) |")
    print(f"| answer length, median | {figures['tokens_median']:.0f} tokens |")
    print(f"| mention → reply committed, median / max | "
          f"{figures['mention_to_reply_median_s']:.2f} s / {figures['mention_to_reply_max_s']:.2f} s |")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
