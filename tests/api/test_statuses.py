from __future__ import annotations


async def test_create_and_get_status(api, make):
    alice = await make.account("alice")
    r = await api.post("/api/v1/statuses", json={"status": "Hello #Roost @alice https://example.com/a"},
                       headers=alice.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["account"]["username"] == "alice"
    assert body["visibility"] == "public"
    assert 'href="http://roost.test/tags/roost"' in body["content"]
    assert body["tags"] == [{"name": "Roost", "url": "http://roost.test/tags/roost"}]
    assert body["mentions"][0]["username"] == "alice"
    assert body["application"]["name"] == "Test client"
    r2 = await api.get(f"/api/v1/statuses/{body['id']}")
    assert r2.status_code == 200
    assert r2.json()["content"] == body["content"]
    assert "favourited" not in r2.json()


async def test_status_html_is_escaped(api, make):
    alice = await make.account()
    r = await api.post("/api/v1/statuses", data={"status": "<script>alert(1)</script> & <b>x</b>"},
                       headers=alice.headers)
    assert r.status_code == 200
    assert "<script>" not in r.json()["content"]
    assert "&lt;script&gt;" in r.json()["content"]


async def test_blank_and_too_long_are_422(api, make):
    alice = await make.account()
    r = await api.post("/api/v1/statuses", json={"status": "   "}, headers=alice.headers)
    assert r.status_code == 422 and "blank" in r.json()["error"]
    r = await api.post("/api/v1/statuses", json={"status": "x" * 501}, headers=alice.headers)
    assert r.status_code == 422 and "500" in r.json()["error"]
    r = await api.post("/api/v1/statuses", json={"status": "hi", "visibility": "everyone"},
                       headers=alice.headers)
    assert r.status_code == 422


async def test_anonymous_cannot_post(api):
    r = await api.post("/api/v1/statuses", json={"status": "hi"})
    assert r.status_code == 401
    assert r.json() == {"error": "The access token is invalid"}


async def test_read_only_token_cannot_post(api, make):
    alice = await make.account()
    token = await make.token(alice, ["read"])
    r = await api.post("/api/v1/statuses", json={"status": "hi"},
                       headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403


async def test_idempotency_key_creates_one_post(api, make):
    alice = await make.account()
    h = {**alice.headers, "Idempotency-Key": "abc-123"}
    a = (await api.post("/api/v1/statuses", json={"status": "once"}, headers=h)).json()
    b = (await api.post("/api/v1/statuses", json={"status": "once"}, headers=h)).json()
    assert a["id"] == b["id"]
    me = (await api.get(f"/api/v1/statuses/{a['id']}", headers=alice.headers)).json()
    assert me["account"]["statuses_count"] == 1


async def test_reply_thread_context(api, make):
    alice, bob = await make.account(), await make.account()
    root = (await api.post("/api/v1/statuses", json={"status": "root"}, headers=alice.headers)).json()
    r1 = (await api.post("/api/v1/statuses", json={"status": "r1", "in_reply_to_id": root["id"]},
                         headers=bob.headers)).json()
    r2 = (await api.post("/api/v1/statuses", json={"status": "r2", "in_reply_to_id": r1["id"]},
                         headers=alice.headers)).json()
    r3 = (await api.post("/api/v1/statuses", json={"status": "r3", "in_reply_to_id": root["id"]},
                         headers=alice.headers)).json()
    ctx = (await api.get(f"/api/v1/statuses/{r1['id']}/context")).json()
    assert [s["id"] for s in ctx["ancestors"]] == [root["id"]]
    assert [s["id"] for s in ctx["descendants"]] == [r2["id"]]
    ctx = (await api.get(f"/api/v1/statuses/{root['id']}/context")).json()
    assert [s["id"] for s in ctx["descendants"]] == [r1["id"], r2["id"], r3["id"]]
    got = (await api.get(f"/api/v1/statuses/{root['id']}")).json()
    assert got["replies_count"] == 2
    assert r1["in_reply_to_account_id"] == alice.id


async def test_reply_to_missing_post_is_404(api, make):
    alice = await make.account()
    r = await api.post("/api/v1/statuses", json={"status": "x", "in_reply_to_id": "123"},
                       headers=alice.headers)
    assert r.status_code == 404


async def test_favourite_reblog_bookmark_cycle(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    post = (await api.post("/api/v1/statuses", json={"status": "like me"}, headers=alice.headers)).json()
    sid = post["id"]
    r = await api.post(f"/api/v1/statuses/{sid}/favourite", headers=bob.headers)
    assert r.status_code == 200 and r.json()["favourited"] is True and r.json()["favourites_count"] == 1
    r = await api.post(f"/api/v1/statuses/{sid}/favourite", headers=bob.headers)
    assert r.json()["favourites_count"] == 1
    r = await api.post(f"/api/v1/statuses/{sid}/reblog", headers=bob.headers)
    assert r.status_code == 200
    assert r.json()["reblog"]["id"] == sid and r.json()["reblog"]["reblogs_count"] == 1
    assert r.json()["reblogged"] is True
    r = await api.post(f"/api/v1/statuses/{sid}/bookmark", headers=bob.headers)
    assert r.json()["bookmarked"] is True
    bms = (await api.get("/api/v1/bookmarks", headers=bob.headers)).json()
    assert [s["id"] for s in bms] == [sid]
    favs = (await api.get("/api/v1/favourites", headers=bob.headers)).json()
    assert [s["id"] for s in favs] == [sid]
    who = (await api.get(f"/api/v1/statuses/{sid}/favourited_by")).json()
    assert [a["id"] for a in who] == [bob.id]
    who = (await api.get(f"/api/v1/statuses/{sid}/reblogged_by")).json()
    assert [a["id"] for a in who] == [bob.id]
    r = await api.post(f"/api/v1/statuses/{sid}/unreblog", headers=bob.headers)
    assert r.json()["reblogged"] is False and r.json()["reblogs_count"] == 0
    r = await api.post(f"/api/v1/statuses/{sid}/unfavourite", headers=bob.headers)
    assert r.json()["favourited"] is False and r.json()["favourites_count"] == 0
    r = await api.post(f"/api/v1/statuses/{sid}/unbookmark", headers=bob.headers)
    assert r.json()["bookmarked"] is False
    assert (await api.get("/api/v1/bookmarks", headers=bob.headers)).json() == []
    await run_jobs()


async def test_delete_and_redraft(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    post = (await api.post("/api/v1/statuses", json={"status": "oops #typo"}, headers=alice.headers)).json()
    r = await api.delete(f"/api/v1/statuses/{post['id']}", headers=bob.headers)
    assert r.status_code == 403
    r = await api.delete(f"/api/v1/statuses/{post['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json()["text"] == "oops #typo"
    assert (await api.get(f"/api/v1/statuses/{post['id']}")).status_code == 404
    await run_jobs()
    r = await api.delete(f"/api/v1/statuses/{post['id']}", headers=alice.headers)
    assert r.status_code == 404


async def test_private_post_visibility(api, make):
    alice, bob = await make.account(), await make.account()
    post = (await api.post("/api/v1/statuses", json={"status": "secret", "visibility": "private"},
                           headers=alice.headers)).json()
    assert (await api.get(f"/api/v1/statuses/{post['id']}")).status_code == 404
    assert (await api.get(f"/api/v1/statuses/{post['id']}", headers=bob.headers)).status_code == 404
    assert (await api.get(f"/api/v1/statuses/{post['id']}", headers=alice.headers)).status_code == 200
    r = await api.post(f"/api/v1/statuses/{post['id']}/reblog", headers=bob.headers)
    assert r.status_code == 404


async def test_direct_post_visible_to_mentioned_only(api, make):
    alice, bob, carol = await make.account("dm_alice"), await make.account("dm_bob"), await make.account()
    post = (await api.post("/api/v1/statuses", json={"status": "@dm_bob psst", "visibility": "direct"},
                           headers=alice.headers)).json()
    assert (await api.get(f"/api/v1/statuses/{post['id']}", headers=bob.headers)).status_code == 200
    assert (await api.get(f"/api/v1/statuses/{post['id']}", headers=carol.headers)).status_code == 404


async def test_nul_bytes_are_dropped_not_500(api, make):
    alice = await make.account()
    r = await api.post("/api/v1/statuses", json={"status": "a\x00b"}, headers=alice.headers)
    assert r.status_code == 200
    assert r.json()["content"] == "<p>ab</p>"


async def test_default_visibility_follows_the_posting_preference(api, make):
    alice = await make.account()
    r = await api.patch("/api/v1/accounts/update_credentials", data={"source[privacy]": "unlisted"},
                        headers=alice.headers)
    assert r.status_code == 200, r.text
    post = (await api.post("/api/v1/statuses", json={"status": "hi"}, headers=alice.headers)).json()
    assert post["visibility"] == "unlisted"
    post = (await api.post("/api/v1/statuses", json={"status": "hi", "visibility": "public"},
                           headers=alice.headers)).json()
    assert post["visibility"] == "public"
