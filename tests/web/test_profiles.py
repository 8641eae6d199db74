"""Profiles and relationships in the web app, through HTTP: the profile page and its tabs,
followers and following, follow / unfollow / block / mute (303 and fragment), follow requests,
reports, and fixed query counts."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from roost.accounts import service as accounts_service
from roost.models import Account
from tests.querycount import counting_queries
from tests.web.conftest import csrf_of, sign_in

FRAGMENT = {"X-Roost-Fragment": "1"}


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), "teal").save(buf, "PNG")
    return buf.getvalue()


async def _relationship(api, viewer, target) -> dict:  # noqa: ANN001
    r = await api.get("/api/v1/accounts/relationships", params={"id[]": target.id},
                      headers=viewer.headers)
    return r.json()[0]


async def _post_form(api, path: str, page: str = "/local", **fields):  # noqa: ANN001, ANN202
    token = csrf_of((await api.get(page)).text)
    return await api.post(path, data={"csrf_token": token, **fields})


# ---- the profile page -------------------------------------------------------------------------

async def test_profile_renders_for_anonymous(api, make):
    alice = await make.account("alice", display_name="Alice A")
    bob = await make.account("bob")
    await make.follow(bob, alice)
    r = await api.patch("/api/v1/accounts/update_credentials", headers=alice.headers,
                        data={"note": "I like <b>birds</b> and #roosts",
                              "fields_attributes[0][name]": "Site",
                              "fields_attributes[0][value]": "https://alice.example"})
    assert r.status_code == 200, r.text
    await make.post(alice, "first words")
    page = await api.get("/@alice")
    assert page.status_code == 200
    html = page.text
    assert "<title>Alice A (@alice)" in html
    assert "first words" in html and "Alice A" in html and "@alice" in html
    assert "&lt;b&gt;birds&lt;/b&gt;" in html and "<b>birds" not in html  # the note is sanitised
    assert 'href="/tags/roosts"' in html or "/tags/roosts" in html
    assert "<dt>Site</dt>" in html and "alice.example" in html
    assert re.search(r'href="/@alice/followers"><strong>1</strong> follower<', html)
    assert re.search(r'href="/@alice/following"><strong>0</strong> following<', html)
    assert re.search(r"<strong>1</strong> post<", html)
    assert "Joined" in html
    assert "Sign in to follow" in html and 'href="/login?next=/%40alice"' in html
    assert 'aria-current="page">Posts<' in html


async def test_profile_signed_in_shows_relationship(api, make):
    alice, bob = await make.account("alice"), await make.account("bob", locked=True)
    await make.follow(bob, alice)
    await sign_in(api, alice)
    page = (await api.get("/@bob")).text
    assert "Follows you" in page and "Follow back" in page and "Locked" in page
    assert 'action="/accounts/%s/follow"' % bob.id in page
    assert f'href="/accounts/{bob.id}/mute?next=' in page
    assert f'href="/accounts/{bob.id}/block?next=' in page and "data-confirm-post" in page
    assert f'href="/accounts/{bob.id}/report"' in page
    own = (await api.get("/@alice")).text
    assert 'href="/settings/profile"' in own and "Edit profile" in own
    assert "More actions" not in own


async def test_unknown_and_suspended_profiles_are_404(api, make, db):
    bad = await make.account("baddie")
    async with db.unit_of_work() as s:
        await accounts_service.suspend(s, None, await s.get(Account, bad.account.id))
    for path in ("/@nobody", "/@baddie", "/@baddie/followers", "/@baddie/media"):
        r = await api.get(path)
        assert r.status_code == 404 and "Page not found" in r.text, path


async def test_tabs_pinned_replies_and_media(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    other = await make.post(bob, "bob's post")
    first = await make.post(alice, "old but pinned")
    await make.post(alice, "a reply to bob", in_reply_to_id=other.id)
    upload = await api.post("/api/v2/media", files={"file": ("a.png", _png(), "image/png")},
                            headers=alice.headers)
    assert upload.status_code in (200, 202), upload.text
    await make.post(alice, "a picture", media_ids=[upload.json()["id"]])
    await make.post(alice, "newest")
    pin = await api.post(f"/api/v1/statuses/{first.id}/pin", headers=alice.headers)
    assert pin.status_code == 200

    posts = (await api.get("/@alice")).text
    assert "a reply to bob" not in posts and "newest" in posts and "a picture" in posts
    assert posts.count("old but pinned") == 1  # pinned once, at the top, marked
    assert posts.index("Pinned") < posts.index("old but pinned") < posts.index("newest")
    replies = (await api.get("/@alice/with_replies")).text
    assert "a reply to bob" in replies and "Pinned" not in replies
    media = (await api.get("/@alice/media")).text
    assert "a picture" in media and "newest" not in media
    assert 'aria-current="page">Media<' in media


async def test_profile_load_more(api, make):
    alice = await make.account("alice")
    posts = [await make.post(alice, f"number {i}") for i in range(23)]
    first = await api.get("/@alice")
    assert first.text.count('class="status"') == 20
    more = re.search(r'href="(/@alice\?max_id=\d+)"[^>]*data-more', first.text).group(1)
    assert more == f"/@alice?max_id={posts[3].id}"
    frag = await api.get(more, headers=FRAGMENT)
    assert "<html" not in frag.text and frag.text.count('class="status"') == 3


async def test_followers_only_posts_need_following(api, make):
    alice, bob = await make.account("alice", locked=True), await make.account("bob")
    await make.post(alice, "for followers only", visibility="private")
    await make.post(alice, "for everyone")
    anonymous = (await api.get("/@alice")).text
    assert "for everyone" in anonymous and "for followers only" not in anonymous
    await sign_in(api, bob)
    assert "for followers only" not in (await api.get("/@alice")).text


# ---- follow, unfollow, follow requests ------------------------------------------------------

async def test_follow_unfollow_round_trip(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    await sign_in(api, alice)
    r = await _post_form(api, f"/accounts/{bob.id}/follow", page="/@bob", next="/@bob")
    assert r.status_code == 303 and r.headers["location"] == "/@bob"
    assert (await _relationship(api, alice, bob))["following"] is True
    page = (await api.get("/@bob")).text
    assert f'action="/accounts/{bob.id}/unfollow"' in page and "Unfollow" in page
    # the fragment variant answers the re-rendered button
    r = await _post_form(api, f"/accounts/{bob.id}/unfollow", page="/@bob", next="/@bob")
    assert r.status_code == 303
    assert (await _relationship(api, alice, bob))["following"] is False
    token = csrf_of((await api.get("/@bob")).text)
    r = await api.post(f"/accounts/{bob.id}/follow", headers=FRAGMENT,
                       data={"csrf_token": token, "next": "/@bob"})
    assert r.status_code == 200 and "<html" not in r.text
    assert f'id="follow-{bob.id}"' in r.text and f'action="/accounts/{bob.id}/unfollow"' in r.text
    assert 'name="next" value="/@bob"' in r.text
    assert (await _relationship(api, alice, bob))["following"] is True


async def test_next_must_stay_on_site(api, make):
    alice, bob = await make.account(), await make.account("bob")
    await sign_in(api, alice)
    r = await _post_form(api, f"/accounts/{bob.id}/follow", next="https://evil.example/")
    assert r.status_code == 303 and r.headers["location"] == "/@bob"


async def test_locked_account_request_then_authorize(api, make):
    alice, bob = await make.account("alice"), await make.account("bob", locked=True)
    await sign_in(api, alice)
    r = await _post_form(api, f"/accounts/{bob.id}/follow", page="/@bob", next="/@bob")
    assert r.status_code == 303
    rel = await _relationship(api, alice, bob)
    assert rel["requested"] is True and rel["following"] is False
    page = (await api.get("/@bob")).text
    assert "Requested" in page and "Cancel request" in page
    api.cookies.clear()
    await sign_in(api, bob)
    own = (await api.get("/@bob")).text
    assert 'href="/follow_requests"' in own and "1 person asks to follow you" in own
    requests = (await api.get("/follow_requests")).text
    assert "@alice" in requests and f'action="/follow_requests/{alice.id}/authorize"' in requests
    token = csrf_of(requests)
    r = await api.post(f"/follow_requests/{alice.id}/authorize", headers=FRAGMENT,
                       data={"csrf_token": token})
    assert r.status_code == 200 and "now follows you" in r.text
    rel = await _relationship(api, alice, bob)
    assert rel["following"] is True and rel["requested"] is False
    assert "No follow requests" in (await api.get("/follow_requests")).text


async def test_reject_and_no_one_acts_on_another_persons_requests(api, make):
    alice, bob = await make.account("alice"), await make.account("bob", locked=True)
    mallory = await make.account("mallory")
    await make.follow(alice, bob)
    await sign_in(api, mallory)
    r = await _post_form(api, f"/follow_requests/{alice.id}/authorize", page="/local")
    assert r.status_code == 404
    assert (await _relationship(api, alice, bob))["requested"] is True
    api.cookies.clear()
    await sign_in(api, bob)
    r = await _post_form(api, f"/follow_requests/{alice.id}/reject", page="/follow_requests")
    assert r.status_code == 303 and r.headers["location"] == "/follow_requests"
    rel = await _relationship(api, alice, bob)
    assert rel["requested"] is False and rel["following"] is False


async def test_actions_need_sign_in_and_csrf(api, make):
    alice, bob = await make.account(), await make.account()
    r = await api.post(f"/accounts/{bob.id}/follow")
    assert r.status_code in (303, 403)
    assert (await api.get("/follow_requests")).headers["location"] == "/login?next=/follow_requests"
    await sign_in(api, alice)
    for path in (f"/accounts/{bob.id}/follow", f"/accounts/{bob.id}/block",
                 f"/accounts/{bob.id}/mute", f"/accounts/{bob.id}/report",
                 f"/follow_requests/{bob.id}/authorize"):
        r = await api.post(path, data={"next": "/"})
        assert r.status_code == 403 and "form has expired" in r.text, path
    assert (await _relationship(api, alice, bob))["following"] is False


async def test_unknown_account_actions_are_404(api, make):
    alice = await make.account()
    await sign_in(api, alice)
    r = await _post_form(api, "/accounts/999999999/follow")
    assert r.status_code == 404 and "Page not found" in r.text
    assert (await api.get("/accounts/999999999/block")).status_code == 404
    assert (await api.get(f"/accounts/{alice.id}/mute")).status_code == 404  # not yourself
    r = await _post_form(api, f"/accounts/{alice.id}/follow")
    assert r.status_code == 422 and "cannot follow yourself" in r.text


# ---- block and mute ---------------------------------------------------------------------------

async def test_block_confirm_then_hides_posts_both_ways(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    await make.post(alice, "alice writes")
    await make.post(bob, "bob writes")
    await make.follow(bob, alice)
    await sign_in(api, alice)
    confirm = await api.get(f"/accounts/{bob.id}/block?next=/@bob")
    assert confirm.status_code == 200 and "Block @bob?" in confirm.text
    assert f'action="/accounts/{bob.id}/block"' in confirm.text
    r = await api.post(f"/accounts/{bob.id}/block",
                       data={"csrf_token": csrf_of(confirm.text), "next": "/@bob"})
    assert r.status_code == 303 and r.headers["location"] == "/@bob"
    rel = await _relationship(api, alice, bob)
    assert rel["blocking"] is True and rel["followed_by"] is False
    # the blocker no longer sees the blocked person's posts, and can unblock
    page = (await api.get("/@bob")).text
    assert "bob writes" not in page and "You have blocked @bob" in page
    assert f'action="/accounts/{bob.id}/unblock"' in page
    # the API agrees: no posts either way
    api_posts = await api.get(f"/api/v1/accounts/{alice.id}/statuses", headers=bob.headers)
    assert api_posts.json() == []
    api.cookies.clear()
    await sign_in(api, bob)
    page = (await api.get("/@alice")).text
    assert "alice writes" not in page and "Profile unavailable" in page
    assert f'action="/accounts/{alice.id}/follow"' not in page
    assert "<strong>0</strong> following" in page  # their counts moved when the follow ended
    assert "alice" in (await api.get("/@alice/followers")).text  # the page renders, empty
    r = await _post_form(api, f"/accounts/{alice.id}/follow", page="/local")
    assert r.status_code == 403  # the service refuses: blocked


async def test_unblock_from_the_menu(api, make):
    alice, bob = await make.account(), await make.account("bob")
    await make.post(bob, "bob again")
    await sign_in(api, alice)
    await _post_form(api, f"/accounts/{bob.id}/block", next="/@bob")
    r = await _post_form(api, f"/accounts/{bob.id}/unblock", page="/@bob", next="/@bob")
    assert r.status_code == 303
    assert (await _relationship(api, alice, bob))["blocking"] is False
    assert "bob again" in (await api.get("/@bob")).text


async def test_mute_with_duration_and_unmute(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    await sign_in(api, alice)
    form = await api.get(f"/accounts/{bob.id}/mute?next=/@bob")
    assert form.status_code == 200
    for label in ("Until I unmute", "1 hour", "1 day", "7 days", "Hide notifications"):
        assert label in form.text
    assert 'name="notifications" value="1" checked' in form.text
    r = await api.post(f"/accounts/{bob.id}/mute", data={
        "csrf_token": csrf_of(form.text), "next": "/@bob", "duration": "86400"})
    assert r.status_code == 303 and r.headers["location"] == "/@bob"
    rel = await _relationship(api, alice, bob)
    assert rel["muting"] is True and rel["muting_notifications"] is False
    assert rel["muting_expires_at"] is not None
    page = (await api.get("/@bob")).text
    assert "Muted" in page and f'action="/accounts/{bob.id}/unmute"' in page
    r = await _post_form(api, f"/accounts/{bob.id}/unmute", page="/@bob", next="/@bob")
    assert r.status_code == 303
    assert (await _relationship(api, alice, bob))["muting"] is False
    # forever, hiding notifications
    r = await _post_form(api, f"/accounts/{bob.id}/mute", duration="0", notifications="1")
    rel = await _relationship(api, alice, bob)
    assert rel["muting"] and rel["muting_notifications"] and rel["muting_expires_at"] is None


async def test_mute_bad_duration_is_422_and_nothing_written(api, make):
    alice, bob = await make.account(), await make.account("bob")
    await sign_in(api, alice)
    r = await _post_form(api, f"/accounts/{bob.id}/mute", duration="soon", notifications="1")
    assert r.status_code == 422 and "Choose how long" in r.text
    assert "Hide notifications" in r.text
    assert (await _relationship(api, alice, bob))["muting"] is False


# ---- report -----------------------------------------------------------------------------------

@pytest.mark.parametrize("settings_overrides", [{"rules": "Be kind\nNo spam"}])
async def test_report_creates_a_report_for_moderators(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    bad = await make.post(bob, "buy my stuff")
    await make.post(bob, "something else")
    await sign_in(api, alice)
    form = await api.get(f"/accounts/{bob.id}/report?status_id={bad.id}")
    assert form.status_code == 200
    assert "Be kind" in form.text and "No spam" in form.text
    assert f'name="status_ids[]" value="{bad.id}" checked' in form.text
    assert "something else" in form.text
    rules = (await api.get("/api/v1/instance/rules")).json()
    r = await api.post(f"/accounts/{bob.id}/report", data={
        "csrf_token": csrf_of(form.text), "category": "violation", "rule_ids[]": [rules[1]["id"]],
        "status_ids[]": [str(bad.id)], "comment": "selling things"})
    assert r.status_code == 303 and r.headers["location"] == f"/accounts/{bob.id}/report?sent=1"
    thanks = (await api.get(r.headers["location"])).text
    assert "Thanks for reporting" in thanks
    assert f'href="/accounts/{bob.id}/mute' in thanks
    assert f'href="/accounts/{bob.id}/block' in thanks

    admin = await make.account(role="admin")
    token = await make.token(admin, ["admin:read"])
    reports = (await api.get("/api/v1/admin/reports",
                             headers={"Authorization": f"Bearer {token}"})).json()
    assert len(reports) == 1
    rep = reports[0]
    assert rep["account"]["id"] == alice.id and rep["target_account"]["id"] == bob.id
    assert rep["category"] == "violation" and rep["comment"] == "selling things"
    assert [s["id"] for s in rep["statuses"]] == [str(bad.id)]
    assert [x["id"] for x in rep["rules"]] == [rules[1]["id"]]


@pytest.mark.parametrize("settings_overrides", [{"rules": "Be kind"}])
async def test_report_form_errors_keep_input(api, make):
    alice, bob = await make.account(), await make.account("bob")
    await sign_in(api, alice)
    form = await api.get(f"/accounts/{bob.id}/report")
    r = await api.post(f"/accounts/{bob.id}/report", data={
        "csrf_token": csrf_of(form.text), "category": "violation", "comment": "they are rude"})
    assert r.status_code == 422 and "Choose the rules" in r.text
    assert "they are rude</textarea>" in r.text and 'value="violation" checked' in r.text
    r = await api.post(f"/accounts/{bob.id}/report", data={
        "csrf_token": csrf_of(form.text), "comment": "x"})
    assert r.status_code == 422 and "Choose what is wrong" in r.text
    admin = await make.account(role="admin")
    token = await make.token(admin, ["admin:read"])
    assert (await api.get("/api/v1/admin/reports",
                          headers={"Authorization": f"Bearer {token}"})).json() == []
    assert (await api.get(f"/accounts/{alice.id}/report")).status_code == 404  # not yourself


# ---- lists ------------------------------------------------------------------------------------

async def test_followers_and_following_lists(api, make):
    alice, bob, carol = (await make.account("alice"), await make.account("bob"),
                         await make.account("carol", display_name="Carol C"))
    await make.follow(bob, alice)
    await make.follow(carol, alice)
    await make.follow(alice, carol)
    await sign_in(api, bob)
    page = (await api.get("/@alice/followers")).text
    assert "<title>Followers of alice (@alice)" in page
    assert "Carol C" in page and "@bob" in page
    assert f'id="follow-{carol.id}"' in page and f'action="/accounts/{carol.id}/follow"' in page
    assert f'href="/settings/profile"' in page  # bob's own row
    following = (await api.get("/@alice/following")).text
    listed = following.split('id="accounts"')[1].split("</main>")[0]
    assert "Carol C" in listed and "@bob" not in listed
    empty = (await api.get("/@bob/followers")).text
    assert "No followers yet" in empty


async def test_followers_paging(api, make):
    alice = await make.account("alice")
    fans = [await make.account() for _ in range(3)]
    for fan in fans:
        await make.follow(fan, alice)
    first = await api.get("/@alice/followers?limit=2")
    assert first.text.count('class="account-row"') == 2
    more = re.search(r'href="([^"]+)"[^>]*data-more', first.text).group(1).replace("&amp;", "&")
    frag = await api.get(more, headers=FRAGMENT)
    assert frag.text.count('class="account-row"') == 1 and "<html" not in frag.text
    assert f"@{fans[0].account.username}" in frag.text


# ---- query counts -----------------------------------------------------------------------------

async def test_profile_query_count_is_fixed(api, make, app):
    alice, bob = await make.account("alice"), await make.account("bob")
    await sign_in(api, bob)
    for i in range(3):
        await make.post(alice, f"post {i}")
    await api.get("/@alice")
    with counting_queries(app) as few:
        r = await api.get("/@alice")
    assert r.text.count('class="status"') == 3
    for i in range(17):
        await make.post(alice, f"more {i}")
    await api.get("/@alice")
    with counting_queries(app) as many:
        r = await api.get("/@alice")
    assert r.text.count('class="status"') == 20
    assert many.n == few.n, (few.n, many.n)


async def test_followers_query_count_is_fixed(api, make, app):
    alice, bob = await make.account("alice"), await make.account("bob")
    await sign_in(api, bob)
    fans = [await make.account() for _ in range(12)]
    for fan in fans[:2]:
        await make.follow(fan, alice)
    await api.get("/@alice/followers")
    with counting_queries(app) as few:
        r = await api.get("/@alice/followers")
    assert r.text.count('class="account-row"') == 2
    for fan in fans[2:]:
        await make.follow(fan, alice)
    with counting_queries(app) as many:
        r = await api.get("/@alice/followers")
    assert r.text.count('class="account-row"') == 12
    assert many.n == few.n, (few.n, many.n)
