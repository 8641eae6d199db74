"""The presenter's statements, built once and filled in at execution (`{"ids": [...], ...}`):
building a statement and its cache key costs more CPU than running it on a small page."""

from __future__ import annotations

from functools import cache

from sqlalchemy import BigInteger, Select, bindparam, literal, select, union_all
from sqlalchemy.sql.selectable import CompoundSelect

from roost.db import in_ids
from roost.models import (Account, Bookmark, Favourite, MediaAttachment, Mention, OAuthApp, Pin,
                          Status, StatusTag, Tag)


@cache
def by_ids(model) -> Select:  # noqa: ANN001
    """Rows of `model` whose id is in :ids."""
    return select(model).where(in_ids(model.id))


@cache
def reactions() -> CompoundSelect:
    """(kind, status id) for the statuses in :ids that :viewer_id favourited (f), bookmarked (b),
    pinned (p) or reposted (r)."""
    viewer = bindparam("viewer_id", type_=BigInteger)
    return union_all(
        select(literal("f"), Favourite.status_id)
        .where(Favourite.account_id == viewer, in_ids(Favourite.status_id)),
        select(literal("b"), Bookmark.status_id)
        .where(Bookmark.account_id == viewer, in_ids(Bookmark.status_id)),
        select(literal("p"), Pin.status_id)
        .where(Pin.account_id == viewer, in_ids(Pin.status_id)),
        select(literal("r"), Status.reblog_of_id)
        .where(Status.account_id == viewer, in_ids(Status.reblog_of_id)),
    )


@cache
def media() -> Select:
    return (select(MediaAttachment).where(in_ids(MediaAttachment.status_id))
            .order_by(MediaAttachment.position, MediaAttachment.id))


@cache
def mentions() -> Select:
    return (select(Mention.status_id, Account.id, Account.username)
            .join(Account, Account.id == Mention.account_id)
            .where(in_ids(Mention.status_id)).order_by(Mention.id))


@cache
def tags() -> Select:
    return (select(StatusTag.status_id, Tag.name, Tag.display_name)
            .join(Tag, Tag.id == StatusTag.tag_id)
            .where(in_ids(StatusTag.status_id)))


@cache
def apps() -> Select:
    return select(OAuthApp.id, OAuthApp.name, OAuthApp.website).where(in_ids(OAuthApp.id))


@cache
def account_rows() -> Select:
    """Accounts in :ids as plain rows (for rendering only)."""
    return select(*Account.__table__.c).where(in_ids(Account.id))


@cache
def status_rows() -> Select:
    """Statuses in :ids as plain rows (for rendering only)."""
    return select(*Status.__table__.c).where(in_ids(Status.id))
