"""Home details Mastodon apps rely on: repeated reposts collapse, and the follow options
`reblogs`, `notify` and `languages` shape home (with the database or the Redis feeds)."""

from __future__ import annotations

from roost.timelines.reposts import FALLOFF


async def _home(api, person, **params) -> list[dict]:  # noqa: ANN001
    r = await api.get("/api/v1/timelines/home", params=params, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _reblog(api, person, status_id) -> dict:  # noqa: ANN001
    r = await api.post(f"/api/v1/statuses/{status_id}/reblog", headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _follow(api, person, target, **data) -> dict:  # noqa: ANN001
    r = await api.post(f"/api/v1/accounts/{target.account.id}/follow", data=data,
                       headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_repost_of_a_post_already_in_home_is_left_out(api, make, run_jobs):
    viewer, alice, bob, carol = [await make.account() for _ in range(4)]
    for p in (alice, bob, carol):
        await make.follow(viewer, p)
    await _home(api, viewer)  # a feed exists, so fan-out reaches it
    post = await make.post(alice, "original")
    first = await _reblog(api, bob, post.id)
    await _reblog(api, carol, post.id)
    await run_jobs()

    ids = [s["id"] for s in await _home(api, viewer)]
    assert ids == [str(post.id)]  # both reposts collapse into the original already there

    # Once the original has fallen FALLOFF entries down, a repost brings it back up, once.
    for i in range(FALLOFF):
        await make.post(alice, f"filler {i}")
    dave = await make.account()
    await make.follow(viewer, dave)
    again = await _reblog(api, dave, post.id)
    await run_jobs()
    home = await _home(api, viewer, limit=40)
    assert home[0]["id"] == again["id"] and home[0]["reblog"]["id"] == str(post.id)
    assert first["id"] not in [s["id"] for s in home]


async def test_a_second_repost_of_a_post_not_in_home_is_left_out(api, make, run_jobs):
    viewer, stranger, bob, carol = [await make.account() for _ in range(4)]
    for p in (bob, carol):
        await make.follow(viewer, p)
    await _home(api, viewer)
    post = await make.post(stranger, "from someone not followed")
    first = await _reblog(api, bob, post.id)
    await _reblog(api, carol, post.id)
    await run_jobs()
    assert [s["id"] for s in await _home(api, viewer)] == [first["id"]]
    # paging past it never shows the second one either
    assert await _home(api, viewer, max_id=first["id"]) == []


async def test_follow_without_reblogs_keeps_their_reposts_out(api, make, run_jobs):
    viewer, bob, alice = [await make.account() for _ in range(3)]
    rel = await _follow(api, viewer, bob, reblogs="false")
    assert rel["following"] is True and rel["showing_reblogs"] is False
    await _home(api, viewer)
    own = await make.post(bob, "bob's own post")
    post = await make.post(alice, "alice")
    await _reblog(api, bob, post.id)
    await run_jobs()
    assert [s["id"] for s in await _home(api, viewer)] == [str(own.id)]
    rel = await _follow(api, viewer, bob, reblogs="true")
    assert rel["showing_reblogs"] is True


async def test_follow_languages_filter_home(api, make, run_jobs):
    viewer, bob = await make.account(), await make.account()
    rel = await _follow(api, viewer, bob, **{"languages[]": ["de", "fr"]})
    assert rel["languages"] == ["de", "fr"]
    await _home(api, viewer)
    de = await make.post(bob, "Hallo", language="de")
    await make.post(bob, "Hello", language="en")
    unknown = await make.post(bob, "?")  # no language: Mastodon lets it through
    await run_jobs()
    assert [s["id"] for s in await _home(api, viewer)] == [str(unknown.id), str(de.id)]

    r = await api.get("/api/v1/accounts/relationships", params={"id[]": str(bob.account.id)},
                      headers=viewer.headers)
    assert r.json()[0]["languages"] == ["de", "fr"]
    # following again with an empty list clears the filter
    rel = await _follow(api, viewer, bob, **{"languages[]": [""]})
    assert rel["languages"] is None
    en = await make.post(bob, "Hello again", language="en")
    await run_jobs()
    assert (await _home(api, viewer))[0]["id"] == str(en.id)


async def test_follow_notify_shows_in_the_relationship(api, make):
    viewer, bob = await make.account(), await make.account()
    rel = await _follow(api, viewer, bob, notify="true")
    assert rel["notifying"] is True
    rel = await _follow(api, viewer, bob, notify="false")
    assert rel["notifying"] is False
