"""Helpers for the assistant tests."""

from __future__ import annotations

from sqlalchemy import select

from roost.models import AssistantAnswer, Event, Job

ON = {"ai_assistant_enabled": True, "ai_assistant_max_tokens": 8}


async def ask(api, person, text: str, **params) -> dict:  # noqa: ANN001
    r = await api.post("/api/v1/statuses", data={"status": text, **params}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def replies(api, person, status_id: str) -> list[dict]:  # noqa: ANN001
    r = await api.get(f"/api/v1/statuses/{status_id}/context", headers=person.headers)
    assert r.status_code == 200, r.text
    return [s for s in r.json()["descendants"] if s["in_reply_to_id"] == status_id]


async def answer_to(api, db, person, status_id: str) -> dict:  # noqa: ANN001
    """The one reply to `status_id`; failing, say what became of the question."""
    found = await replies(api, person, status_id)
    if len(found) != 1:
        async with db.session() as session:
            jobs = [(j.name, j.state, j.attempts, j.last_error) for j in await session.scalars(
                select(Job).where(Job.name == "ai.assistant_reply"))]
        rows = [(a.state, a.reason) for a in await answers(db)]
        raise AssertionError(f"{len(found)} replies; answers {rows}; jobs {jobs}")
    return found[0]


async def assistant_of(api) -> dict:  # noqa: ANN001
    r = await api.get("/api/v1/accounts/lookup", params={"acct": "assistant"})
    assert r.status_code == 200, r.text
    return r.json()


async def events(db, type_: str) -> list[dict]:  # noqa: ANN001
    async with db.session() as session:
        return [e.data for e in await session.scalars(
            select(Event).where(Event.type == type_).order_by(Event.seq))]


async def answers(db) -> list[AssistantAnswer]:  # noqa: ANN001
    async with db.session() as session:
        return list(await session.scalars(select(AssistantAnswer).order_by(AssistantAnswer.id)))
