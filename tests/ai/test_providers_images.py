"""Remote image providers (OpenAI-compatible images API, Automatic1111/Forge txt2img) against
small real HTTP servers on loopback (tests/ai/fake_servers.py): the request each sends, and a
generation through POST /api/v1/roost/generations that completes stamped and moderated — or
fails with a readable reason when the server is down, slow or broken."""

from __future__ import annotations

import pytest

from roost.ai import provenance
from roost.ai.providers.base import ImageRequest, ProviderError
from roost.ai.providers.openai_compat import OpenAIImages
from roost.config import Settings
from tests.ai.fake_servers import free_port
from tests.ai.generations import PROMPT, get, start

KEY = "sk-test-not-a-real-key-4242"


def openai_settings(url: str, **more) -> dict:
    return dict(ai_image_provider="openai", ai_openai_base_url=f"{url}/v1",
                ai_openai_api_key=KEY, ai_openai_image_model="tiny-image-1", **more)


def a1111_settings(url: str, **more) -> dict:
    return dict(ai_image_provider="automatic1111", ai_a1111_base_url=url, ai_a1111_steps=12,
                ai_a1111_cfg_scale=5.5, ai_a1111_sampler="Euler a", **more)


PRESETS = {
    "openai": lambda fake: openai_settings(fake.url),
    "openai-fast-timeout": lambda fake: openai_settings(fake.url, ai_openai_timeout=0.5),
    "openai-down": lambda fake: openai_settings(f"http://127.0.0.1:{free_port()}"),
    "a1111": lambda fake: a1111_settings(fake.url),
}


@pytest.fixture
def settings_overrides(request, fake) -> dict:
    return PRESETS[request.param](fake)


async def _generate(api, make, run_jobs, **params) -> tuple[dict, object]:  # noqa: ANN001
    alice = await make.account()
    gen = await start(api, alice, **params)
    await run_jobs()
    return await get(api, alice, gen["id"]), alice


async def _stamped(api, cand: dict, generator: str, model: str) -> bytes:  # noqa: ANN001
    r = await api.get(cand["url"].removeprefix("http://roost.test"))
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    found = provenance.detect(r.content)
    assert found is not None and found.source == "roost"
    assert (found.generator, found.model) == (generator, model)
    assert found.prompt_sha256 == provenance.prompt_hash(PROMPT) and found.seed == cand["seed"]
    return r.content


@pytest.mark.parametrize("settings_overrides", ["openai"], indirect=True)
async def test_openai_images_generation_completes_stamped(api, make, run_jobs, fake):
    done, _ = await _generate(api, make, run_jobs, n="2", seed="11", style="pixel")
    assert done["state"] == "done", done
    assert done["provider"] == {"name": "openai-images", "model": "tiny-image-1",
                                "label": "tiny-image-1 (remote, OpenAI-compatible API)"}
    calls = [r for r in fake.requests if r.path == "/v1/images/generations"]
    assert len(calls) == 2  # one image a call
    assert calls[0].headers["authorization"] == f"Bearer {KEY}"
    assert calls[0].body == {"model": "tiny-image-1", "prompt": f"{PROMPT}, pixel art", "n": 1,
                             "size": "512x512", "response_format": "b64_json"}
    cands = done["candidates"]
    assert [c["seed"] for c in cands] == [11, 12]
    assert all((c["width"], c["height"]) == (512, 512) for c in cands)
    files = [await _stamped(api, c, "openai-images", "tiny-image-1") for c in cands]
    assert files[0] != files[1]


