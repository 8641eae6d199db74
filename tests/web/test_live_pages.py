"""What the live layer needs from the pages: newer statuses as a fragment (since_id), the
data-live marker, and the server-rendered unread badge (one query)."""

from __future__ import annotations

import re

from roost.notifications import repository as notifications_repo
from tests.querycount import counting_queries
from tests.web.conftest import sign_in


def _ids(html: str) -> list[str]:
    return re.findall(r'<article class="status" id="s-(\d+)"', html)


async def test_since_id_fragment_brings_newer_statuses_newest_first(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    await make.follow(alice, bob)
    posts = [await make.post(bob, f"post {i}") for i in range(5)]
    await run_jobs()
    await sign_in(api, alice)
    for path in ("/home", "/local", "/"):
        r = await api.get(f"{path}?since_id={posts[1].id}", headers={"X-Roost-Fragment": "1"})
        assert r.status_code == 200 and "<html" not in r.text
        assert _ids(r.text) == [str(p.id) for p in reversed(posts[2:])], path
        none = await api.get(f"{path}?since_id={posts[4].id}", headers={"X-Roost-Fragment": "1"})
        assert _ids(none.text) == [], path


async def test_feeds_carry_the_live_marker(api, make):
    alice = await make.account()
    post = await make.post(alice, "hello")
    assert 'data-live="local"' in (await api.get("/")).text
    assert 'data-live="public"' in (await api.get("/public")).text
    await sign_in(api, alice)
    assert 'data-live="home"' in (await api.get("/home")).text
    assert 'data-live="local"' in (await api.get("/local")).text
    paged = await api.get(f"/local?max_id={post.id + 1}")
    assert "data-live" not in paged.text  # an older page does not grow at the top


async def test_unread_badge(api, app, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    post = await make.post(alice, "like me")
    await sign_in(api, alice)
    page = (await api.get("/local")).text
    assert re.search(r'class="badge-count" data-unread="0" hidden', page)
    assert (await api.post(f"/api/v1/statuses/{post.id}/favourite", headers=bob.headers)).status_code == 200
    await run_jobs()
    page = (await api.get("/local")).text
    assert re.search(r'class="badge-count" data-unread="1"><span data-unread-n>1</span>', page)
    # reading the notifications (the marker) clears it
    r = await api.post("/api/v1/markers", headers=alice.headers,
                       data={"notifications[last_read_id]": "9" * 18})
    assert r.status_code == 200
    assert 'data-unread="0" hidden' in (await api.get("/local")).text
    async with app.state.db.read_session() as session:
        await notifications_repo.unread_badge(session, alice.account.id)  # the session begun
        with counting_queries(app) as n:
            assert await notifications_repo.unread_badge(session, alice.account.id) == 0
    assert n.n == 1
    api.cookies.clear()
    assert "badge-count" not in (await api.get("/local")).text  # signed out: no badge
