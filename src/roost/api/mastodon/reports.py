"""Reports: filing one (POST /api/v1/reports) and the moderators' admin API
(/api/v1/admin/reports)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from roost.api.deps import DbSession, user
from roost.api.mastodon.admin_presenter import AdminPresenter, report
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_bool, as_list, as_str, read_params
from roost.auth.actor import Actor
from roost.kit.ids import parse_id
from roost.moderation import repository as repo
from roost.moderation import service

router = APIRouter(prefix="/api/v1", tags=["reports"])

OptionalText = Annotated[str | None, Query()]


@router.post("/reports")
async def file_report(request: Request, session: DbSession,
                      actor: Actor = user("write:reports")) -> dict:
    p = await read_params(request)
    filed = await service.file_report(
        session, actor.account, account_id=as_str(p.get("account_id")),
        status_ids=[as_str(x) or "" for x in as_list(p.get("status_ids"))],
        comment=as_str(p.get("comment")), category=as_str(p.get("category")),
        rule_ids=[as_str(x) or "" for x in as_list(p.get("rule_ids"))],
        forward=as_bool(p.get("forward")))
    target = await session.get(type(actor.account), filed.target_account_id)
    return report(filed, await Presenter(session, actor.account).account(target))


async def _one(session: DbSession, actor: Actor, report_id: str) -> dict:
    found = await service.get_for_moderator(session, actor.account, report_id)
    return (await AdminPresenter(session, actor.account).reports([found]))[0]


@router.get("/admin/reports")
async def admin_reports(request: Request, response: Response, session: DbSession,
                        page: Annotated[PageParams, Depends(page_params(100, 200))],
                        resolved: OptionalText = None, account_id: OptionalText = None,
                        target_account_id: OptionalText = None,
                        actor: Actor = user("admin:read:reports")) -> list[dict]:
    await service.check_moderator(session, actor.account)
    rows = await repo.page(session, page, resolved=as_bool(resolved),
                           account_id=parse_id(account_id) if account_id else None,
                           target_account_id=parse_id(target_account_id) if target_account_id else None)
    set_link_header(request, response, [r.id for r in rows])
    return await AdminPresenter(session, actor.account).reports(rows)


@router.get("/admin/reports/{report_id}")
async def admin_report(report_id: str, session: DbSession,
                       actor: Actor = user("admin:read:reports")) -> dict:
    return await _one(session, actor, report_id)


@router.post("/admin/reports/{report_id}/resolve")
async def resolve(report_id: str, session: DbSession,
                  actor: Actor = user("admin:write:reports")) -> dict:
    await service.resolve(session, actor.account, report_id)
    return await _one(session, actor, report_id)


@router.post("/admin/reports/{report_id}/reopen")
async def reopen(report_id: str, session: DbSession,
                 actor: Actor = user("admin:write:reports")) -> dict:
    await service.reopen(session, actor.account, report_id)
    return await _one(session, actor, report_id)


@router.post("/admin/reports/{report_id}/assign_to_self")
async def assign_to_self(report_id: str, session: DbSession,
                         actor: Actor = user("admin:write:reports")) -> dict:
    await service.assign(session, actor.account, report_id, to_self=True)
    return await _one(session, actor, report_id)


@router.post("/admin/reports/{report_id}/unassign")
async def unassign(report_id: str, session: DbSession,
                   actor: Actor = user("admin:write:reports")) -> dict:
    await service.assign(session, actor.account, report_id, to_self=False)
    return await _one(session, actor, report_id)
