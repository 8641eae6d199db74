"""Accounts through the Mastodon API: credentials, profiles, lookups, profile timelines, search,
preferences and markers, suspension and deletion."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from roost.accounts import service as accounts
from roost.kit.errors import Invalid
from roost.models import Account, Event, Status
from tests.openapi import check_schema

MISSING_AVATAR = "http://roost.test/static/avatar-missing.png"


def _png(size: tuple[int, int] = (64, 64), colour: str = "teal") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _events(db, type_: str) -> list[dict]:  # noqa: ANN001
    async with db.session() as s:
        return list((await s.execute(select(Event.data).where(Event.type == type_)
                                     .order_by(Event.seq))).scalars())


async def _moderate(db, fn, person, moderator=None):  # noqa: ANN001, ANN202
    async with db.unit_of_work() as s:
        target = await s.get(Account, person.account.id)
        mod = await s.get(Account, moderator.account.id) if moderator else None
        return await fn(s, mod, target)


def _links(response) -> dict[str, str]:  # noqa: ANN001
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["link"])}


# ---- credentials --------------------------------------------------------------------------------

async def test_verify_credentials_has_source_and_role(api, make):
    alice = await make.account("alice", display_name="Alice")
    r = await api.get("/api/v1/accounts/verify_credentials", headers=alice.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == alice.id and body["username"] == "alice" and body["acct"] == "alice"
    assert body["display_name"] == "Alice"
    assert body["source"]["privacy"] == "public" and body["source"]["sensitive"] is False
    assert body["source"]["note"] == "" and body["source"]["fields"] == []
    assert body["source"]["follow_requests_count"] == 0
    assert set(body["role"]) >= {"id", "name", "color", "permissions", "highlighted"}


async def test_verify_credentials_scopes(api, make):
    alice = await make.account()
    assert (await api.get("/api/v1/accounts/verify_credentials")).status_code == 401
    bad = await make.token(alice, ["write:statuses"])
    assert (await api.get("/api/v1/accounts/verify_credentials", headers=_auth(bad))).status_code == 403
    for scopes in (["profile"], ["read:accounts"], ["read"]):
        token = await make.token(alice, scopes)
        r = await api.get("/api/v1/accounts/verify_credentials", headers=_auth(token))
        assert r.status_code == 200 and r.json()["id"] == alice.id


async def test_follow_requests_count_in_source(api, make):
    alice, bob = await make.account(locked=True), await make.account()
    assert (await api.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.headers)).status_code == 200
    body = (await api.get("/api/v1/accounts/verify_credentials", headers=alice.headers)).json()
    assert body["source"]["follow_requests_count"] == 1


async def test_unlocking_accepts_pending_follow_requests(api, make):
    alice, bob = await make.account(locked=True), await make.account()
    await api.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.headers)
    r = await api.patch("/api/v1/accounts/update_credentials", json={"locked": False},
                        headers=alice.headers)
    assert r.status_code == 200 and r.json()["locked"] is False
    assert r.json()["followers_count"] == 1 and r.json()["source"]["follow_requests_count"] == 0
    rel = (await api.get("/api/v1/accounts/relationships", params={"id[]": alice.id},
                         headers=bob.headers)).json()[0]
    assert rel["following"] is True and rel["requested"] is False


# ---- update_credentials -------------------------------------------------------------------------

async def test_update_credentials_multipart(api, make, db):
    alice, bob = await make.account("alice"), await make.account("bob")
    form = {
        "display_name": "Alice Liddell",
        "note": "Friend of @bob and @nobody, see https://example.com/wonder #Tea",
        "locked": "true",
        "fields_attributes[0][name]": "Home",
        "fields_attributes[0][value]": "https://alice.example",
        "fields_attributes[1][name]": "Pronouns",
        "fields_attributes[1][value]": "she/her",
        "source[privacy]": "unlisted",
        "source[sensitive]": "1",
        "source[language]": "en",
    }
    r = await api.patch("/api/v1/accounts/update_credentials", data=form,
                        files={"unused": ("x.txt", b"x", "text/plain")}, headers=alice.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["display_name"] == "Alice Liddell" and body["locked"] is True
    note = body["note"]
    assert '<a href="http://roost.test/@bob" class="u-url mention">@<span>bob</span></a>' in note
    assert "@nobody" in note and 'href="http://roost.test/@nobody"' not in note
    assert 'href="https://example.com/wonder"' in note
    assert 'href="http://roost.test/tags/tea"' in note
    assert body["fields"][0]["name"] == "Home"
    assert body["fields"][0]["value"].startswith('<a href="https://alice.example"')
    assert body["fields"][1] == {"name": "Pronouns", "value": "she/her", "verified_at": None}
    assert body["source"]["note"] == form["note"]
    assert body["source"]["fields"][0]["value"] == "https://alice.example"
    assert body["source"]["privacy"] == "unlisted" and body["source"]["sensitive"] is True
    assert body["source"]["language"] == "en"

    public = (await api.get(f"/api/v1/accounts/{alice.id}")).json()
    assert public["note"] == note and public["display_name"] == "Alice Liddell"
    assert "source" not in public
    updated = await _events(db, "account.updated")
    assert updated[-1]["account_id"] == alice.id
    assert {"display_name", "note", "fields", "locked", "source"} <= set(updated[-1]["fields"])
    assert (await api.get(f"/api/v1/accounts/{bob.id}")).json()["display_name"] == ""


async def test_update_credentials_json_and_partial(api, make):
    alice = await make.account()
    r = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers, json={
        "display_name": "A", "bot": True, "discoverable": False, "note": "first",
        "fields_attributes": [{"name": "a", "value": "1"}, {"name": "", "value": ""}],
    })
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["bot"] is True and body["discoverable"] is False
    assert [f["name"] for f in body["fields"]] == ["a"]  # blank rows are dropped
    # Only what is sent changes.
    r = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers,
                        json={"display_name": "B"})
    body = r.json()
    assert body["display_name"] == "B" and body["bot"] is True and body["source"]["note"] == "first"
    assert [f["name"] for f in body["fields"]] == ["a"]
    # Fields sent as a hash keyed by index (as Rails forms do) replace the old ones.
    r = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers,
                        json={"fields_attributes": {"1": {"name": "y", "value": "2"},
                                                    "0": {"name": "x", "value": "1"}}})
    assert [f["name"] for f in r.json()["fields"]] == ["x", "y"]


async def test_markup_in_profile_is_escaped(api, make):
    alice = await make.account()
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    r = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers, data={
        "display_name": "<b>x</b>\x00", "note": evil,
        "fields_attributes[0][name]": "<i>n</i>", "fields_attributes[0][value]": evil,
    })
    assert r.status_code == 200, r.text
    body = r.json()
    for html in (body["note"], body["fields"][0]["value"]):
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;" in html
    # display_name and field names are plain text in the Mastodon API (clients escape them);
    # they are stored as given, minus control characters.
    assert body["display_name"] == "<b>x</b>"
    assert body["fields"][0]["name"] == "<i>n</i>"


async def test_update_credentials_limits(api, make):
    alice = await make.account(display_name="Before")
    cases = [
        {"display_name": "x" * 31},
        {"note": "y" * 501},
        {"fields_attributes": [{"name": str(i), "value": "v"} for i in range(5)]},
        {"fields_attributes": [{"name": "n", "value": "v" * 256}]},
        {"source": {"privacy": "direct"}},
        {"source": {"language": "not a language"}},
        {"avatar": "not-a-file"},
    ]
    for params in cases:
        r = await api.patch("/api/v1/accounts/update_credentials", json=params, headers=alice.headers)
        assert r.status_code == 422, (params, r.text)
        assert "error" in r.json()
    ok = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers,
                         json={"display_name": "x" * 30, "note": "https://example.com/" + "z" * 600})
    assert ok.status_code == 200, ok.text  # a link counts as 23 characters
    assert ok.json()["display_name"] == "x" * 30


async def test_update_credentials_authorisation(api, make):
    alice, bob = await make.account(display_name="Alice"), await make.account()
    r = await api.patch("/api/v1/accounts/update_credentials", json={"display_name": "Hacked"})
    assert r.status_code == 401
    read_only = await make.token(alice, ["read"])
    r = await api.patch("/api/v1/accounts/update_credentials", json={"display_name": "Hacked"},
                        headers=_auth(read_only))
    assert r.status_code == 403
    # Bob's token can only ever change Bob.
    r = await api.patch("/api/v1/accounts/update_credentials",
                        json={"display_name": "Hacked", "id": alice.id}, headers=bob.headers)
    assert r.status_code == 200 and r.json()["id"] == bob.id
    assert (await api.get(f"/api/v1/accounts/{alice.id}")).json()["display_name"] == "Alice"


async def test_avatar_and_header_upload(api, make):
    alice = await make.account()
    r = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers,
                        files={"avatar": ("me.png", _png(), "image/png"),
                               "header": ("top.png", _png((300, 100), "navy"), "image/png")},
                        data={"display_name": "Pictured"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["display_name"] == "Pictured"
    assert body["avatar"] != MISSING_AVATAR and "/media/avatars/" in body["avatar"]
    assert "/media/headers/" in body["header"]
    served = await api.get(body["avatar"].removeprefix("http://roost.test"))
    assert served.status_code == 200 and served.content
    r = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers,
                        files={"avatar": ("bad.png", b"not an image", "image/png")})
    assert r.status_code == 422
    again = (await api.get("/api/v1/accounts/verify_credentials", headers=alice.headers)).json()
    assert again["avatar"] == body["avatar"]


async def test_delete_avatar_and_header(api, make, app):
    alice = await make.account()
    r = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers,
                        files={"avatar": ("me.png", _png(), "image/png")})
    avatar = r.json()["avatar"]
    stored = app.state.settings.media_dir / avatar.split("/media/", 1)[1]
    assert stored.is_file()
    assert (await api.delete("/api/v1/profile/avatar")).status_code == 401
    read_only = await make.token(alice, ["read"])
    assert (await api.delete("/api/v1/profile/avatar", headers=_auth(read_only))).status_code == 403
    r = await api.delete("/api/v1/profile/avatar", headers=alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["avatar"] == MISSING_AVATAR and "source" in r.json()
    assert not stored.exists()
    r = await api.delete("/api/v1/profile/header", headers=alice.headers)  # none set: a no-op
    assert r.status_code == 200 and r.json()["header"].endswith("/static/header-missing.png")


# ---- profiles and lookup ------------------------------------------------------------------------

async def test_get_account_and_unknown_ids(api, make):
    alice = await make.account("alice")
    r = await api.get(f"/api/v1/accounts/{alice.id}")
    assert r.status_code == 200 and r.json()["username"] == "alice"
    for bad in ("123", "abc", "9" * 30, "-1"):
        r = await api.get(f"/api/v1/accounts/{bad}")
        assert r.status_code == 404, bad
        assert r.json() == {"error": "Record not found"}


@pytest.mark.parametrize("settings_overrides", [{"registrations": "approval"}])
async def test_get_several_accounts(api, make, db):
    """GET /api/v1/accounts?id[]= (Mastodon 4.3): in the order asked, unknown, deleted and
    unapproved ones left out, suspended ones shown as suspended; at most 40 ids."""
    alice, bob, gone, banned = (await make.account("alice"), await make.account("bob"),
                                await make.account("gone"), await make.account("banned"))
    await _moderate(db, accounts.suspend, banned)
    async with db.unit_of_work() as s:
        await accounts.delete_account(s, await s.get(Account, gone.account.id))
    signup = await api.post("/api/v1/accounts", json={
        "username": "waiting", "email": "waiting@example.org", "password": "a long enough password",
        "agreement": True}, headers={"Authorization": f"Bearer {await make.app_token(['write'])}"})
    assert signup.status_code == 200, signup.text
    async with db.session() as s:
        waiting = (await s.execute(select(Account.id).where(Account.username == "waiting"))).scalar_one()

    ids = [bob.id, "12345", alice.id, gone.id, str(waiting), banned.id, bob.id, "junk"]
    r = await api.get("/api/v1/accounts", params={"id[]": ids})
    assert r.status_code == 200, r.text
    assert [a["username"] for a in r.json()] == ["bob", "alice", "banned"]
    assert r.json()[2]["suspended"] is True
    for account in r.json():
        check_schema("Account", account)
    assert (await api.get("/api/v1/accounts", headers=alice.headers)).json() == []
    r = await api.get("/api/v1/accounts", params={"id[]": [str(i) for i in range(1, 42)]})
    assert r.status_code == 422


async def test_lookup(api, make):
    alice = await make.account("Alice_1")
    for acct in ("Alice_1", "alice_1", "@alice_1", "alice_1@roost.test"):
        r = await api.get("/api/v1/accounts/lookup", params={"acct": acct})
        assert r.status_code == 200, acct
        assert r.json()["id"] == alice.id
    for acct in ("alice_1@elsewhere.example", "nobody", "", "@"):
        assert (await api.get("/api/v1/accounts/lookup", params={"acct": acct})).status_code == 404


# ---- profile timelines --------------------------------------------------------------------------

async def test_account_statuses_filters(api, make):
    alice, bob = await make.account(), await make.account()
    other = await make.post(bob, "bob's post")
    plain = await make.post(alice, "plain")
    reply = await make.post(alice, "a reply", in_reply_to_id=other.id)
    thread = await make.post(alice, "more", in_reply_to_id=plain.id)
    tagged = await make.post(alice, "about #Roost")
    upload = await api.post("/api/v2/media", files={"file": ("a.png", _png(), "image/png")},
                            headers=alice.headers)
    assert upload.status_code in (200, 202), upload.text
    media = await make.post(alice, "picture", media_ids=[upload.json()["id"]])
    reblog = (await api.post(f"/api/v1/statuses/{other.id}/reblog", headers=alice.headers)).json()
    await api.post(f"/api/v1/statuses/{tagged.id}/pin", headers=alice.headers)

    async def ids(**params) -> list[str]:
        r = await api.get(f"/api/v1/accounts/{alice.id}/statuses", params=params)
        assert r.status_code == 200, r.text
        return [s["id"] for s in r.json()]

    everything = [reblog["id"], str(media.id), str(tagged.id), str(thread.id), str(reply.id),
                  str(plain.id)]
    assert await ids() == everything
    assert await ids(exclude_replies="true") == [reblog["id"], str(media.id), str(tagged.id),
                                                 str(thread.id), str(plain.id)]
    assert await ids(exclude_reblogs="true") == everything[1:]
    assert await ids(only_media="true") == [str(media.id)]
    assert await ids(tagged="roost") == [str(tagged.id)]
    assert await ids(tagged="#ROOST") == [str(tagged.id)]
    assert await ids(pinned="true") == [str(tagged.id)]
    assert await ids(tagged="nothing") == []
    rendered = (await api.get(f"/api/v1/accounts/{alice.id}/statuses",
                              params={"pinned": "true"}, headers=alice.headers)).json()
    assert rendered[0]["pinned"] is True
    assert (await api.get("/api/v1/accounts/1/statuses")).status_code == 404


async def test_account_statuses_paging(api, make):
    alice = await make.account()
    posts = [await make.post(alice, f"post {i}") for i in range(5)]
    newest_first = [str(p.id) for p in reversed(posts)]
    r = await api.get(f"/api/v1/accounts/{alice.id}/statuses", params={"limit": 2})
    assert [s["id"] for s in r.json()] == newest_first[:2]
    links = _links(r)
    assert f"max_id={newest_first[1]}" in links["next"] and f"min_id={newest_first[0]}" in links["prev"]
    r = await api.get(links["next"].removeprefix("http://roost.test"))
    assert [s["id"] for s in r.json()] == newest_first[2:4]
    r = await api.get(f"/api/v1/accounts/{alice.id}/statuses",
                      params={"min_id": newest_first[3], "limit": 2})
    assert [s["id"] for s in r.json()] == newest_first[1:3]
    r = await api.get(f"/api/v1/accounts/{alice.id}/statuses", params={"since_id": newest_first[1]})
    assert [s["id"] for s in r.json()] == newest_first[:1]
    r = await api.get(f"/api/v1/accounts/{alice.id}/statuses", params={"max_id": newest_first[-1]})
    assert r.json() == [] and "link" not in r.headers


async def test_account_statuses_respect_visibility_and_blocks(api, make):
    alice, follower, stranger, friend = (await make.account(), await make.account(),
                                         await make.account(), await make.account())
    await make.follow(follower, alice)
    public = await make.post(alice, "for all")
    unlisted = await make.post(alice, "quiet", visibility="unlisted")
    private = await make.post(alice, "followers only", visibility="private")
    direct = await make.post(alice, f"@{friend.account.username} psst", visibility="direct")

    async def seen(person=None) -> set[int]:  # noqa: ANN001
        r = await api.get(f"/api/v1/accounts/{alice.id}/statuses",
                          headers=person.headers if person else None)
        return {int(s["id"]) for s in r.json()}

    assert await seen() == {public.id, unlisted.id}
    assert await seen(stranger) == {public.id, unlisted.id}
    assert await seen(follower) == {public.id, unlisted.id, private.id}
    assert await seen(friend) == {public.id, unlisted.id, direct.id}
    assert await seen(alice) == {public.id, unlisted.id, private.id, direct.id}
    assert (await api.post(f"/api/v1/accounts/{stranger.id}/block", headers=alice.headers)).status_code == 200
    assert await seen(stranger) == set()


# ---- suspension and deletion --------------------------------------------------------------------

async def test_suspended_account_is_hidden_and_signed_out(api, make, db):
    mod = await make.account(role="moderator")
    alice, bob = await make.account("alice", display_name="Alice"), await make.account()
    post = await make.post(alice, "before")
    await _moderate(db, accounts.suspend, alice, mod)

    body = (await api.get(f"/api/v1/accounts/{alice.id}")).json()
    assert body["suspended"] is True and body["display_name"] == "" and body["statuses_count"] == 0
    assert (await api.get("/api/v1/accounts/lookup", params={"acct": "alice"})).json()["suspended"]
    assert (await api.get(f"/api/v1/accounts/{alice.id}/statuses")).json() == []
    assert (await api.get(f"/api/v1/statuses/{post.id}", headers=bob.headers)).status_code == 404
    search = await api.get("/api/v1/accounts/search", params={"q": "alice"}, headers=bob.headers)
    assert search.json() == []
    # Her tokens were revoked, and any token she still had would be refused as well.
    assert (await api.get("/api/v1/accounts/verify_credentials", headers=alice.headers)).status_code == 401
    fresh = await make.token(alice, ["read"])
    r = await api.get("/api/v1/accounts/verify_credentials", headers=_auth(fresh))
    assert r.status_code == 403
    assert (await _events(db, "account.suspended"))[-1] == {"account_id": alice.id, "suspended": True}

    await _moderate(db, accounts.unsuspend, alice, mod)
    assert (await api.get(f"/api/v1/statuses/{post.id}")).status_code == 200
    assert (await api.get(f"/api/v1/accounts/{alice.id}")).json()["display_name"] == "Alice"
    assert (await api.get("/api/v1/accounts/verify_credentials", headers=_auth(fresh))).status_code == 200


async def test_deleted_account_is_gone_and_its_posts_erased(api, make, db, run_jobs):
    alice, bob = await make.account("alice"), await make.account()
    await make.follow(bob, alice)
    await make.follow(alice, bob)
    mine = await make.post(alice, "secret words #gone")
    bobs = await make.post(bob, "bob's")
    await api.post(f"/api/v1/statuses/{bobs.id}/favourite", headers=alice.headers)
    await api.post(f"/api/v1/statuses/{bobs.id}/reblog", headers=alice.headers)
    await make.post(alice, "a reply", in_reply_to_id=bobs.id)
    async with db.unit_of_work() as s:
        await accounts.delete_account(s, await s.get(Account, alice.account.id),
                                      password="correct horse battery")

    assert (await api.get(f"/api/v1/accounts/{alice.id}")).status_code == 404
    assert (await api.get("/api/v1/accounts/lookup", params={"acct": "alice"})).status_code == 404
    assert (await api.get(f"/api/v1/accounts/{alice.id}/statuses")).status_code == 404
    assert (await api.get(f"/api/v1/statuses/{mine.id}")).status_code == 404
    assert (await api.get("/api/v1/accounts/verify_credentials", headers=alice.headers)).status_code == 401
    await run_jobs()
    async with db.session() as s:
        rows = list((await s.execute(select(Status).where(Status.account_id == alice.account.id)))
                    .scalars())
        assert rows and all(r.deleted_at is not None and r.text == "" and r.content_html == ""
                            for r in rows)
        assert all(r.reblog_of_id is None for r in rows)
    bob_now = (await api.get(f"/api/v1/accounts/{bob.id}")).json()
    assert bob_now["followers_count"] == 0 and bob_now["following_count"] == 0
    post = (await api.get(f"/api/v1/statuses/{bobs.id}")).json()
    assert post["favourites_count"] == 0 and post["reblogs_count"] == 0 and post["replies_count"] == 0
    assert await _events(db, "account.deleted") == [{"account_id": alice.id}]
    r = await api.get("/api/v1/accounts/search", params={"q": "alice"}, headers=bob.headers)
    assert r.json() == []
    # The username stays taken; the email address is free again.
    async with db.session() as s:
        with pytest.raises(Invalid, match="taken"):
            await accounts.create_account(s, username="Alice", email="new@example.com",
                                          password="another password")
        again, _ = await accounts.create_account(s, username="alice2", email="alice@example.com",
                                                 password="another password")
        assert again.id != alice.account.id
        await s.rollback()


# ---- search -------------------------------------------------------------------------------------

async def test_search_accounts(api, make):
    viewer = await make.account("viewer")
    ann = await make.account("ann_b", display_name="Annie Bell")
    anna = await make.account("annabel", display_name="Zed")
    carl = await make.account("carl", display_name="Carl Annson")
    await make.account("annxb")

    async def names(**params) -> list[str]:
        r = await api.get("/api/v1/accounts/search", params=params, headers=viewer.headers)
        assert r.status_code == 200, r.text
        return [a["username"] for a in r.json()]

    assert set(await names(q="ann")) == {"ann_b", "annabel", "carl", "annxb"}
    assert await names(q="ANN_") == ["ann_b"]  # "_" is not a wildcard
    assert await names(q="@annabel") == ["annabel"]
    assert await names(q="annabel@roost.test") == ["annabel"]
    assert await names(q="annabel@elsewhere.example") == []
    assert await names(q="bell") == ["ann_b"]  # a word of the display name
    assert len(await names(q="ann", limit=2)) == 2
    assert await names(q="zzz") == [] and await names(q="") == []
    await make.follow(viewer, carl)
    assert await names(q="ann", following="true") == ["carl"]
    # An exact username comes first.
    assert (await names(q="annabel"))[0] == "annabel"
    assert ann and anna
    assert (await api.get("/api/v1/accounts/search", params={"q": "ann"})).status_code == 401


async def test_v2_search(api, make):
    alice, bob = await make.account("alice"), await make.account("bobby")
    own = await make.post(alice, "Talking about Cheese today #CheeseLovers")
    others = await make.post(bob, "cheese is great")
    await make.post(bob, "also cheese, unrelated")

    r = await api.get("/api/v2/search", params={"q": "cheese"}, headers=alice.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [s["id"] for s in body["statuses"]] == [str(own.id)]
    assert [t["name"] for t in body["hashtags"]] == ["CheeseLovers"]
    await api.post(f"/api/v1/statuses/{others.id}/favourite", headers=alice.headers)
    body = (await api.get("/api/v2/search", params={"q": "CHEESE", "type": "statuses"},
                          headers=alice.headers)).json()
    assert [s["id"] for s in body["statuses"]] == [str(others.id), str(own.id)]
    assert body["accounts"] == [] and body["hashtags"] == []
    url = f"http://roost.test/@bobby/{others.id}"
    body = (await api.get("/api/v2/search", params={"q": url}, headers=alice.headers)).json()
    assert [s["id"] for s in body["statuses"]] == [str(others.id)]

    body = (await api.get("/api/v2/search", params={"q": "bob", "type": "accounts"})).json()
    assert [a["username"] for a in body["accounts"]] == ["bobby"]
    anon = (await api.get("/api/v2/search", params={"q": "cheese"})).json()
    assert anon["statuses"] == [] and [t["name"] for t in anon["hashtags"]] == ["CheeseLovers"]
    r = await api.get("/api/v2/search", params={"q": "cheese", "offset": 1})
    assert r.status_code == 401


async def test_search_limit_and_offset_are_clamped(api, make):
    # found by the schema-conformance run: a 21-digit offset reached the database, a 500
    alice = await make.account("alice")
    await make.account("alicia")
    huge = str(10**20)

    async def v2(**params) -> list[str]:
        r = await api.get("/api/v2/search", params={"q": "ali", "type": "accounts", **params},
                          headers=alice.headers)
        assert r.status_code == 200, (params, r.text)
        return [a["username"] for a in r.json()["accounts"]]

    assert await v2(offset=huge) == [] and await v2(offset="9" * 5000) == []
    assert await v2(offset="-3") == await v2(offset="soon") == ["alice", "alicia"]
    assert await v2(limit=huge) == await v2(limit="lots") == ["alice", "alicia"]
    assert await v2(limit="-1") == ["alice"] and await v2(offset=1) == ["alicia"]
    r = await api.get("/api/v2/search", params={"q": "ali", "offset": huge, "limit": huge},
                      headers=alice.headers)
    assert r.status_code == 200 and r.json() == {"accounts": [], "statuses": [], "hashtags": []}

    async def v1(**params) -> list[str]:
        r = await api.get("/api/v1/accounts/search", params={"q": "ali", **params},
                          headers=alice.headers)
        assert r.status_code == 200, (params, r.text)
        return [a["username"] for a in r.json()]

    assert await v1(offset=huge) == [] and await v1(limit="x", offset="y") == ["alice", "alicia"]
    assert await v1(limit="0") == ["alice"] and await v1(limit=str(-10**30)) == ["alice"]


# ---- preferences and markers --------------------------------------------------------------------

async def test_preferences_follow_source(api, make):
    alice = await make.account()
    assert (await api.get("/api/v1/preferences")).status_code == 401
    prefs = (await api.get("/api/v1/preferences", headers=alice.headers)).json()
    assert prefs["posting:default:visibility"] == "public"
    assert prefs["posting:default:sensitive"] is False and prefs["reading:expand:spoilers"] is False
    await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers,
                    json={"source": {"privacy": "private", "language": "de"}})
    prefs = (await api.get("/api/v1/preferences", headers=alice.headers)).json()
    assert prefs["posting:default:visibility"] == "private"
    assert prefs["posting:default:language"] == "de"


async def test_markers(api, make):
    alice, bob = await make.account(), await make.account()
    r = await api.get("/api/v1/markers", params={"timeline[]": ["home", "notifications"]},
                      headers=alice.headers)
    assert r.status_code == 200 and r.json() == {}
    r = await api.post("/api/v1/markers", headers=alice.headers,
                       json={"home": {"last_read_id": "103"}, "notifications": {"last_read_id": "7"}})
    assert r.status_code == 200, r.text
    assert r.json()["home"]["last_read_id"] == "103" and r.json()["home"]["version"] == 1
    r = await api.post("/api/v1/markers", headers=alice.headers, data={"home[last_read_id]": "200"})
    assert r.json()["home"] == {"last_read_id": "200", "version": 2,
                                "updated_at": r.json()["home"]["updated_at"]}
    r = await api.get("/api/v1/markers", params={"timeline[]": "home"}, headers=alice.headers)
    assert list(r.json()) == ["home"] and r.json()["home"]["last_read_id"] == "200"
    r = await api.get("/api/v1/markers", params={"timeline[]": ["home", "notifications"]},
                      headers=alice.headers)
    assert r.json()["notifications"]["last_read_id"] == "7"
    # Markers are per person.
    r = await api.get("/api/v1/markers", params={"timeline[]": "home"}, headers=bob.headers)
    assert r.json() == {}
    r = await api.post("/api/v1/markers", headers=alice.headers, json={"home": {"last_read_id": "x"}})
    assert r.status_code == 422
    read_only = await make.token(alice, ["read"])
    r = await api.post("/api/v1/markers", headers=_auth(read_only), json={"home": {"last_read_id": "1"}})
    assert r.status_code == 403
    assert (await api.get("/api/v1/markers")).status_code == 401


async def test_nul_bytes_never_reach_the_database(api, make):
    """PostgreSQL refuses NUL in text; such input must end in a normal answer, not a 500."""
    alice = await make.account()
    for path, params in [("/api/v1/accounts/lookup", {"acct": "a\x00b"}),
                         ("/api/v1/accounts/search", {"q": "a\x00b"}),
                         ("/api/v2/search", {"q": "#a\x00b"}),
                         (f"/api/v1/accounts/{alice.id}/statuses", {"tagged": "a\x00"}),
                         ("/api/v1/markers", {"timeline[]": "home\x00"}),
                         ("/api/v1/notifications", {"types[]": "mention\x00"}),
                         ("/api/v1/notifications/unread_count", {"exclude_types[]": "a\x00"})]:
        r = await api.get(path, params=params, headers=alice.headers)
        assert r.status_code in (200, 404), (path, r.status_code)
    r = await api.post("/api/v1/markers", json={"home": {"last_read_id": "1\x00"}},
                       headers=alice.headers)
    assert r.status_code == 200 and r.json()["home"]["last_read_id"] == "1"  # read_params drops NUL
    r = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers, json={
        "note": "a\x00b", "fields_attributes": [{"name": "n\x00", "value": "v\x00"}]})
    assert r.status_code == 200 and r.json()["source"]["note"] == "ab"
    assert r.json()["source"]["fields"][0] == {"name": "n", "value": "v", "verified_at": None}
