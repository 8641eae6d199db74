"""Opt-out signals: X-Robots-Tag on pages and media, /robots.txt and /ai.txt."""

from __future__ import annotations

import io

from PIL import Image

ROOT = "/api/v1/roost/consent"


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buf, "PNG")
    return buf.getvalue()


async def consent(api, person, level: str) -> None:  # noqa: ANN001
    r = await api.put(ROOT, json={"training": level}, headers=person.headers)
    assert r.status_code == 200


async def post(api, person, text: str, **extra) -> dict:  # noqa: ANN001
    r = await api.post("/api/v1/statuses", json={"status": text, **extra}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_pages_say_noai_unless_everything_on_them_may_be_used(api, make):
    alice, bob = await make.account("alice_s"), await make.account("bob_s")
    mine = await post(api, alice, "usable")
    excluded = await post(api, alice, "not this one", roost_training_opt_out=True)
    tag = "X-Robots-Tag"
    assert (await api.get("/@alice_s")).headers[tag] == "noai, noimageai"  # default: nothing
    assert (await api.get(f"/@alice_s/{mine['id']}")).headers[tag] == "noai, noimageai"

    await consent(api, alice, "public_posts")
    assert tag not in (await api.get(f"/@alice_s/{mine['id']}")).headers
    assert (await api.get(f"/@alice_s/{excluded['id']}")).headers[tag] == "noai, noimageai"
    # the profile shows the excluded post too
    assert (await api.get("/@alice_s")).headers[tag] == "noai, noimageai"
    r = await api.put(f"/api/v1/roost/statuses/{excluded['id']}/training", json={"opt_out": False},
                      headers=alice.headers)
    assert r.status_code == 200
    assert tag not in (await api.get("/@alice_s")).headers

    # a reply by someone who did not consent marks the thread
    await post(api, bob, "@alice_s a reply", in_reply_to_id=mine["id"])
    assert (await api.get(f"/@alice_s/{mine['id']}")).headers[tag] == "noai, noimageai"
    assert (await api.get("/public")).headers[tag] == "noai, noimageai"  # other pages: always


async def test_media_files_carry_the_signal_of_their_post(api, make):
    alice = await make.account()
    media = (await api.post("/api/v2/media", files={"file": ("a.png", png(), "image/png")},
                            headers=alice.headers)).json()
    path = "/media/" + media["url"].split("/media/", 1)[1]
    r = await api.get(path)
    assert r.headers["X-Robots-Tag"] == "noai, noimageai"  # unattached
    assert "immutable" in r.headers["Cache-Control"]
    st = await post(api, alice, "a picture", media_ids=[media["id"]])
    assert (await api.get(path)).headers["X-Robots-Tag"] == "noai, noimageai"  # no consent yet
    await consent(api, alice, "all")
    r = await api.get(path)
    assert r.status_code == 200 and "X-Robots-Tag" not in r.headers
    assert r.headers["Cache-Control"] == "public, max-age=3600"  # a withdrawal reaches caches soon
    preview = "/media/" + st["media_attachments"][0]["preview_url"].split("/media/", 1)[1]
    assert "X-Robots-Tag" not in (await api.get(preview)).headers
    await api.put(f"/api/v1/roost/statuses/{st['id']}/training", json={"opt_out": True},
                  headers=alice.headers)
    assert (await api.get(path)).headers["X-Robots-Tag"] == "noai, noimageai"
    await api.put(f"/api/v1/roost/statuses/{st['id']}/training", json={"opt_out": False},
                  headers=alice.headers)
    await consent(api, alice, "none")  # withdrawn
    assert (await api.get(path)).headers["X-Robots-Tag"] == "noai, noimageai"


async def test_robots_and_ai_txt_allow_only_consented_content(api, make):
    alice, bob = await make.account("alice_r"), await make.account("bob_r")
    await consent(api, alice, "public_posts")
    excluded = await post(api, alice, "no", roost_training_opt_out=True)
    await post(api, bob, "bob has not consented")
    robots = await api.get("/robots.txt")
    assert robots.status_code == 200 and robots.headers["content-type"].startswith("text/plain")
    text = robots.text
    ai_block = text.split("User-agent: *")[0]
    for agent in ("GPTBot", "CCBot", "Google-Extended"):
        assert f"User-agent: {agent}\n" in ai_block
    assert "Allow: /@alice_r$\nAllow: /@alice_r/\n" in ai_block
    assert f"Disallow: /@alice_r/{excluded['id']}\n" in ai_block
    assert "bob_r" not in text and ai_block.rstrip().endswith("Disallow: /")
    assert text.endswith("User-agent: *\nDisallow:\n")  # other crawlers: not restricted here
    ai = (await api.get("/ai.txt")).text
    assert "User-Agent: *\nAllow: /@alice_r$" in ai and ai.rstrip().endswith("Disallow: /")
    await consent(api, alice, "none")
    assert "alice_r" not in (await api.get("/robots.txt")).text
