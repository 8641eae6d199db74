"""/admin/datasets: admins see the dataset builds, start one and recall one (the same services as
/api/v1/roost/admin/datasets). Everyone else gets 403."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from roost.api.deps import DbSession
from roost.datasets import service
from roost.datasets.kinds import NAMES
from roost.kit.errors import Invalid
from roost.web import forms, render
from roost.web.session import Form, SignedIn

router = APIRouter(tags=["web"])
PAGE = "/admin/datasets"


async def _page(request: Request, session: DbSession, viewer, status: int = 200,  # noqa: ANN001
                error: str | None = None) -> Response:
    builds = await service.builds(session, viewer, limit=100)
    return render.page(request, "web/admin_datasets.html", status, title="Datasets",
                       builds=builds, kinds=NAMES, error=error,
                       message=request.query_params.get("done"))


@router.get(PAGE)
async def datasets_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    return await _page(request, session, viewer)


@router.post(PAGE)
async def start_build(request: Request, session: DbSession, viewer: SignedIn,
                      form: Form) -> Response:
    try:
        build = await service.request_build(session, viewer, forms.text(form, "kind"))
    except Invalid as exc:
        return await _page(request, session, viewer, 422, exc.message)
    return RedirectResponse(f"{PAGE}?done=Build+{build.kind}+v{build.version}+queued",
                            status_code=303, headers=render.HEADERS)


@router.post(PAGE + "/{build_id}/recall")
async def recall_build(build_id: str, request: Request, session: DbSession, viewer: SignedIn,
                       form: Form) -> Response:
    build = await service.recall(session, viewer, build_id)
    return RedirectResponse(f"{PAGE}?done=Recalled+{build.kind}+v{build.version}",
                            status_code=303, headers=render.HEADERS)
