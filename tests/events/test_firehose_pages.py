"""What the firehose reads from the log (realtime/firehose.py read_page), in-process: who an event
is shown as, which sign-ups are public, and a property: any resume points, any page sizes, every
public event exactly once, in order."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roost.accounts import service as accounts
from roost.events import latest_seq, read_after
from roost.models import Account
from roost.realtime import firehose

EVERYTHING = firehose.Filters()


async def mark(db) -> int:
    async with db.session() as s:
        return await latest_seq(s)


async def page(db, cursor: int, filters: firehose.Filters = EVERYTHING, limit: int = 200):
    async with db.read_session() as s:
        return await firehose.read_page(s, cursor, filters, limit)


async def test_moderation_events_show_the_account_concerned_not_the_moderator(db, make):
    mod, target = await make.account(role="moderator"), await make.account()
    start = await mark(db)
    async with db.unit_of_work() as s:
        await accounts.suspend(s, await s.get(Account, mod.account.id),
                               await s.get(Account, target.account.id))
    msgs, _ = await page(db, start)
    assert [m["type"] for m in msgs] == ["account.suspended"]
    assert msgs[0]["account"]["id"] == str(target.account.id)
    assert str(mod.account.id) not in str(msgs)
    by_mod, _ = await page(db, start, firehose.Filters(account_id=mod.account.id))
    assert by_mod == []
    by_target, _ = await page(db, start, firehose.Filters(account_id=target.account.id))
    assert [m["type"] for m in by_target] == ["account.suspended"]


async def test_a_sign_up_is_public_once_approved(db, make):
    admin = await make.account(role="admin")
    start = await mark(db)
    async with db.unit_of_work() as s:
        account, user = await accounts.create_account(
            s, username="waiting", email="waiting@example.com", password="correct horse battery",
            approved=False)
    msgs, position = await page(db, start)
    assert msgs == [] and position > start  # recorded, not public: the cursor moves past it
    async with db.unit_of_work() as s:
        await accounts.approve_user(s, await s.get(Account, admin.account.id),
                                    await s.get(type(user), user.id))
    msgs, _ = await page(db, position)
    assert [(m["type"], m["account"]["username"]) for m in msgs] == [
        ("account.approved", "waiting")]


ACTIONS = st.lists(st.sampled_from(["public", "private", "like", "delete", "follow"]),
                   min_size=3, max_size=12)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS, cuts=st.lists(st.integers(1, 6), min_size=1, max_size=6),
       limit=st.integers(1, 5))
async def test_any_resume_points_give_every_public_event_once(api, db, make, actions, cuts,
                                                              limit):
    a, b = await make.account(), await make.account()
    start = await mark(db)
    posts: list[str] = []
    for act in actions:
        if act in ("public", "private"):
            r = await api.post("/api/v1/statuses", headers=a.headers,
                               json={"status": act, "visibility": act})
            posts.append(r.json()["id"])
        elif act == "like" and posts:
            await api.post(f"/api/v1/statuses/{posts[-1]}/favourite", headers=b.headers)
        elif act == "delete" and posts:
            await api.delete(f"/api/v1/statuses/{posts.pop()}", headers=a.headers)
        elif act == "follow":
            await api.post(f"/api/v1/accounts/{a.account.id}/follow", headers=b.headers)
    async with db.session() as s:
        expected = [r.seq for r in await read_after(s, start, 1000, public_only=True)]

    # A consumer reads pages of `limit`, and after every few messages drops the connection and
    # resumes from the last seq (or heartbeat position) it saw.
    seen: list[int] = []
    cursor, cut = start, 0
    while True:
        msgs, position = await page(db, cursor, limit=limit)
        if not msgs and position == cursor:
            break
        take = msgs[:cuts[cut % len(cuts)]]
        cut += 1
        seen += [m["seq"] for m in take]
        cursor = take[-1]["seq"] if take and len(take) < len(msgs) else position
    assert seen == expected
