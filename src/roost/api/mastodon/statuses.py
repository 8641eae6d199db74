from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from roost.api.deps import DbSession, maybe_user, user
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_bool, as_list, as_str, read_params
from roost.auth.actor import Actor
from roost.kit.errors import Invalid, NotFound
from roost.kit.ids import parse_id
from roost.models import ScheduledStatus
from roost.polls.service import from_params as poll_params
from roost.posts import editing, queries
from roost.posts import repository as repo
from roost.posts import service
from roost.scheduled import service as scheduling

router = APIRouter(prefix="/api/v1", tags=["statuses"])


@router.post("/statuses")
async def create_status(request: Request, session: DbSession,
                        actor: Actor = user("write:statuses")) -> dict:
    p = await read_params(request)
    new = service.NewPost(
        text=as_str(p.get("status"), "") or "",
        spoiler_text=as_str(p.get("spoiler_text"), "") or "",
        visibility=as_str(p.get("visibility")) or None,
        sensitive=as_bool(p.get("sensitive")),
        language=as_str(p.get("language")),
        in_reply_to_id=as_str(p.get("in_reply_to_id")),
        media_ids=[as_str(m) for m in as_list(p.get("media_ids"))],
        idempotency_key=request.headers.get("idempotency-key"),
        application_id=actor.app.id if actor.app else None,
        poll=poll_params(p.get("poll")),
        training_opt_out=as_bool(p.get("roost_training_opt_out")),
    )
    presenter = Presenter(session, actor.account)
    if p.get("scheduled_at") not in (None, ""):
        result = await scheduling.schedule_post(session, actor.account, new, as_str(p["scheduled_at"]))
        if isinstance(result, ScheduledStatus):
            return (await presenter.scheduled_statuses([result]))[0]
        return await presenter.status(result)
    status = await service.create_post(session, actor.account, new)
    return await presenter.status(status)


MAX_STATUSES = 20  # Mastodon's limit for GET /api/v1/statuses?id[]=


@router.get("/statuses")
async def get_statuses(request: Request, session: DbSession,
                       actor: Actor | None = maybe_user("read:statuses")) -> list[dict]:
    """Several statuses at once (Mastodon 4.3); unknown and unreadable ids are left out."""
    ids = [as_str(x) for x in as_list(request.query_params.getlist("id[]") or
                                     request.query_params.getlist("id"))]
    if len(ids) > MAX_STATUSES:
        raise Invalid(f"Validation failed: at most {MAX_STATUSES} ids at once")
    parsed = list(dict.fromkeys(i for i in (parse_id(x) for x in ids) if i is not None))
    viewer = actor.account if actor else None
    statuses = await repo.readable_many(session, parsed, viewer.id if viewer else None)
    return await Presenter(session, viewer).statuses(statuses)


@router.get("/statuses/{status_id}")
async def get_status(status_id: str, session: DbSession,
                     actor: Actor | None = maybe_user("read:statuses")) -> dict:
    viewer = actor.account if actor else None
    status = await repo.get_readable(session, parse_id(status_id), viewer.id if viewer else None)
    if status is None:
        raise NotFound()
    return await Presenter(session, viewer).status(status)


@router.put("/statuses/{status_id}")
async def edit_status(status_id: str, request: Request, session: DbSession,
                      actor: Actor = user("write:statuses")) -> dict:
    p = await read_params(request)
    attrs = p.get("media_attributes") or []
    edit = editing.PostEdit(
        text=as_str(p.get("status"), "") or "",
        spoiler_text=as_str(p.get("spoiler_text"), "") or "",
        sensitive=as_bool(p.get("sensitive")) if p.get("sensitive") not in (None, "") else None,
        language=as_str(p.get("language")),
        media_ids=[as_str(m) for m in as_list(p.get("media_ids"))] if "media_ids" in p else None,
        media_attributes=[a for a in as_list(attrs) if isinstance(a, dict)],
        poll=poll_params(p.get("poll")),
    )
    status = await editing.edit_post(session, actor.account, status_id, edit)
    return await Presenter(session, actor.account).status(status)


@router.get("/statuses/{status_id}/history")
async def status_history(status_id: str, session: DbSession,
                         actor: Actor | None = maybe_user("read:statuses")) -> list[dict]:
    viewer = actor.account if actor else None
    status, versions = await editing.history(session, viewer.id if viewer else None, status_id)
    return await Presenter(session, viewer).status_versions(status, versions)


