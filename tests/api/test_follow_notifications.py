"""Follow notifications are decided when their job runs: a follow that is gone by then leaves
nothing behind, and following again soon after an unfollow does not notify twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from roost.kit.clock import utcnow
from roost.models import FollowNotice


async def _kinds(api, who) -> list[tuple[str, str]]:
    r = await api.get("/api/v1/notifications", headers=who.headers)
    assert r.status_code == 200
    return [(n["type"], n["account"]["id"]) for n in r.json()]


async def test_unfollow_before_the_job_leaves_no_notification(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    assert (await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)).status_code == 200
    assert (await api.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.headers)).status_code == 200
    await run_jobs()
    assert await _kinds(api, bob) == []


async def test_withdrawn_or_rejected_request_before_the_job_leaves_nothing(api, make, run_jobs):
    alice, carol = await make.account(), await make.account()
    bob = await make.account(locked=True)
    await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
    await api.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.headers)  # withdraws
    await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=carol.headers)
    r = await api.post(f"/api/v1/follow_requests/{carol.id}/reject", headers=bob.headers)
    assert r.status_code == 200
    await run_jobs()
    assert await _kinds(api, bob) == []
    # a request that is still there when the job runs is announced
    await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
    await run_jobs()
    assert await _kinds(api, bob) == [("follow_request", alice.id)]


async def test_follow_unfollow_follow_before_the_job_notifies_once(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    for path in ("follow", "unfollow", "follow"):
        await api.post(f"/api/v1/accounts/{bob.id}/{path}", headers=alice.headers)
    assert await run_jobs() >= 2
    assert await _kinds(api, bob) == [("follow", alice.id)]


async def test_refollowing_does_not_spam(api, make, run_jobs, db):
    alice, bob = await make.account(), await make.account()
    await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
    await run_jobs()
    assert await _kinds(api, bob) == [("follow", alice.id)]
    for _ in range(3):
        await api.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.headers)
        assert await _kinds(api, bob) == []  # the follow is gone, so is its notification
        await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
        await run_jobs()
        assert await _kinds(api, bob) == []  # told once within a day
    # someone else following is announced as usual
    carol = await make.account()
    await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=carol.headers)
    await run_jobs()
    assert await _kinds(api, bob) == [("follow", carol.id)]
    # a day later, following again is news again
    async with db.unit_of_work() as s:
        await s.execute(update(FollowNotice).values(notified_at=utcnow() - timedelta(days=1, minutes=1)))
    await api.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.headers)
    await api.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.headers)
    await run_jobs()
    assert [k for k in await _kinds(api, bob)] == [("follow", alice.id), ("follow", carol.id)]
