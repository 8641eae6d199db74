"""Remixing AI posts and their lineage (ancestors and descendants), with visibility applied."""

from __future__ import annotations

from tests.ai.generations import PROMPT, ROOT, post_ai, start


async def test_remix_needs_a_readable_ai_post(api, make):
    alice, bob = await make.account(), await make.account()
    plain = (await api.post("/api/v1/statuses", data={"status": "no pictures"},
                            headers=alice.headers)).json()
    r = await api.post(ROOT, data={"prompt": PROMPT, "remix_of": plain["id"]}, headers=bob.headers)
    assert r.status_code == 422 and "AI posts" in r.json()["error"]
    private = (await api.post("/api/v1/statuses", data={"status": "mine",
                                                       "visibility": "direct"},
                              headers=alice.headers)).json()
    r = await api.post(ROOT, data={"prompt": PROMPT, "remix_of": private["id"]},
                       headers=bob.headers)
    assert r.status_code == 404
    r = await api.post(ROOT, data={"prompt": PROMPT, "remix_of": "999"}, headers=bob.headers)
    assert r.status_code == 404


async def test_lineage_lists_ancestors_and_descendants(api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    first = await post_ai(api, alice, run_jobs, "the original")
    second = await post_ai(api, bob, run_jobs, "a remix", remix_of=first["id"])
    third = await post_ai(api, carol, run_jobs, "a remix of the remix", remix_of=second["id"])
    gen = await start(api, alice, remix_of=second["id"])
    assert gen["remix_of"] == second["id"]

    r = await api.get(f"/api/v1/roost/statuses/{second['id']}/lineage")
    assert r.status_code == 200, r.text
    assert [s["id"] for s in r.json()["ancestors"]] == [first["id"]]
    assert [s["id"] for s in r.json()["descendants"]] == [third["id"]]
    r = await api.get(f"/api/v1/roost/statuses/{first['id']}/lineage", headers=alice.headers)
    assert [s["id"] for s in r.json()["descendants"]] == [second["id"], third["id"]]
    r = await api.get(f"/api/v1/roost/statuses/{third['id']}/lineage")
    assert [s["id"] for s in r.json()["ancestors"]] == [first["id"], second["id"]]
    assert r.json()["ancestors"][0]["media_attachments"][0]["description"].startswith(
        "AI-generated image")


async def test_lineage_hides_what_the_viewer_cannot_read(api, make, run_jobs):
    alice, bob, eve = await make.account(), await make.account(), await make.account()
    first = await post_ai(api, alice, run_jobs, "public one")
    await post_ai(api, bob, run_jobs, "for bob only", remix_of=first["id"],
                  status={"visibility": "private"})
    r = await api.get(f"/api/v1/roost/statuses/{first['id']}/lineage", headers=eve.headers)
    assert r.status_code == 200 and r.json()["descendants"] == []
    r = await api.get(f"/api/v1/roost/statuses/{first['id']}/lineage", headers=bob.headers)
    assert len(r.json()["descendants"]) == 1
    assert (await api.get("/api/v1/roost/statuses/1/lineage")).status_code == 404
