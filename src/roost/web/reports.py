"""Reporting an account from the web: GET+POST /accounts/ID/report, filed through the same
service as POST /api/v1/reports, then a thank-you page that offers to mute or block."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from roost.accounts import queries
from roost.accounts import repository as accounts_repo
from roost.api.deps import DbSession
from roost.api.mastodon.presenter import Presenter
from roost.kit.errors import Invalid, NotFound
from roost.kit.paging import PageParams
from roost.models import Account
from roost.moderation import service
from roost.moderation.service import MAX_COMMENT
from roost.web import render
from roost.web.relationships import relationships_of
from roost.web.session import Form, SignedIn

router = APIRouter(tags=["web"])

RECENT_POSTS = 20
CATEGORIES = [
    ("spam", "It's spam", "Malicious links, fake engagement, or repetitive replies"),
    ("legal", "It's illegal", "You believe it breaks the law of your or the server's country"),
    ("violation", "It breaks the server's rules", "You are aware that it breaks specific rules"),
    ("other", "It's something else", "The issue does not fit into other categories"),
]


async def _target(session: AsyncSession, viewer: Account, account_id: int) -> Account:
    target = await accounts_repo.get(session, account_id, include_hidden=True)
    if target is None or target.deleted_at is not None or target.id == viewer.id:
        raise NotFound()
    return target


def _list(form: dict, key: str) -> list[str]:
    value = form.get(key)
    values = value if isinstance(value, list) else [value] if value is not None else []
    return [v for v in values if isinstance(v, str) and v]


async def _form(request: Request, session: AsyncSession, viewer: Account, target: Account, *,
                status: int = 200, error: str | None = None, category: str = "",
                comment: str = "", chosen: set[str] | None = None,
                rules: set[str] | None = None) -> Response:
    """The report form, with the account's recent posts the viewer may read to attach."""
    rows = await queries.profile_statuses(session, target, viewer.id,
                                          PageParams(limit=RECENT_POSTS),
                                          queries.ProfileFilter(exclude_reblogs=True))
    statuses = await Presenter(session, viewer).statuses(rows)
    a = await Presenter(session, viewer).account(target)
    return render.page(request, "web/report.html", status, a=a, statuses=statuses, error=error,
                       categories=CATEGORIES, category=category, comment=comment,
                       chosen=chosen or set(), chosen_rules=rules or set(),
                       rules=request.state.site.rules, max_comment=MAX_COMMENT,
                       title=f"Report @{target.username}")


@router.get("/accounts/{account_id:int}/report")
async def report_page(account_id: int, request: Request, session: DbSession,
                      viewer: SignedIn) -> Response:
    target = await _target(session, viewer, account_id)
    if request.query_params.get("sent"):
        a = await Presenter(session, viewer).account(target)
        rel = (await relationships_of(session, viewer, [target.id])).get(a["id"])
        return render.page(request, "web/report_sent.html", a=a, rel=rel,
                           back=f"/@{target.username}", title="Thanks for reporting")
    status_id = request.query_params.get("status_id")
    return await _form(request, session, viewer, target, chosen={status_id} if status_id else None)


@router.post("/accounts/{account_id:int}/report")
async def report(account_id: int, request: Request, session: DbSession, viewer: SignedIn,
                 form: Form) -> Response:
    target = await _target(session, viewer, account_id)
    category = form.get("category") if form.get("category") in dict.fromkeys(
        c for c, _, _ in CATEGORIES) else ""
    comment = form.get("comment") if isinstance(form.get("comment"), str) else ""
    chosen, rules = _list(form, "status_ids"), _list(form, "rule_ids")
    kept = dict(category=category, comment=comment, chosen=set(chosen), rules=set(rules))
    error = None
    if not category:
        error = "Choose what is wrong with this account."
    elif category == "violation" and request.state.site.rules and not rules:
        error = "Choose the rules that are broken."
    elif len(comment.strip()) > MAX_COMMENT:
        error = f"The comment is too long (at most {MAX_COMMENT} characters)."
    if error is None:
        try:
            await service.file_report(session, viewer, account_id=target.id, status_ids=chosen,
                                      comment=comment, category=category,
                                      rule_ids=rules if category == "violation" else [],
                                      forward=False)
        except (Invalid, NotFound):
            error = "Some of the choices are no longer valid. Check them and send again."
    if error is not None:
        return await _form(request, session, viewer, target, status=422, error=error, **kept)
    return RedirectResponse(f"/accounts/{target.id}/report?sent=1", status_code=303,
                            headers=render.HEADERS)