@pytest.mark.parametrize("settings_overrides", ["a1111"], indirect=True)
async def test_automatic1111_generation_completes_stamped(api, make, run_jobs, fake):
    done, _ = await _generate(api, make, run_jobs, n="3", seed="40", aspect_ratio="16:9")
    assert done["state"] == "done", done
    assert done["provider"]["name"] == "automatic1111"
    bodies = [r.body for r in fake.requests if r.path == "/sdapi/v1/txt2img"]
    # seed s with batch_size b draws seeds s..s+b-1 (one call for all, or one per candidate)
    assert [b["seed"] + i for b in bodies for i in range(b["batch_size"])] == [40, 41, 42]
    for body in bodies:
        assert body["prompt"] == PROMPT and body["n_iter"] == 1
        assert (body["width"], body["height"], body["steps"], body["cfg_scale"]) == (
            512, 288, 12, 5.5)
        assert body["sampler_name"] == "Euler a"
        assert "override_settings" not in body  # no checkpoint set: the server's current one
    cands = done["candidates"]
    assert [c["seed"] for c in cands] == [40, 41, 42]  # A1111's seed + i, as Roost's rule
    assert all((c["width"], c["height"]) == (512, 288) for c in cands)
    files = [await _stamped(api, c, "automatic1111", "current") for c in cands]
    assert len(set(files)) == 3


@pytest.mark.parametrize("settings_overrides", ["openai"], indirect=True)
async def test_http_500_fails_the_generation_with_the_servers_reason(api, make, run_jobs, fake):
    fake.mode = "500"
    done, _ = await _generate(api, make, run_jobs, n="1")
    assert done["state"] == "failed" and done["candidates"] == []
    assert done["error"] == ("The OpenAI-compatible server answered HTTP 500: model not loaded "
                             "(key ***)")
    assert KEY not in done["error"]  # the server echoed the key: scrubbed


@pytest.mark.parametrize("settings_overrides", ["openai-down"], indirect=True)
async def test_server_down_fails_the_generation(api, make, run_jobs):
    done, _ = await _generate(api, make, run_jobs, n="1")
    assert done["state"] == "failed"
    assert done["error"].startswith("The OpenAI-compatible server could not be reached")


@pytest.mark.parametrize("settings_overrides", ["openai-fast-timeout"], indirect=True)
async def test_a_slow_server_times_out(api, make, run_jobs, fake):
    fake.mode, fake.delay = "slow", 1.5
    done, _ = await _generate(api, make, run_jobs, n="1")
    assert done["state"] == "failed"
    assert done["error"] == "The OpenAI-compatible server did not answer within 0.5 seconds"


@pytest.mark.parametrize("settings_overrides", ["a1111"], indirect=True)
async def test_a_wrong_shaped_answer_fails_readably(api, make, run_jobs, fake):
    fake.mode = "garbage"
    done, _ = await _generate(api, make, run_jobs, n="1")
    assert done["state"] == "failed"
    assert done["error"] == "The Automatic1111/Forge server answered in an unexpected shape"


def test_a1111_checkpoint_is_requested_and_named(fake):
    from roost.ai.providers.automatic1111 import Automatic1111Images

    gen = Automatic1111Images(Settings(**a1111_settings(fake.url, ai_a1111_model="sdxl-turbo")))
    assert gen.info.label == "Stable Diffusion (sdxl-turbo) on Automatic1111"
    [img] = gen.generate(ImageRequest("a fox", n=1, seed=5, size=64))
    body = fake.last("/sdapi/v1/txt2img").body
    assert body["override_settings"] == {"sd_model_checkpoint": "sdxl-turbo"}
    assert (img.width, img.height, img.seed) == (64, 64, 5)
    assert img.params["sd_model_name"] == "tiny-test-model"


def test_errors_never_hold_the_key(fake, caplog):
    gen = OpenAIImages(Settings(**openai_settings(fake.url)))
    for mode, message in [("500", "The OpenAI-compatible server answered HTTP 500: model not "
                                  "loaded (key ***)"),
                          ("401", "The OpenAI-compatible server refused the credentials (HTTP "
                                  "401); check the API key setting")]:
        fake.mode = mode
        with pytest.raises(ProviderError) as err:
            gen.generate(ImageRequest("a fox", size=64))
        assert str(err.value) == message
    assert KEY not in caplog.text and "127.0.0.1" in caplog.text  # logged: host, never the key
    assert KEY not in repr(Settings(**openai_settings(fake.url)))  # a secret in settings
