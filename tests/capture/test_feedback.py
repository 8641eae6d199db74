""""Show more / show less like this" (status.feedback): kept per person and post, undone, and
"less" hides the post (and reposts of it) from the person's timelines."""

from __future__ import annotations

from tests.capture.helpers import consent, events, post
from tests.web.conftest import csrf_of, sign_in


async def test_more_less_and_undo_are_recorded_for_everyone_with_their_consent(api, make, db):
    alice, bob = await make.account(), await make.account()
    st = await post(api, bob, "a post")
    url = f"/api/v1/roost/statuses/{st['id']}/feedback"

    assert (await api.get(url, headers=alice.headers)).json() == {"status_id": st["id"],
                                                                 "signal": None}
    r = await api.post(url, data={"signal": "more", "feed": "home"}, headers=alice.headers)
    assert r.status_code == 200 and r.json() == {"status_id": st["id"], "signal": "more"}
    assert (await api.post(url, data={"signal": "more"}, headers=alice.headers)).status_code == 200
    await consent(api, alice, "all")
    r = await api.post(url, json={"signal": "less", "feed": "no such feed"}, headers=alice.headers)
    assert r.json()["signal"] == "less"
    assert (await api.get(url, headers=alice.headers)).json()["signal"] == "less"
    r = await api.delete(url, headers=alice.headers)
    assert r.status_code == 200 and r.json()["signal"] is None
    assert (await api.delete(url, headers=alice.headers)).status_code == 200  # nothing to undo

    rows = await events(db, "status.feedback")
    assert [(e.data["signal"], e.data["undone"], e.data["feed"], e.consent) for e in rows] == [
        ("more", False, "home", "none"),  # recorded whatever the consent; the event carries it
        ("less", False, None, "all"),     # (an unknown feed name is dropped)
        ("less", True, None, "all")]
    assert {e.data["account_id"] for e in rows} == {alice.id} and rows[0].public is False


async def test_bad_input_and_unreadable_posts(api, make):
    alice, bob = await make.account(), await make.account()
    secret = await post(api, bob, "followers only", visibility="private")
    mine = await post(api, alice, "x")
    url = f"/api/v1/roost/statuses/{mine['id']}/feedback"
    assert (await api.post(url, data={"signal": "meh"}, headers=alice.headers)).status_code == 422
    assert (await api.post(url, data={"signal": "less"})).status_code == 401
    r = await api.post(f"/api/v1/roost/statuses/{secret['id']}/feedback", data={"signal": "less"},
                       headers=alice.headers)
    assert r.status_code == 404
    r = await api.post(url, data={"signal": "less"}, headers=alice.headers)  # her own post
    assert r.status_code == 422 and "own" in r.json()["error"]
    r = await api.get(url, headers=alice.headers)
    assert r.status_code == 200 and r.json()["signal"] is None


async def test_less_hides_the_post_and_reposts_of_it_from_timelines(api, make, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    await make.follow(alice, carol)
    hidden = await post(api, bob, "not for me #Topic")
    kept = await post(api, bob, "fine #Topic")
    r = await api.post(f"/api/v1/statuses/{hidden['id']}/reblog", headers=carol.headers)
    repost_id = r.json()["id"]
    await run_jobs()

    async def ids(url: str, person=alice) -> list[str]:  # noqa: ANN001
        r = await api.get(url, headers=person.headers)
        assert r.status_code == 200, r.text
        return [s["id"] for s in r.json()]

    assert hidden["id"] in await ids("/api/v1/timelines/home")
    # through the repost: "less" on a repost is on its original
    r = await api.post(f"/api/v1/roost/statuses/{repost_id}/feedback", data={"signal": "less"},
                       headers=alice.headers)
    assert r.json() == {"status_id": hidden["id"], "signal": "less"}
    for url in ("/api/v1/timelines/home", "/api/v1/timelines/public",
                "/api/v1/timelines/tag/topic"):
        got = await ids(url)
        assert kept["id"] in got and hidden["id"] not in got and repost_id not in got, url
    assert hidden["id"] in await ids("/api/v1/timelines/public", carol)  # only for alice
    # the post itself stays readable (its page is where "less" is undone)
    r = await api.get(f"/api/v1/statuses/{hidden['id']}", headers=alice.headers)
    assert r.status_code == 200

    await api.delete(f"/api/v1/roost/statuses/{hidden['id']}/feedback", headers=alice.headers)
    assert hidden["id"] in await ids("/api/v1/timelines/home")
    await api.post(f"/api/v1/roost/statuses/{hidden['id']}/feedback", data={"signal": "more"},
                   headers=alice.headers)
    assert hidden["id"] in await ids("/api/v1/timelines/home")


async def test_the_web_menu_offers_and_undoes_it_without_javascript(api, make, db, run_jobs):
    alice, bob = await make.account(), await make.account("bob_fb")
    await make.follow(alice, bob)
    st = await post(api, bob, "a post to judge")
    await run_jobs()
    await sign_in(api, alice)
    home = await api.get("/home")
    assert f'action="/statuses/{st["id"]}/feedback"' in home.text
    assert "Show less like this" in home.text and "Show more like this" in home.text
    r = await api.post(f"/statuses/{st['id']}/feedback", data={
        "csrf_token": csrf_of(home.text), "signal": "less", "feed": "home", "next": "/home"})
    assert r.status_code == 303 and r.headers["location"] == "/home"
    home = await api.get("/home")
    assert "a post to judge" not in home.text

    thread = await api.get(f"/@bob_fb/{st['id']}")
    assert "Undo “Show less like this”" in thread.text
    assert f'action="/statuses/{st["id"]}/unfeedback"' in thread.text
    r = await api.post(f"/statuses/{st['id']}/unfeedback", data={
        "csrf_token": csrf_of(thread.text), "next": f"/@bob_fb/{st['id']}"})
    assert r.status_code == 303
    assert "a post to judge" in (await api.get("/home")).text
    r = await api.post(f"/statuses/{st['id']}/feedback", data={"signal": "less"})
    assert r.status_code in (400, 403)  # no CSRF token
    feed = [(e.data["signal"], e.data["undone"], e.data["feed"])
            for e in await events(db, "status.feedback")]
    assert feed == [("less", False, "home"), ("less", True, None)]
