"""Accounts: your own credentials and profile, other people's profiles and posts, finding people.

Account ids in paths use the `int` convertor, so /accounts/relationships and the like never
match `/accounts/{id}`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from roost import runtime
from roost.accounts import queries
from roost.accounts import repository as repo
from roost.accounts import service
from roost.api.deps import DbSession, maybe_user, user
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_bool, as_limit, as_list, as_offset, as_str, read_params
from roost.auth.actor import Actor
from roost.capture import impressions
from roost.kit.errors import Invalid, NotFound
from roost.kit.ids import parse_id
from roost.models import Account

router = APIRouter(prefix="/api", tags=["accounts"])

OptionalText = Annotated[str | None, Query()]


def _flag(params: dict, key: str) -> bool | None:
    """A boolean parameter, or None when it was not sent."""
    value = params.get(key)
    return None if value is None or value == "" else as_bool(value)


def _file(value: Any) -> Any:
    return None if value is None or value == "" else value


@router.get("/v1/accounts/verify_credentials")
async def verify_credentials(session: DbSession, actor: Actor = user("profile")) -> dict:
    return await Presenter(session, actor.account).account(actor.account, credentials=True)


@router.patch("/v1/accounts/update_credentials")
async def update_credentials(request: Request, session: DbSession,
                             actor: Actor = user("write:accounts")) -> dict:
    p = await read_params(request)
    source = p.get("source") if isinstance(p.get("source"), dict) else {}
    account = await service.update_profile(
        session, actor.account,
        display_name=as_str(p.get("display_name")), note=as_str(p.get("note")),
        locked=_flag(p, "locked"), bot=_flag(p, "bot"), discoverable=_flag(p, "discoverable"),
        indexable=_flag(p, "indexable"), fields=p.get("fields_attributes"),
        avatar=_file(p.get("avatar")), header=_file(p.get("header")),
        privacy=as_str(source.get("privacy")), sensitive=_flag(source, "sensitive"),
        language=as_str(source.get("language")),
    )
    return await Presenter(session, actor.account).account(account, credentials=True)


async def _remove_image(session: DbSession, actor: Actor, kind: str) -> dict:
    account = await service.remove_profile_image(session, actor.account, kind)
    return await Presenter(session, actor.account).account(account, credentials=True)


@router.delete("/v1/profile/avatar")
async def delete_avatar(session: DbSession, actor: Actor = user("write:accounts")) -> dict:
    return await _remove_image(session, actor, "avatar")


@router.delete("/v1/profile/header")
async def delete_header(session: DbSession, actor: Actor = user("write:accounts")) -> dict:
    return await _remove_image(session, actor, "header")


@router.get("/v1/accounts/lookup")
async def lookup(acct: Annotated[str, Query()], session: DbSession,
                 actor: Actor | None = maybe_user("read:accounts")) -> dict:
    account = await repo.by_acct(session, acct, runtime.settings().domain)
    if account is None:
        raise NotFound()
    return await Presenter(session, actor.account if actor else None).account(account)


@router.get("/v1/accounts/search")
async def search_accounts(session: DbSession, q: Annotated[str, Query()] = "",
                          limit: OptionalText = None, offset: OptionalText = None,
                          following: OptionalText = None, resolve: OptionalText = None,
                          actor: Actor = user("read:accounts")) -> list[dict]:
    settings = runtime.settings()
    found = await queries.search(
        session, actor.account.id, q, local_domain=settings.domain,
        limit=as_limit(limit, 40, 80), offset=as_offset(offset), following=as_bool(following),
        base_url=settings.base_url if as_bool(resolve) else None)
    return await Presenter(session, actor.account).accounts(found)


async def _profile(session: DbSession, account_id: int) -> Account:
    """The account behind a path id: 404 when unknown or deleted (suspended ones are returned)."""
    account = await repo.get(session, parse_id(str(account_id)), include_hidden=True)
    if account is None or account.deleted_at is not None:
        raise NotFound()
    return account


MAX_ACCOUNTS = 40  # Mastodon's DEFAULT_ACCOUNTS_LIMIT


@router.get("/v1/accounts")
async def get_accounts(request: Request, session: DbSession,
                       actor: Actor | None = maybe_user("read:accounts")) -> list[dict]:
    """Several accounts by `id[]` (Mastodon 4.3), in the order asked; unknown ids are left out."""
    p = await read_params(request)
    ids = list(dict.fromkeys(i for i in (parse_id(as_str(x)) for x in as_list(p.get("id")))
                             if i is not None))
    if len(ids) > MAX_ACCOUNTS:
        raise Invalid(f"Validation failed: at most {MAX_ACCOUNTS} ids at once")
    found = await repo.profiles(session, ids)
    return await Presenter(session, actor.account if actor else None).accounts(
        [found[i] for i in ids if i in found])


@router.get("/v1/accounts/{account_id:int}")
async def get_account(account_id: int, session: DbSession,
                      actor: Actor | None = maybe_user("read:accounts")) -> dict:
    account = await _profile(session, account_id)
    return await Presenter(session, actor.account if actor else None).account(account)


@router.get("/v1/accounts/{account_id:int}/statuses")
async def account_statuses(account_id: int, request: Request, response: Response,
                           session: DbSession,
                           page: Annotated[PageParams, Depends(page_params(20, 40))],
                           pinned: OptionalText = None, exclude_replies: OptionalText = None,
                           exclude_reblogs: OptionalText = None, only_media: OptionalText = None,
                           tagged: OptionalText = None,
                           actor: Actor | None = maybe_user("read:statuses")) -> list[dict]:
    viewer = actor.account if actor else None
    account = await _profile(session, account_id)
    if account.suspended_at is not None:
        return []
    f = queries.ProfileFilter(pinned=as_bool(pinned), exclude_replies=as_bool(exclude_replies),
                              exclude_reblogs=as_bool(exclude_reblogs),
                              only_media=as_bool(only_media), tagged=tagged or None)
    rows = await queries.profile_statuses(session, account, viewer.id if viewer else None, page, f)
    out = await Presenter(session, viewer, filter_context="account").statuses(rows)
    next_position = None
    if not f.pinned:  # an impression of the profile's feed (roost.capture)
        next_position = impressions.served_page(
            session, viewer, f"account:{account.id}", out, surface="api",
            top=page.max_id is None and page.min_id is None,
            claimed=request.query_params.get("position"), after=page.max_id,
            last=rows[-1].id if rows else None)
    set_link_header(request, response, [s.id for s in rows], next_position=next_position)
    return out


from roost.api.mastodon import markers, search  # noqa: E402 - sub-routers share this prefix

router.include_router(search.router)
router.include_router(markers.router)
