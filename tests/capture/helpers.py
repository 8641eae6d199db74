"""Helpers for the capture tests."""

from __future__ import annotations

from sqlalchemy import select

from roost.models import Event


async def consent(api, person, level: str = "all") -> None:  # noqa: ANN001
    r = await api.put("/api/v1/roost/consent", data={"training": level}, headers=person.headers)
    assert r.status_code == 200, r.text


async def events(db, type_: str) -> list[Event]:  # noqa: ANN001
    async with db.session() as session:
        return list(await session.scalars(select(Event).where(Event.type == type_)
                                          .order_by(Event.seq)))


async def post(api, person, text: str = "hello", **params) -> dict:  # noqa: ANN001
    r = await api.post("/api/v1/statuses", data={"status": text, **params}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()
