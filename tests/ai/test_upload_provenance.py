"""Uploads whose files claim AI generation are labelled in the Mastodon API; others are not."""

from __future__ import annotations

from roost.ai import provenance
from tests.ai.generations import events_of, path_of
from tests.ai.images import a1111_png, encode, photo, xmp_jpeg
from tests.openapi import check_schema


async def _upload(api, person, data: bytes, *, name: str = "a.png", **form) -> dict:  # noqa: ANN001
    r = await api.post("/api/v2/media", files={"file": (name, data, "application/octet-stream")},
                       data=form, headers=person.headers)
    assert r.status_code == 200, r.text
    check_schema("MediaAttachment", r.json())
    return r.json()


def _stamped() -> bytes:
    return provenance.stamp(encode(photo()), generator="other-roost", model="sketch-1",
                            prompt="a lighthouse at dusk", seed=42, instance="elsewhere.example")


async def test_a_roost_stamped_image_is_labelled_and_still_stripped(api, make, db):
    alice = await make.account()
    media = await _upload(api, alice, _stamped())
    assert media["roost"]["ai_generated"] is True
    found = media["roost"]["provenance"]
    assert found["source"] == "roost" and found["generator"] == "other-roost"
    assert found["instance"] == "elsewhere.example" and found["seed"] == 42
    assert found["prompt_sha256"] == provenance.prompt_hash("a lighthouse at dusk")
    assert media["description"] == "AI-generated image"
    stored = await api.get(path_of(media["url"]))
    assert stored.status_code == 200 and provenance.detect(stored.content) is None  # stripped
    [event] = await events_of(db, "ai.upload_provenance", int(media["id"]))
    assert event["source"] == "roost" and event["c2pa_manifest"] is False


async def test_the_person_s_description_gets_a_suffix_once(api, make):
    alice = await make.account()
    media = await _upload(api, alice, _stamped(), description="A lighthouse")
    assert media["description"] == "A lighthouse (AI-generated)"
    r = await api.put(f"/api/v1/media/{media['id']}", json={"description": media["description"]},
                      headers=alice.headers)
    assert r.json()["description"] == "A lighthouse (AI-generated)"

    post = await api.post("/api/v1/statuses", data={"status": "look", "media_ids[]": [media["id"]]},
                          headers=alice.headers)
    assert post.status_code == 200, post.text
    check_schema("Status", post.json())
    [shown] = post.json()["media_attachments"]
    assert shown["roost"]["ai_generated"] is True and shown["description"].endswith("(AI-generated)")


async def test_an_automatic1111_png_is_labelled_without_keeping_its_prompt(api, make):
    alice = await make.account()
    media = await _upload(api, alice, a1111_png("a castle on a hill"))
    found = media["roost"]["provenance"]
    assert found["source"] == "automatic1111" and found["seed"] == 1234
    assert found["model"] == "sd_xl_base_1.0" and "prompt" not in found
    assert found["prompt_sha256"] == provenance.prompt_hash("a castle on a hill")


async def test_an_iptc_jpeg_is_labelled(api, make):
    alice = await make.account()
    media = await _upload(api, alice, xmp_jpeg(), name="a.jpg")
    assert media["roost"]["provenance"]["source"] == "iptc"


async def test_plain_images_are_not_labelled(api, make, db):
    alice = await make.account()
    camera = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
    for data, name in ((encode(photo()), "a.png"), (encode(photo(), "JPEG"), "a.jpg"),
                       (xmp_jpeg(camera), "b.jpg")):
        media = await _upload(api, alice, data, name=name, description="my garden")
        assert "roost" not in media and media["description"] == "my garden"
        assert await events_of(db, "ai.upload_provenance", int(media["id"])) == []
