"""Helpers for the dataset tests: consent, events recorded as the services record them, builds
through the admin API, and reading the files back."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow.parquet as pq
from PIL import Image

from roost import events
from roost.consent import service as consent
from roost.events import schemas as ev
from roost.models import Account


async def set_consent(make, person, level: str) -> None:  # noqa: ANN001
    async with make.db.unit_of_work() as session:
        account = await session.get(Account, person.account.id)
        await consent.set_training(session, account, level, source="api")


async def record(make, person, data: ev.EventData, subject_id: int | None = None,  # noqa: ANN001
                 public: bool = False) -> None:
    """Record a capture event as its service does, in a unit of work, with the person as actor."""
    async with make.db.unit_of_work() as session:
        await session.get(Account, person.account.id)  # its consent is stamped from the row
        events.record(session, data, actor_id=person.account.id if person else None,
                      subject_id=subject_id, public=public)


async def admin(make) -> dict:  # noqa: ANN001
    person = await make.account(role="admin")
    return {"Authorization": f"Bearer {await make.token(person, ['admin:read', 'admin:write'])}"}


async def build(api, run_jobs, headers: dict, kind: str) -> dict:  # noqa: ANN001
    r = await api.post("/api/v1/roost/admin/datasets", json={"kind": kind}, headers=headers)
    assert r.status_code == 202, r.text
    await run_jobs()
    done = (await api.get(f"/api/v1/roost/admin/datasets/{r.json()['id']}", headers=headers)).json()
    assert done["state"] == "done", done
    return done


def rows(build: dict, config: str | None = None) -> list[dict]:
    folder = Path(build["path"]) / "data"
    if config:
        folder = folder / config
    return pq.read_table(sorted(folder.glob("*.parquet"))).to_pylist()


def png(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A 16 x 16 PNG of one colour."""
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(buf, "PNG")
    return buf.getvalue()
