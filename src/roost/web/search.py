"""The search page: /search?q=&type=accounts|hashtags|statuses, the same search as
/api/v2/search (resolve=false): accounts and hashtags by prefix, posts (signed in) among those
the viewer wrote or took part in. "#word" searches hashtags, "@name" people. No query: the
search box and the trending tags."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from roost.api.deps import DbSession
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_offset
from roost.graph import repository as graph_repo
from roost.kit.paging import PageParams
from roost.search import service
from roost.web import discover, render
from roost.web.session import Viewer
from roost.web.tags import week

router = APIRouter(tags=["web"])

TABS = (("all", "All"), ("accounts", "People"), ("hashtags", "Hashtags"), ("statuses", "Posts"))
PER_TAB = 20
PER_SECTION = 5  # accounts and hashtags on the "All" tab (posts: twice as many)
MAX_QUERY = 200


def _kind(q: str, asked: str | None) -> str:
    if asked in service.TYPES:
        return asked
    if asked is None and q.startswith("#") and len(q) > 1:
        return "hashtags"
    if asked is None and q.startswith("@") and len(q) > 1:
        return "accounts"
    return "all"


@router.get("/search")
async def search(request: Request, session: DbSession, viewer: Viewer) -> Response:
    q = (request.query_params.get("q") or "").replace("\x00", "").strip()[:MAX_QUERY]
    kind = _kind(q, request.query_params.get("type"))
    if not q:
        return render.page(request, "web/search.html", title="Search", q="", kind="all", tabs=TABS,
                           trending=await discover.trends(request, session))
    offset = as_offset(request.query_params.get("offset")) if viewer is not None else 0
    types = list(service.TYPES) if kind == "all" else [kind]
    limit = PER_SECTION * 2 if kind == "all" else PER_TAB
    found = await service.search(session, viewer, q, types=types, page=PageParams(limit=limit),
                                 offset=offset)
    presenter = Presenter(session, viewer)
    accounts = await presenter.accounts(found.accounts) if found.accounts else []
    hashtags = await presenter.tags(found.hashtags) if found.hashtags else []
    statuses = await presenter.statuses(found.statuses) if found.statuses else []
    followed = (await graph_repo.followed_among(session, viewer.id, [a.id for a in found.accounts])
                if viewer is not None and found.accounts else set())
    for a in accounts:
        a["followed"] = int(a["id"]) in followed
    for t in hashtags:
        t["week"] = week(t)
    rows = len(found.accounts) + len(found.hashtags) + len(found.statuses)
    more = None
    if kind != "all" and viewer is not None and rows >= limit:
        more = f"/search?{urlencode({'q': q, 'type': kind, 'offset': offset + rows})}"
    ctx = {"q": q, "kind": kind, "accounts": accounts, "hashtags": hashtags,
           "statuses": statuses, "more": more, "paged": offset > 0, "per_section": PER_SECTION}
    if render.is_fragment(request):
        return render.fragment(request, "web/_search_page.html", **ctx)
    return render.page(request, "web/search.html", title=f"Search: {q}", tabs=TABS, **ctx)
