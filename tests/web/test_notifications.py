"""The notifications page: rows by type (mentions, grouped likes, follows with follow-back,
follow requests with accept / reject), the read marker, clear all, dismiss one, who may see
what, and a fixed number of queries per page."""

from __future__ import annotations

import re

from tests.querycount import counting_queries
from tests.web.conftest import csrf_of, sign_in


async def _like(api, person, status_id) -> None:  # noqa: ANN001
    r = await api.post(f"/api/v1/statuses/{status_id}/favourite", headers=person.headers)
    assert r.status_code == 200, r.text


async def test_signed_out_goes_to_login(api):
    r = await api.get("/notifications")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/notifications"
    r = await api.get("/notifications/mentions")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


async def test_mention_like_follow_and_follow_request_rows(api, make, run_jobs):
    alice = await make.account("alice", locked=True)
    bob, carol = await make.account("bob", display_name="Bob B"), await make.account("carol")
    post = await make.post(alice, "my garden post")
    await make.post(bob, "hey @alice, nice garden")
    await _like(api, bob, post.id)
    await _like(api, carol, post.id)
    await make.follow(carol, alice)  # alice is locked: a follow request
    await run_jobs()
    await sign_in(api, alice)
    page = (await api.get("/notifications")).text
    # the mention: a status card with the text, under "mentioned you"
    assert "nice garden" in page and 'class="status"' in page and "mentioned you" in page
    # both likes are one row, with a compact view of the post
    assert page.count("liked your post") == 1
    assert re.search(r"carol</bdi></a>\s*and\s*<a[^>]*><bdi>Bob B</bdi></a>\s*liked your post", page)
    assert 'class="n-post"' in page and "my garden post" in page
    # the follow request: accept and reject forms (the profiles area serves those routes)
    assert "wants to follow you" in page
    assert f'action="/follow_requests/{carol.id}/authorize"' in page
    assert f'action="/follow_requests/{carol.id}/reject"' in page
    # unread rows are marked, and "Mark all as read" is offered
    assert page.count("notification n-") == page.count(" unread\"") + page.count(" unread ")
    assert "Mark all as read" in page and 'class="notification n-mention unread"' in page


async def test_follow_row_has_follow_back_until_followed(api, make, run_jobs):
    alice, bob = await make.account("alice"), await make.account("bob")
    await make.follow(bob, alice)
    await run_jobs()
    await sign_in(api, alice)
    page = (await api.get("/notifications")).text
    assert "followed you" in page and "Follow back" in page
    assert re.search(r'<a class="button" href="/@bob">Follow back</a>', page)
    await make.follow(alice, bob)
    page = (await api.get("/notifications")).text
    assert "Follow back" not in page and "You follow each other" in page


async def test_mentions_tab_shows_only_mentions(api, make, run_jobs):
    alice, bob = await make.account("alice"), await make.account("bob")
    post = await make.post(alice, "a post")
    await make.post(bob, "only a mention @alice")
    await _like(api, bob, post.id)
    await run_jobs()
    await sign_in(api, alice)
    for path in ("/notifications/mentions", "/notifications?types[]=mention"):
        page = (await api.get(path)).text
        assert "only a mention" in page and "liked your post" not in page, path
    assert "liked your post" in (await api.get("/notifications")).text


async def test_mark_all_read_sets_the_marker(api, make, run_jobs):
    alice, bob = await make.account("alice"), await make.account("bob")
    await make.post(bob, "first @alice")
    await make.post(bob, "second @alice")
    await run_jobs()
    newest = (await api.get("/api/v1/notifications", headers=alice.headers)).json()[0]["id"]
    await sign_in(api, alice)
    page = await api.get("/notifications")
    assert page.text.count(" unread\"") == 2 and f'data-newest="{newest}"' in page.text
    r = await api.post("/notifications/read", data={"csrf_token": csrf_of(page.text),
                                                    "next": "/notifications"})
    assert r.status_code == 303 and r.headers["location"] == "/notifications"
    markers = (await api.get("/api/v1/markers", params={"timeline[]": "notifications"},
                             headers=alice.headers)).json()
    assert markers["notifications"]["last_read_id"] == newest
    page = (await api.get("/notifications")).text
    assert " unread\"" not in page and "Mark all as read" not in page
    unread = (await api.get("/api/v1/notifications/unread_count", headers=alice.headers)).json()
    assert unread == {"count": 0}


async def test_auto_mark_read_stops_at_the_newest_seen_and_never_goes_back(api, make, run_jobs):
    alice, bob = await make.account("alice"), await make.account("bob")
    await make.post(bob, "one @alice")
    await run_jobs()
    await sign_in(api, alice)
    page = await api.get("/notifications")
    seen = re.search(r'data-newest="(\d+)"', page.text).group(1)
    await make.post(bob, "two @alice")  # arrives after the page was shown
    await run_jobs()
    token = csrf_of(page.text)
    r = await api.post("/notifications/read", data={"last_read_id": seen},
                       headers={"X-CSRF-Token": token, "X-Roost-Fragment": "1"})
    assert r.status_code == 204
    unread = (await api.get("/api/v1/notifications/unread_count", headers=alice.headers)).json()
    assert unread == {"count": 1}
    r = await api.post("/notifications/read", data={"last_read_id": "1"},
                       headers={"X-CSRF-Token": token, "X-Roost-Fragment": "1"})
    markers = (await api.get("/api/v1/markers", params={"timeline[]": "notifications"},
                             headers=alice.headers)).json()
    assert markers["notifications"]["last_read_id"] == seen


