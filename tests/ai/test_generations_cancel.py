"""Cancelling a running generation stops the drawing after the image being drawn."""

from __future__ import annotations

import asyncio
import io
import threading

import pytest
from PIL import Image

from roost.ai import registry
from roost.ai.providers.base import GeneratedImage, ImageRequest, ProviderInfo
from tests.ai.generations import ROOT, get, start


class GatedGenerator:
    """A provider whose first image waits until the test opens the gate."""

    info = ProviderInfo("gated-test", "gated-1", "local", "Gated test generator")

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.seeds: list[tuple[int, int]] = []  # (seed, n) per call

    def generate(self, request: ImageRequest) -> list[GeneratedImage]:
        self.seeds.append((request.seed, request.n))
        self.gate.wait(10)
        buf = io.BytesIO()
        Image.new("RGB", (64, 64), (40, 90, 160)).save(buf, "PNG")
        return [GeneratedImage(buf.getvalue(), 64, 64, request.seed)]


@pytest.fixture
def gated(monkeypatch):
    provider = GatedGenerator()
    monkeypatch.setitem(registry.IMAGES, "gated-test", lambda settings: provider)
    registry.clear()
    yield provider
    registry.clear()


@pytest.fixture
def settings_overrides(gated):
    return {"ai_image_provider": "gated-test"}


async def _until(condition, seconds: float = 10.0) -> None:  # noqa: ANN001
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


async def test_cancel_while_running_stops_after_the_current_image(api, make, run_jobs, gated):
    alice = await make.account()
    gen = await start(api, alice, n="4", seed="100")
    worker = asyncio.create_task(run_jobs())
    await _until(lambda: gated.seeds)
    assert (await get(api, alice, gen["id"]))["state"] == "running"
    r = await api.delete(f"{ROOT}/{gen['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    gated.gate.set()
    await worker
    assert gated.seeds == [(100, 1)]  # candidates 2-4 were never drawn
    after = await get(api, alice, gen["id"])
    assert after["state"] == "cancelled" and after["candidates"] == []


async def test_candidates_are_drawn_one_by_one_with_seed_plus_index(api, make, run_jobs, gated):
    alice = await make.account()
    gated.gate.set()
    gen = await start(api, alice, n="3", seed="2147483646")
    await run_jobs()
    after = await get(api, alice, gen["id"])
    assert after["state"] == "done" and len(after["candidates"]) == 3
    assert gated.seeds == [(2147483646, 1), (2147483647, 1), (0, 1)]  # past the largest seed it wraps to 0
