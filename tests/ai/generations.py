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


async def post_ai(api, person, run_jobs, text: str = "made this", **params) -> dict:  # noqa: ANN001
    """Generate (one candidate), pick it and post it: the status JSON."""
    gen = await start(api, person, n="1", **params)
    await run_jobs()
    [cand] = (await get(api, person, gen["id"]))["candidates"]
    r = await api.post(f"{ROOT}/{gen['id']}/pick", data={"candidate_ids[]": [cand["id"]]},
                       headers=person.headers)
    assert r.status_code == 200, r.text
    r = await api.post("/api/v1/statuses", data={"status": text, "media_ids[]": [r.json()[0]["id"]],
                                                 **params.get("status", {})},
                       headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()
