"""An AI post read through Mastodon.py (a client that knows nothing of Roost's generations): the
label and the prompt reach it in the attachment's description, and Roost's `roost` extension
(prompt, provider, seed) survives the client's parsing."""

from __future__ import annotations

import httpx
import pytest

from tests.compat.mastodon_py import create_app, register, wait_for

PROMPT = "a red boat on a calm sea"
LABEL = "Roost built-in sketch generator"


@pytest.fixture(scope="module")
def client_app(live_server):
    return create_app(live_server, "compat-ai")


def test_ai_post_shows_label_and_prompt(live_server, client_app):
    author = register(live_server, client_app, "mp_ai_author")
    reader = register(live_server, client_app, "mp_ai_reader")
    auth = {"Authorization": f"Bearer {author.access_token}"}
    with httpx.Client(base_url=live_server.url, headers=auth, timeout=30) as http:
        gen = http.post("/api/v1/roost/generations", data={"prompt": PROMPT, "n": "1"}).json()
        done = wait_for(lambda: http.get(f"/api/v1/roost/generations/{gen['id']}").json(),
                        lambda g: g["state"] in ("done", "failed"), timeout=90)
        assert done["state"] == "done", done
        picked = http.post(f"/api/v1/roost/generations/{gen['id']}/pick",
                           data={"candidate_ids[]": [done["candidates"][0]["id"]]}).json()
    post = author.status_post("made with the built-in generator", media_ids=[picked[0]["id"]])

    status = reader.status(post["id"])
    [media] = status["media_attachments"]
    assert media["description"] == f"AI-generated image ({LABEL}): {PROMPT}"
    assert media["roost"]["ai_generated"] is True
    assert media["roost"]["prompt"] == PROMPT
    assert media["roost"]["provider"]["label"] == LABEL
    assert media["roost"]["seed"] == done["candidates"][0]["seed"]
    assert status["sensitive"] is False
    timeline = reader.timeline_public()
    seen = [s for s in timeline if s["id"] == post["id"]]
    assert seen and PROMPT in seen[0]["media_attachments"][0]["description"]