@router.delete("/statuses/{status_id}")
async def delete_status(status_id: str, session: DbSession,
                        actor: Actor = user("write:statuses")) -> dict:
    status = await service.delete_post(session, actor.account, status_id)
    data = await Presenter(session, actor.account).status(status)
    data["text"] = status.text  # for delete-and-redraft
    return data


@router.get("/statuses/{status_id}/source")
async def status_source(status_id: str, session: DbSession,
                        actor: Actor = user("read:statuses")) -> dict:
    status = await repo.get_readable(session, parse_id(status_id), actor.account.id)
    if status is None or status.reblog_of_id is not None:
        raise NotFound()
    return {"id": str(status.id), "text": status.text, "spoiler_text": status.spoiler_text}


@router.get("/statuses/{status_id}/context")
async def status_context(status_id: str, session: DbSession,
                         actor: Actor | None = maybe_user("read:statuses")) -> dict:
    viewer = actor.account if actor else None
    _, ancestors, descendants = await queries.thread(session, status_id, viewer)
    rendered = {d["id"]: d for d in await Presenter(session, viewer, filter_context="thread")
                .statuses(ancestors + descendants)}
    return {"ancestors": [rendered[k] for k in (str(s.id) for s in ancestors) if k in rendered],
            "descendants": [rendered[k] for k in (str(s.id) for s in descendants) if k in rendered]}


def _action(path: str, fn, scope: str):  # noqa: ANN001
    async def endpoint(status_id: str, request: Request, session: DbSession,
                       actor: Actor = user(scope)) -> dict:
        kwargs = {}
        if fn is service.repost:
            p = await read_params(request)
            kwargs["visibility"] = as_str(p.get("visibility"))
        status = await fn(session, actor.account, status_id, **kwargs)
        return await Presenter(session, actor.account).status(status)

    endpoint.__name__ = path.replace("/", "_").strip("_")
    router.add_api_route(f"/statuses/{{status_id}}/{path}", endpoint, methods=["POST"])


_action("reblog", service.repost, "write:statuses")
_action("unreblog", service.unrepost, "write:statuses")
_action("favourite", service.favourite, "write:favourites")
_action("unfavourite", service.unfavourite, "write:favourites")
_action("bookmark", service.bookmark, "write:bookmarks")
_action("unbookmark", service.unbookmark, "write:bookmarks")
_action("pin", service.pin, "write:accounts")
_action("unpin", service.unpin, "write:accounts")


@router.get("/statuses/{status_id}/favourited_by")
async def favourited_by(status_id: str, request: Request, response: Response, session: DbSession,
                        page: Annotated[PageParams, Depends(page_params(40, 80))],
                        actor: Actor | None = maybe_user("read:accounts")) -> list[dict]:
    viewer = actor.account if actor else None
    rows = await queries.reactors(session, status_id, viewer, page, kind="favourite")
    set_link_header(request, response, [key for key, _ in rows])
    return await Presenter(session, viewer).accounts([a for _, a in rows])


@router.get("/statuses/{status_id}/reblogged_by")
async def reblogged_by(status_id: str, request: Request, response: Response, session: DbSession,
                       page: Annotated[PageParams, Depends(page_params(40, 80))],
                       actor: Actor | None = maybe_user("read:accounts")) -> list[dict]:
    viewer = actor.account if actor else None
    rows = await queries.reactors(session, status_id, viewer, page, kind="reblog")
    set_link_header(request, response, [key for key, _ in rows])
    return await Presenter(session, viewer).accounts([a for _, a in rows])


@router.get("/bookmarks")
async def bookmarks(request: Request, response: Response, session: DbSession,
                    page: Annotated[PageParams, Depends(page_params())],
                    actor: Actor = user("read:bookmarks")) -> list[dict]:
    rows = await queries.saved(session, actor.account, page, kind="bookmark")
    set_link_header(request, response, [key for key, _ in rows])
    return await Presenter(session, actor.account).statuses([s for _, s in rows])


@router.get("/favourites")
async def favourites(request: Request, response: Response, session: DbSession,
                     page: Annotated[PageParams, Depends(page_params())],
                     actor: Actor = user("read:favourites")) -> list[dict]:
    rows = await queries.saved(session, actor.account, page, kind="favourite")
    set_link_header(request, response, [key for key, _ in rows])
    return await Presenter(session, actor.account).statuses([s for _, s in rows])
