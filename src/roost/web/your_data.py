"""Settings → "Your data" (an archive of everything one has here: roost.archives) and
"Delete account" (accounts.service.delete_account, confirmed with the password). No JavaScript."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from roost import runtime
from roost.accounts import repository as accounts_repo
from roost.accounts import service as accounts
from roost.api.deps import AppSettings, DbSession
from roost.archives import repository as archives_repo
from roost.archives import service as archives
from roost.archives.endpoints import download_name, zip_response
from roost.auth import pages
from roost.auth.ratelimit import limiter_of
from roost.kit.errors import Invalid, RateLimited
from roost.models import Account
from roost.web import forms, render
from roost.web.session import Form, SignedIn
from roost.web.settings import _page

router = APIRouter(tags=["web"])

DATA_PAGE, DELETE_PAGE = "/settings/data", "/settings/delete"


async def _data_page(request: Request, session: AsyncSession, viewer: Account, status: int = 200,
                     error: str | None = None) -> Response:
    rows = await archives_repo.of_account(session, viewer.id)
    return _page(request, "web/settings_data.html", status, title="Your data",
                 archives=[(a, archives.expires_at(a)) for a in rows], error=error,
                 retention_days=runtime.settings().archive_retention_days,
                 interval_hours=runtime.settings().archive_interval_hours)


@router.get(DATA_PAGE)
async def data_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    return await _data_page(request, session, viewer)


@router.post(f"{DATA_PAGE}/archive")
async def request_archive(request: Request, session: DbSession, viewer: SignedIn,
                          form: Form) -> Response:
    try:
        await archives.request_archive(session, viewer)
    except RateLimited as exc:
        return await _data_page(request, session, viewer, 429, exc.message)
    return RedirectResponse(f"{DATA_PAGE}?saved=1", status_code=303, headers=render.HEADERS)


@router.get(DATA_PAGE + "/archives/{archive_id}.zip")
async def download(archive_id: str, session: DbSession, viewer: SignedIn) -> Response:
    archive, path = await archives.file_for_owner(session, viewer, archive_id)
    return zip_response(path, download_name(viewer, archive))


# ---- deleting one's account ------------------------------------------------------------------

def _delete_page(request: Request, status: int = 200, error: str | None = None) -> Response:
    return _page(request, "web/settings_delete.html", status, title="Delete account", error=error)


@router.get(DELETE_PAGE)
async def delete_page(request: Request, viewer: SignedIn) -> Response:
    return _delete_page(request)


@router.post(DELETE_PAGE)
async def delete_submit(request: Request, session: DbSession, settings: AppSettings,
                        viewer: SignedIn, form: Form) -> Response:
    """Delete the account once the password is confirmed (the sign-in page's failed-attempt
    limits apply), then sign this browser out."""
    password = forms.text(form, "password")
    if not password:
        return _delete_page(request, 422, "Enter your password to confirm.")
    user = await accounts_repo.user_for(session, viewer.id)
    limiter, key = limiter_of(request), f"user:{user.id}"
    try:
        if limiter is not None:
            await limiter.check_login(request, key)
        await accounts.delete_account(session, viewer, password=password)
    except RateLimited as exc:
        return _delete_page(request, 429, exc.message)
    except Invalid:
        await forms.undo(session, viewer)
        if limiter is not None:
            await limiter.login_failed(request, key)
        return _delete_page(request, 422, "That is not your password.")
    request.state.web_viewer = None
    response = render.page(request, "web/account_deleted.html", title="Account deleted")
    pages.clear_session_cookie(response, request, settings)
    return response
