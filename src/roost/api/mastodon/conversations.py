"""Conversations (direct-message threads) and the direct timeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from roost.api.deps import DbSession, user
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.auth.actor import Actor
from roost.conversations import service
from roost.conversations.service import ConversationView
from roost.models import Account

router = APIRouter(prefix="/api/v1", tags=["conversations"])

Page = Annotated[PageParams, Depends(page_params(20, 40))]


async def render_conversations(session: AsyncSession, viewer: Account,
                               views: Sequence[ConversationView]) -> list[dict]:
    """Conversation entities; every last post goes through one Presenter.statuses call."""
    rendered = {int(d["id"]): d for d in await Presenter(session, viewer).statuses(
        [v.last_status for v in views if v.last_status is not None])}
    return [
        {
            "id": str(v.row.id),
            "unread": v.row.unread,
            "accounts": [ser.account(a) for a in v.accounts],
            "last_status": rendered.get(v.row.last_status_id),
        }
        for v in views
    ]


@router.get("/conversations")
async def list_conversations(request: Request, response: Response, session: DbSession, page: Page,
                             actor: Actor = user("read:statuses")) -> list[dict]:
    views = await service.list_conversations(session, actor.account, page)
    set_link_header(request, response, [v.row.last_status_id for v in views])
    return await render_conversations(session, actor.account, views)


@router.delete("/conversations/{conversation_id}")
async def remove_conversation(conversation_id: str, session: DbSession,
                              actor: Actor = user("write:conversations")) -> dict:
    await service.remove(session, actor.account, conversation_id)
    return {}


@router.post("/conversations/{conversation_id}/read")
async def read_conversation(conversation_id: str, session: DbSession,
                            actor: Actor = user("write:conversations")) -> dict:
    view = await service.mark_read(session, actor.account, conversation_id)
    return (await render_conversations(session, actor.account, [view]))[0]


@router.get("/timelines/direct")
async def direct_timeline(request: Request, response: Response, session: DbSession, page: Page,
                          actor: Actor = user("read:statuses")) -> list[dict]:
    rows = await service.direct_timeline(session, actor.account, page)
    set_link_header(request, response, [s.id for s in rows])
    return await Presenter(session, actor.account).statuses(rows)
