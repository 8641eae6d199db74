"""Status actions from the web: POST /statuses/ID/{reblog,unreblog,favourite,unfavourite,
bookmark,unbookmark,pin,unpin,delete}, exclude_training and include_training (roost.consent),
and GET /statuses/ID/delete (the confirmation page
for people without JavaScript).

Each calls the same posts.service verb as the API. Without JavaScript the answer is 303 to the
form's `next`; with `X-Roost-Fragment: 1` (app.js) it is the re-rendered action bar
(`_actions.html`), or for a delete the card's tombstone (`_deleted.html`). Errors (not found,
not allowed, invalid) are raised as kit.errors and become the web error page."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from roost.api.deps import DbSession
from roost.api.mastodon.presenter import Presenter
from roost.consent import service as consent
from roost.posts import service
from roost.web import render
from roost.web.session import Form, SignedIn, safe_next

router = APIRouter(tags=["web"])

VERBS = {
    "reblog": service.repost, "unreblog": service.unrepost,
    "favourite": service.favourite, "unfavourite": service.unfavourite,
    "bookmark": service.bookmark, "unbookmark": service.unbookmark,
    "pin": service.pin, "unpin": service.unpin,
    "exclude_training": lambda s, a, i: consent.set_post_opt_out(s, a, i, True),
    "include_training": lambda s, a, i: consent.set_post_opt_out(s, a, i, False),
}
CARD = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _card(form: dict, default: str) -> str:
    """The id of the card the form came from (its bar is `#actions-CARD`)."""
    card = form.get("card")
    return card if isinstance(card, str) and CARD.fullmatch(card) else default


def _next(form: dict, default: str = "/") -> str:
    value = form.get("next")
    return safe_next(value if isinstance(value, str) else None, default)


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers=render.HEADERS)


def _action(verb: str, fn):  # noqa: ANN001, ANN202
    async def endpoint(request: Request, status_id: str, session: DbSession, viewer: SignedIn,
                       form: Form) -> Response:
        status = await fn(session, viewer, status_id)
        if not render.is_fragment(request):
            return _see_other(_next(form))
        data = await Presenter(session, viewer).status(status)
        st = data.get("reblog") or data
        return render.fragment(request, "web/_actions.html", st=st, card=_card(form, st["id"]),
                               next_url=_next(form), focal_bar=form.get("focal") == "1")

    endpoint.__name__ = f"web_{verb}"
    router.add_api_route(f"/statuses/{{status_id}}/{verb}", endpoint, methods=["POST"])


for _verb, _fn in VERBS.items():
    _action(_verb, _fn)


@router.get("/statuses/{status_id}/delete")
async def confirm_delete(request: Request, status_id: str, session: DbSession,
                         viewer: SignedIn) -> Response:
    """Without JavaScript: the post and a Delete button (app.js asks with confirm() instead)."""
    status = await service.own_post(session, viewer, status_id)
    st = await Presenter(session, viewer).status(status)
    back = safe_next(request.query_params.get("next"), render.local(st["url"]))
    return render.page(request, "web/delete.html", title="Delete post", s=st, back=back)


@router.post("/statuses/{status_id}/delete")
async def delete(request: Request, status_id: str, session: DbSession, viewer: SignedIn,
                 form: Form) -> Response:
    status = await service.delete_post(session, viewer, status_id)
    profile = f"/@{viewer.username}"
    own_thread = f"{profile}/{status.id}"
    target = _next(form, profile)
    left = target.split("?")[0].split("#")[0].rstrip("/") in (own_thread,
                                                               f"/statuses/{status.id}/delete")
    if left:
        target = profile  # the post's own page is gone: go to the author's profile
    if left or not render.is_fragment(request):
        # (with JS too when the page is gone: fetch follows the redirect, app.js navigates)
        return _see_other(target)
    await session.refresh(viewer)  # delete_post updated its statuses_count (the layout's `me`)
    return render.fragment(request, "web/_deleted.html", card=_card(form, str(status.id)))
