"""Mastodon pagination: max_id / since_id / min_id / limit in, Link header out."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response

from roost.api.params import as_limit
from roost.kit.ids import parse_id
from roost.kit.paging import PageParams

__all__ = ["PageParams", "page_params", "set_link_header"]


def page_params(default: int = 20, maximum: int = 40):
    # async: FastAPI runs a plain function dependency in a worker thread, which costs more
    # than the parsing.
    async def dep(
        max_id: Annotated[str | None, Query()] = None,
        since_id: Annotated[str | None, Query()] = None,
        min_id: Annotated[str | None, Query()] = None,
        limit: Annotated[str | None, Query()] = None,
    ) -> PageParams:
        return PageParams(parse_id(max_id), parse_id(since_id), parse_id(min_id),
                          as_limit(limit, default, maximum))

    return dep


def set_link_header(request: Request, response: Response, ids: list[int], *,
                    next_position: int | None = None) -> None:
    """`ids` are the paging keys of the returned page, newest first. `next_position`: where the
    next page starts in its feed, carried by the next link (roost.capture's impressions)."""
    if not ids:
        return
    params = [(k, v) for k, v in request.query_params.multi_items()
              if k not in ("max_id", "since_id", "min_id", "position")]  # keeps repeated keys
    base = str(request.url.replace(query=""))

    def link(extra: dict, rel: str) -> str:
        from urllib.parse import urlencode

        return f'<{base}?{urlencode(params + list(extra.items()))}>; rel="{rel}"'

    response.headers["Link"] = ", ".join([
        link({"max_id": str(ids[-1]), **({} if next_position is None else
                                         {"position": str(next_position)})}, "next"),
        link({"min_id": str(ids[0])}, "prev"),
    ])


def set_offset_link_header(request: Request, response: Response, *, offset: int, limit: int,
                           count: int) -> None:
    """Link header for offset-paged lists (trends, directory, suggestions): next when the page
    was full, prev when it did not start at the top."""
    from urllib.parse import urlencode

    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("offset", "limit")]
    base = str(request.url.replace(query=""))
    links = []
    if count >= limit:
        links.append(f'<{base}?{urlencode(params + [("offset", offset + limit), ("limit", limit)])}>; rel="next"')
    if offset > 0:
        links.append(f'<{base}?{urlencode(params + [("offset", max(0, offset - limit)), ("limit", limit)])}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