async def test_clear_and_dismiss(api, make, run_jobs):
    alice, bob = await make.account("alice"), await make.account("bob")
    post = await make.post(alice, "a post")
    await make.post(bob, "hello @alice")
    await _like(api, bob, post.id)
    await run_jobs()
    await sign_in(api, alice)
    page = (await api.get("/notifications")).text
    assert f'action="/notifications/favourite-{post.id}/dismiss"' in page
    r = await api.post(f"/notifications/favourite-{post.id}/dismiss",
                       data={"csrf_token": csrf_of(page)}, headers={"X-Roost-Fragment": "1"})
    assert r.status_code == 200 and r.text == ""
    types = [n["type"] for n in (await api.get("/api/v1/notifications", headers=alice.headers)).json()]
    assert types == ["mention"]
    # without JS: back to the page
    key = (await api.get("/api/v1/notifications", headers=alice.headers)).json()[0]["group_key"]
    r = await api.post(f"/notifications/{key}/dismiss", data={"csrf_token": csrf_of(page),
                                                             "next": "/notifications/mentions"})
    assert r.status_code == 303 and r.headers["location"] == "/notifications/mentions"
    assert (await api.get("/api/v1/notifications", headers=alice.headers)).json() == []
    await make.post(bob, "hello again @alice")
    await run_jobs()
    # clear all: behind a confirmation, then nothing is left
    page = (await api.get("/notifications")).text
    assert "Clear all" in page and "This cannot be undone" in page
    r = await api.post("/notifications/clear", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 303 and r.headers["location"] == "/notifications"
    assert (await api.get("/api/v1/notifications", headers=alice.headers)).json() == []
    page = (await api.get("/notifications")).text
    assert "No notifications yet" in page and "follow you, mention you" in page


async def test_posts_need_the_csrf_token(api, make, run_jobs):
    alice, bob = await make.account("alice"), await make.account("bob")
    await make.post(bob, "hello @alice")
    await run_jobs()
    await sign_in(api, alice)
    await api.get("/notifications")
    for path in ("/notifications/read", "/notifications/clear"):
        r = await api.post(path, data={"next": "/notifications"})
        assert r.status_code == 403, path
    assert len((await api.get("/api/v1/notifications", headers=alice.headers)).json()) == 1
    markers = (await api.get("/api/v1/markers", params={"timeline[]": "notifications"},
                             headers=alice.headers)).json()
    assert markers == {}


async def test_only_ones_own_notifications(api, make, run_jobs):
    alice, bob, carol = await make.account("alice"), await make.account("bob"), await make.account("carol")
    await make.post(bob, "secret hello @alice")
    await run_jobs()
    await sign_in(api, carol)
    page = (await api.get("/notifications")).text
    assert "secret hello" not in page and "No notifications yet" in page
    key = (await api.get("/api/v1/notifications", headers=alice.headers)).json()[0]["group_key"]
    r = await api.post(f"/notifications/{key}/dismiss", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 404
    assert len((await api.get("/api/v1/notifications", headers=alice.headers)).json()) == 1


async def test_load_more_pages_on(api, make, run_jobs):
    alice, bob = await make.account("alice"), await make.account("bob")
    for i in range(25):
        await make.post(bob, f"ping {i} @alice")
    await run_jobs()
    await sign_in(api, alice)
    first = (await api.get("/notifications")).text
    assert first.count('class="status"') == 20
    more = re.search(r'href="(/notifications\?max_id=\d+)"[^>]*data-more', first).group(1)
    fragment = await api.get(more, headers={"X-Roost-Fragment": "1"})
    assert "<html" not in fragment.text and fragment.text.count('class="status"') == 5
    assert "ping 0 " in fragment.text


async def test_query_count_is_fixed(api, make, app, run_jobs):
    alice = await make.account("alice")
    others = [await make.account() for _ in range(6)]
    post = await make.post(alice, "popular")

    async def activity(n: int) -> None:
        for i in range(n):
            who = others[i % len(others)]
            await make.post(who, f"hey {i} @{alice.account.username}")
            await make.follow(who, alice)
            await _like(api, who, post.id)
        await run_jobs()

    await activity(2)
    await sign_in(api, alice)
    await api.get("/notifications")  # warm the per-process caches
    with counting_queries(app) as few:
        r = await api.get("/notifications")
    assert r.status_code == 200 and r.text.count("followed you") == 2
    await activity(6)
    await api.get("/notifications")
    with counting_queries(app) as many:
        r = await api.get("/notifications")
    assert r.text.count("followed you") == 6 and r.text.count('class="status"') >= 6
    assert many.n == few.n, (few.n, many.n)


async def test_staff_rows_sign_up_and_report(api, make, run_jobs):
    from tests.api.test_staff_notifications import _report, _sign_up

    mod = await make.account("moddy", role="moderator")
    bob, carol = await make.account("bob"), await make.account("carol")
    await _sign_up(api, "newcomer")
    await _report(api, bob, carol, comment="spam <b>links</b>")
    await run_jobs()
    await sign_in(api, mod)
    page = (await api.get("/notifications")).text
    assert re.search(r"<bdi>newcomer</bdi></a> signed up", page)
    assert re.search(r'<bdi>bob</bdi></a> reported <a href="/@carol">@carol</a>', page)
    assert "spam &lt;b&gt;links&lt;/b&gt;" in page


async def test_edit_row(api, make, run_jobs):
    alice, bob = await make.account("alice"), await make.account("bob")
    post = await make.post(bob, "first draft")
    assert (await api.post(f"/api/v1/statuses/{post.id}/reblog", headers=alice.headers)).status_code == 200
    r = await api.put(f"/api/v1/statuses/{post.id}", headers=bob.headers, json={"status": "final draft"})
    assert r.status_code == 200, r.text
    await run_jobs()
    await sign_in(api, alice)
    page = (await api.get("/notifications")).text
    assert "edited a post you interacted with" in page and "final draft" in page
