"""Polls: view one (as its post's visibility allows) and vote."""

from __future__ import annotations

from fastapi import APIRouter, Request

from roost.api.deps import DbSession, maybe_user, user
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_list, read_params
from roost.auth.actor import Actor
from roost.kit.errors import NotFound
from roost.kit.ids import parse_id
from roost.polls import repository as repo
from roost.polls import service

router = APIRouter(prefix="/api/v1", tags=["polls"])


@router.get("/polls/{poll_id}")
async def get_poll(poll_id: str, session: DbSession,
                   actor: Actor | None = maybe_user("read:statuses")) -> dict:
    viewer = actor.account if actor else None
    found = await repo.get_readable(session, parse_id(poll_id), viewer.id if viewer else None)
    if found is None:
        raise NotFound()
    return await Presenter(session, viewer).poll(found[0])


@router.post("/polls/{poll_id}/votes")
async def vote(poll_id: str, request: Request, session: DbSession,
               actor: Actor = user("write:statuses")) -> dict:
    p = await read_params(request)
    poll = await service.vote(session, actor.account, poll_id, as_list(p.get("choices")))
    return await Presenter(session, actor.account).poll(poll)
