"""Grouped notifications (the v2 API): pages of groups, one group, its accounts, dismissing a
group and the unread group count. Grouping rules live in notifications/grouping.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from roost.api.deps import DbSession, user
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.notifications import read_filter
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_list, as_str, read_params
from roost.auth.actor import Actor
from roost.kit.errors import BadRequest, NotFound
from roost.notifications import grouping, service

# Fixed paths (unread_count; a future /policy) must be declared before /{group_key}.
router = APIRouter(prefix="/api/v2/notifications", tags=["notifications"])


async def _grouped_types(request: Request) -> tuple[str, ...]:
    p = await read_params(request)
    return grouping.grouped_types(as_str(v, "") or "" for v in as_list(p.get("grouped_types")))


def _partial_avatars(request: Request) -> bool:
    value = request.query_params.get("expand_accounts")
    if value not in (None, "", "full", "partial_avatars"):
        raise BadRequest("Invalid value for 'expand_accounts', allowed values are 'full' and "
                         "'partial_avatars'")
    return value == "partial_avatars"


@router.get("")
async def list_groups(request: Request, response: Response, session: DbSession,
                      page: Annotated[PageParams, Depends(page_params(40, 80))],
                      actor: Actor = user("read:notifications")) -> dict:
    """`include_filtered` is accepted and changes nothing: Roost filters no notifications
    into requests."""
    partial = _partial_avatars(request)
    groups = await grouping.page(session, actor.account.id, await read_filter(request), page,
                                 await _grouped_types(request))
    if groups:
        set_link_header(request, response, [max(g.page_max_id for g in groups),
                                            min(g.page_min_id for g in groups)])
    return await Presenter(session, actor.account, filter_context="notifications").notification_groups(
        groups, paginated=True, partial_avatars=partial)


@router.get("/unread_count")
async def unread_count(request: Request, session: DbSession,
                       page: Annotated[PageParams, Depends(page_params(100, 1000))],
                       actor: Actor = user("read:notifications")) -> dict:
    """Only `limit` of the paging parameters means anything here: the cap on the count."""
    return {"count": await grouping.unread_count(
        session, actor.account.id, await read_filter(request), await _grouped_types(request),
        cap=page.limit)}


@router.get("/{group_key}")
async def get_group(group_key: str, session: DbSession,
                    actor: Actor = user("read:notifications")) -> dict:
    group = await grouping.get(session, actor.account.id, group_key)
    rendered = await Presenter(session, actor.account, filter_context="notifications").notification_groups(
        [group] if group else [], paginated=False)
    if not rendered["notification_groups"]:
        raise NotFound()
    return rendered


@router.get("/{group_key}/accounts")
async def group_accounts(group_key: str, request: Request, response: Response, session: DbSession,
                         page: Annotated[PageParams, Depends(page_params(40, 80))],
                         actor: Actor = user("read:notifications")) -> list[dict]:
    rows = await grouping.accounts(session, actor.account.id, group_key, page)
    if not rows and page == PageParams(limit=page.limit):
        raise NotFound()  # nothing of the caller's in this group (a cursor past the end: [])
    set_link_header(request, response, [nid for nid, _ in rows])
    return [ser.account(a) for _, a in rows]


@router.post("/{group_key}/dismiss")
async def dismiss_group(group_key: str, session: DbSession,
                        actor: Actor = user("write:notifications")) -> dict:
    await service.dismiss_group(session, actor.account.id, group_key)
    return {}
