"""Search: one function for the API (/api/v2/search) and the web page (/search), so both find
the same accounts, hashtags and posts for the same viewer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.accounts import queries as account_queries
from roost.kit.paging import PageParams
from roost.models import Account, Status, Tag
from roost.search import repository as repo

TYPES = ("accounts", "hashtags", "statuses")


@dataclass
class Found:
    accounts: list[Account] = field(default_factory=list)
    hashtags: list[Tag] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)


async def search(session: AsyncSession, viewer: Account | None, q: str, *, types: Sequence[str],
                 page: PageParams, offset: int = 0, following: bool = False,
                 account_id: int | None = None, resolve: bool = False) -> Found:
    """Accounts and hashtags by prefix; posts (signed in only) among those the viewer wrote or
    took part in, or one of ours by its URL. An empty query finds nothing."""
    found = Found()
    if not q.strip():
        return found
    settings = runtime.settings()
    if "accounts" in types:
        found.accounts = await account_queries.search(
            session, viewer.id if viewer else None, q, local_domain=settings.domain,
            limit=page.limit, offset=offset, following=following and viewer is not None,
            base_url=settings.base_url if resolve else None)
    if "hashtags" in types:
        found.hashtags = await repo.hashtags(session, q, limit=page.limit, offset=offset)
    if "statuses" in types and viewer is not None:
        found.statuses = await repo.statuses(session, viewer.id, q, base_url=settings.base_url,
                                             page=page, offset=offset, account_id=account_id)
    return found
