"""The admin page /admin/datasets (start, recall) and the builds on the Training data page."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from roost.models import DatasetBuild
from tests.datasets.helpers import set_consent
from tests.web.conftest import csrf_of, sign_in


async def test_admin_starts_and_recalls_a_build_and_people_see_it(api, make, run_jobs):
    alice, root = await make.account(), await make.account(role="admin")
    await set_consent(make, alice, "public_posts")
    await make.post(alice, "a post for the web page test")
    await sign_in(api, root)
    page = await api.get("/admin/datasets")
    assert page.status_code == 200 and "No builds yet." in page.text
    r = await api.post("/admin/datasets", data={"csrf_token": csrf_of(page.text), "kind": "posts"})
    assert r.status_code == 303
    await run_jobs()
    page = await api.get(r.headers["location"])
    assert "Build posts v1 queued" in page.text and "done" in page.text and "Recall" in page.text
    bad = await api.post("/admin/datasets", data={"csrf_token": csrf_of(page.text), "kind": "x"})
    assert bad.status_code == 422 and "kind must be one of" in bad.text

    async with make.db.session() as session:
        build = (await session.scalars(select(DatasetBuild))).one()
    api.cookies.clear()
    await sign_in(api, alice)
    mine = await api.get("/settings/training")
    assert "Datasets that included your data" in mine.text and "version 1" in mine.text
    assert "1 row from you" in mine.text and "recalled" not in mine.text
    assert (await api.get("/admin/datasets")).status_code == 403
    denied = await api.post(f"/admin/datasets/{build.id}/recall",
                            data={"csrf_token": csrf_of(mine.text)})
    assert denied.status_code == 403

    api.cookies.clear()
    await sign_in(api, root)
    page = await api.get("/admin/datasets")
    r = await api.post(f"/admin/datasets/{build.id}/recall", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and not Path(build.path).exists()
    api.cookies.clear()
    await sign_in(api, alice)
    assert "(recalled: its files were deleted)" in (await api.get("/settings/training")).text
