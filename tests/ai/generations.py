"""Helpers for the generations tests."""

from __future__ import annotations

from sqlalchemy import select

from roost.models import Event

PROMPT = "a red fox in the snow under the aurora"
ROOT = "/api/v1/roost/generations"


def path_of(url: str) -> str:
    assert url.startswith("http://roost.test/media/"), url
    return url.removeprefix("http://roost.test")


async def start(api, person, **params) -> dict:  # noqa: ANN001
    r = await api.post(ROOT, data={"prompt": PROMPT, **params}, headers=person.headers)
    assert r.status_code == 202, r.text
    return r.json()


async def get(api, person, gen_id: str) -> dict:  # noqa: ANN001
    r = await api.get(f"{ROOT}/{gen_id}", headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def events_of(db, type_: str, subject_id: int) -> list[dict]:  # noqa: ANN001
    async with db.session() as session:
        rows = await session.scalars(select(Event).where(Event.type == type_,
                                                         Event.subject_id == subject_id))
        return [e.data for e in rows]


async def post_ai(api, person, prompt: str = PROMPT, **params) -> tuple[dict, dict]:  # noqa: ANN001
    """A generation run to done, its first candidate picked and posted: (generation, status)."""
    r = await api.post(ROOT, data={"prompt": prompt, "n": "2", **params}, headers=person.headers)
    assert r.status_code == 202, r.text
    return r.json(), {}
