"""Content filters: the v2 API (filters with keywords and statuses) and the v1 API (one filter
per keyword), both over the same rows (roost.filters)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from roost.api.deps import DbSession, user
from roost.api.mastodon.serializers import iso
from roost.api.params import as_bool, as_list, as_str, read_params
from roost.auth.actor import Actor
from roost.filters import service
from roost.filters.matching import FilterRules
from roost.kit.errors import Invalid

router = APIRouter(prefix="/api", tags=["filters"])
READ, WRITE = "read:filters", "write:filters"


# ---- entities -----------------------------------------------------------------------------------

def filter_entity(rules: FilterRules, *, with_rules: bool = True) -> dict:
    """A Filter; inside a FilterResult it comes without keywords and statuses (as Mastodon)."""
    data: dict[str, Any] = {"id": str(rules.id), "title": rules.title, "context": list(rules.context),
                            "expires_at": iso(rules.expires_at), "filter_action": rules.action}
    if with_rules:
        data["keywords"] = [keyword_entity(k) for k in rules.keywords]
        data["statuses"] = [status_entity(s) for s in rules.statuses]
    return data


def keyword_entity(k) -> dict:  # noqa: ANN001 - a keyword row or matching.Keyword
    return {"id": str(k.id), "keyword": k.keyword, "whole_word": k.whole_word}


def status_entity(s) -> dict:  # noqa: ANN001 - a filtered-status row or matching.FilteredStatus
    return {"id": str(s.id), "status_id": str(s.status_id)}


def v1_entity(kw, f) -> dict:  # noqa: ANN001 - a keyword row and its filter row
    return {"id": str(kw.id), "phrase": kw.keyword, "context": list(f.context),
            "whole_word": kw.whole_word, "expires_at": iso(f.expires_at),
            "irreversible": f.action == "hide"}


# ---- input --------------------------------------------------------------------------------------

def _optional_bool(p: dict, key: str) -> bool | None:
    value = p.get(key)
    return None if value is None or value == "" else as_bool(value)


def _contexts(p: dict) -> list[str] | None:
    if "context" not in p:
        return None
    return [as_str(v, "") or "" for v in as_list(p["context"])]


def _expires(p: dict) -> tuple[bool, int | None]:
    """(sent, seconds): "", null or absent mean "never"; anything else must be whole seconds."""
    if "expires_in" not in p:
        return False, None
    value = p["expires_in"]
    if value is None or value == "":
        return True, None
    if isinstance(value, bool):
        raise Invalid("Validation failed: Expires in is not a number")
    text = str(value).strip()
    if not text.lstrip("+-").isascii() or not text.lstrip("+-").isdigit() or len(text) > 20:
        raise Invalid("Validation failed: Expires in is not a number")
    return True, int(text)


def _keyword_changes(value: Any) -> list[service.KeywordChange]:
    if isinstance(value, dict):  # {"0": {...}} sent as JSON
        value = list(value.values())
    out = []
    for item in as_list(value):
        if not isinstance(item, dict):
            raise Invalid("Validation failed: keywords_attributes must be a list of objects")
        out.append(service.KeywordChange(
            keyword=as_str(item.get("keyword")), whole_word=_optional_bool(item, "whole_word"),
            id=as_str(item.get("id")), destroy=as_bool(item.get("_destroy"))))
    return out


def _filter_change(p: dict) -> service.FilterChange:
    sent, seconds = _expires(p)
    return service.FilterChange(
        title=as_str(p.get("title")), context=_contexts(p),
        action=as_str(p.get("filter_action")) or None, expires_sent=sent, expires_in=seconds,
        keywords=_keyword_changes(p.get("keywords_attributes")))


def _v1_change(p: dict) -> service.V1Change:
    sent, seconds = _expires(p)
    return service.V1Change(phrase=as_str(p.get("phrase")), context=_contexts(p),
                            irreversible=_optional_bool(p, "irreversible"),
                            whole_word=_optional_bool(p, "whole_word"),
                            expires_sent=sent, expires_in=seconds)


# ---- v2: filters --------------------------------------------------------------------------------

@router.get("/v2/filters")
async def list_filters(session: DbSession, actor: Actor = user(READ)) -> list[dict]:
    return [filter_entity(r) for r in await service.list_filters(session, actor.account)]


@router.post("/v2/filters")
async def create_filter(request: Request, session: DbSession, actor: Actor = user(WRITE)) -> dict:
    change = _filter_change(await read_params(request))
    return filter_entity(await service.create_filter(session, actor.account, change))


@router.get("/v2/filters/{filter_id}")
async def get_filter(filter_id: str, session: DbSession, actor: Actor = user(READ)) -> dict:
    return filter_entity(await service.get_filter(session, actor.account, filter_id))


@router.put("/v2/filters/{filter_id}")
async def update_filter(filter_id: str, request: Request, session: DbSession,
                        actor: Actor = user(WRITE)) -> dict:
    change = _filter_change(await read_params(request))
    return filter_entity(await service.update_filter(session, actor.account, filter_id, change))


@router.delete("/v2/filters/{filter_id}")
async def delete_filter(filter_id: str, session: DbSession, actor: Actor = user(WRITE)) -> dict:
    await service.delete_filter(session, actor.account, filter_id)
    return {}


# ---- v2: keywords -------------------------------------------------------------------------------

@router.get("/v2/filters/{filter_id}/keywords")
async def list_keywords(filter_id: str, session: DbSession, actor: Actor = user(READ)) -> list[dict]:
    return [keyword_entity(k) for k in await service.list_keywords(session, actor.account, filter_id)]


@router.post("/v2/filters/{filter_id}/keywords")
async def add_keyword(filter_id: str, request: Request, session: DbSession,
                      actor: Actor = user(WRITE)) -> dict:
    p = await read_params(request)
    row = await service.add_keyword(session, actor.account, filter_id, as_str(p.get("keyword")),
                                    _optional_bool(p, "whole_word"))
    return keyword_entity(row)


@router.get("/v2/filters/keywords/{keyword_id}")
async def get_keyword(keyword_id: str, session: DbSession, actor: Actor = user(READ)) -> dict:
    row, _ = await service.get_keyword(session, actor.account, keyword_id)
    return keyword_entity(row)


@router.put("/v2/filters/keywords/{keyword_id}")
async def update_keyword(keyword_id: str, request: Request, session: DbSession,
                         actor: Actor = user(WRITE)) -> dict:
    p = await read_params(request)
    row = await service.update_keyword(session, actor.account, keyword_id,
                                       as_str(p.get("keyword")), _optional_bool(p, "whole_word"))
    return keyword_entity(row)


@router.delete("/v2/filters/keywords/{keyword_id}")
async def delete_keyword(keyword_id: str, session: DbSession, actor: Actor = user(WRITE)) -> dict:
    await service.remove_keyword(session, actor.account, keyword_id)
    return {}


# ---- v2: statuses -------------------------------------------------------------------------------

@router.get("/v2/filters/{filter_id}/statuses")
async def list_statuses(filter_id: str, session: DbSession, actor: Actor = user(READ)) -> list[dict]:
    return [status_entity(s) for s in await service.list_statuses(session, actor.account, filter_id)]


@router.post("/v2/filters/{filter_id}/statuses")
async def add_status(filter_id: str, request: Request, session: DbSession,
                     actor: Actor = user(WRITE)) -> dict:
    p = await read_params(request)
    row = await service.add_status(session, actor.account, filter_id, as_str(p.get("status_id")))
    return status_entity(row)


@router.get("/v2/filters/statuses/{filter_status_id}")
async def get_status(filter_status_id: str, session: DbSession, actor: Actor = user(READ)) -> dict:
    return status_entity(await service.get_filtered_status(session, actor.account, filter_status_id))


@router.delete("/v2/filters/statuses/{filter_status_id}")
async def delete_status(filter_status_id: str, session: DbSession,
                        actor: Actor = user(WRITE)) -> dict:
    """Answers the removed FilterStatus (the schema's shape; Mastodon sends {})."""
    return status_entity(await service.remove_status(session, actor.account, filter_status_id))


# ---- v1 -----------------------------------------------------------------------------------------

@router.get("/v1/filters")
async def v1_list(session: DbSession, actor: Actor = user(READ)) -> list[dict]:
    return [v1_entity(k, f) for k, f in await service.v1_filters(session, actor.account)]


@router.post("/v1/filters")
async def v1_create(request: Request, session: DbSession, actor: Actor = user(WRITE)) -> dict:
    change = _v1_change(await read_params(request))
    return v1_entity(*await service.v1_create(session, actor.account, change))


@router.get("/v1/filters/{keyword_id}")
async def v1_get(keyword_id: str, session: DbSession, actor: Actor = user(READ)) -> dict:
    return v1_entity(*await service.get_keyword(session, actor.account, keyword_id))


@router.put("/v1/filters/{keyword_id}")
async def v1_update(keyword_id: str, request: Request, session: DbSession,
                    actor: Actor = user(WRITE)) -> dict:
    change = _v1_change(await read_params(request))
    return v1_entity(*await service.v1_update(session, actor.account, keyword_id, change))


@router.delete("/v1/filters/{keyword_id}")
async def v1_delete(keyword_id: str, session: DbSession, actor: Actor = user(WRITE)) -> dict:
    await service.v1_delete(session, actor.account, keyword_id)
    return {}
