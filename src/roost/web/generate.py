"""Images made with AI in the web app, over the generations service of /api/v1/roost/generations:
start one from the composer's "Create image" section, follow it, pick candidates (they become the
person's own unattached pictures, as `pick` makes them for the API), regenerate with a new seed,
cancel; and a post's remix family.

Without JavaScript: POST /compose/generate answers 303 to the generation's page, which refreshes
itself (meta refresh) until the images are there, then offers them as checkboxes; picking goes
back to /compose with the pictures attached. With JavaScript (app.js, "== create image =="), the
same routes answer the `_generation.html` panel (header X-Roost-Fragment: 1), which app.js
polls in the composer, and picking answers the `_ai_attached.html` pictures it adds to the form."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from roost import runtime
from roost.ai.generations import service as generations
from roost.api.deps import DbSession
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_list, as_str
from roost.kit.errors import Invalid, NotFound, RateLimited
from roost.kit.ids import parse_id
from roost.models import Account, Generation
from roost.posts import repository as posts_repo
from roost.web import ai_compose, compose, render
from roost.web.session import Form, SignedIn, Viewer

router = APIRouter(tags=["web"])
REFRESH_SECONDS = 2


def _int(value: str, name: str, default: int | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise Invalid(f"The {name} must be a whole number.") from None


def _field(form: dict, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _carry(form: dict) -> str:
    """The post's text typed before "Create images", carried through the no-JS pages."""
    return _field(form, "status")[:runtime.settings().max_post_chars * 2]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=render.HEADERS)


def _gen_url(gen: Generation, text: str = "") -> str:
    return f"/compose/generations/{gen.id}" + (f"?{urlencode({'text': text})}" if text else "")


async def _panel_response(request: Request, session: DbSession, viewer: Account,
                          gen: Generation, *, status: int = 200, text: str = "") -> Response:
    g = await ai_compose.panel(session, viewer, gen)
    if render.is_fragment(request):
        return render.fragment(request, "web/_generation.html", status, g=g, text=text)
    return render.page(request, "web/generation.html", status, g=g, text=text,
                       refresh=REFRESH_SECONDS if g["busy"] else None,
                       title="Creating images" if g["busy"] else "Choose images")


@router.post("/compose/generate")
async def generate(request: Request, session: DbSession, viewer: SignedIn, form: Form) -> Response:
    values = {k: _field(form, k) for k in ("prompt", "style", "aspect_ratio", "seed", "n",
                                           "remix_of")}
    try:
        gen = await generations.start_generation(
            session, viewer, values["prompt"], n=_int(values["n"], "number of images",
                                                      ai_compose.DEFAULT_N),
            seed=_int(values["seed"], "seed", None), style=values["style"] or None,
            aspect_ratio=values["aspect_ratio"] or "1:1", remix_of=values["remix_of"] or None)
    except (Invalid, RateLimited) as exc:
        message = compose._friendly(exc.message)
        if render.is_fragment(request):
            return render.fragment(request, "web/_generation.html", exc.status,
                                   g={"error": message, "state": "refused"}, text="")
        remix = await ai_compose.remix_source(session, viewer, values["remix_of"])
        ai = await ai_compose.section(session, viewer, values=values, remix=remix, error=message)
        return await compose._page(request, session, viewer, None, status=exc.status, ai=ai,
                                   values={"text": _carry(form)})
    if render.is_fragment(request):
        return await _panel_response(request, session, viewer, gen, status=202)
    return _see_other(_gen_url(gen, _carry(form)))


@router.get("/compose/generations/{generation_id}")
async def generation_page(generation_id: str, request: Request, session: DbSession,
                          viewer: SignedIn) -> Response:
    gen = await generations.get(session, viewer, generation_id)
    return await _panel_response(request, session, viewer, gen,
                                 text=request.query_params.get("text") or "")


@router.post("/compose/generations/{generation_id}/cancel")
async def cancel(generation_id: str, request: Request, session: DbSession, viewer: SignedIn,
                 form: Form) -> Response:
    gen = await generations.cancel_generation(session, viewer, generation_id)
    if render.is_fragment(request):
        return await _panel_response(request, session, viewer, gen)
    return _see_other("/compose" + (f"?{urlencode({'text': _carry(form)})}"
                                    if _carry(form) else ""))


@router.post("/compose/generations/{generation_id}/regenerate")
async def regenerate(generation_id: str, request: Request, session: DbSession,
                     viewer: SignedIn, form: Form) -> Response:
    """The same prompt and parameters with a new seed (a new generation)."""
    old = await generations.get(session, viewer, generation_id)
    try:
        gen = await generations.start_generation(
            session, viewer, old.prompt, n=old.n, style=old.style,
            aspect_ratio=old.aspect_ratio, remix_of=old.remix_of_status_id)
    except (Invalid, RateLimited, NotFound) as exc:
        message = compose._friendly(exc.message)
        if render.is_fragment(request):
            return render.fragment(request, "web/_generation.html", exc.status,
                                   g={"error": message, "state": "refused"}, text="")
        ai = await ai_compose.section(session, viewer, error=message, values={
            "prompt": old.prompt, "style": old.style or "", "aspect_ratio": old.aspect_ratio,
            "n": old.n})
        return await compose._page(request, session, viewer, None, status=exc.status, ai=ai)
    if render.is_fragment(request):
        return await _panel_response(request, session, viewer, gen, status=202)
    return _see_other(_gen_url(gen, _carry(form)))


@router.post("/compose/generations/{generation_id}/pick")
async def pick(generation_id: str, request: Request, session: DbSession, viewer: SignedIn,
               form: Form) -> Response:
    ids = [as_str(c) or "" for c in as_list(form.get("candidate_ids"))]
    if not ids:
        if render.is_fragment(request):
            raise Invalid("Choose at least one image.")
        gen = await generations.get(session, viewer, generation_id)
        return _see_other(_gen_url(gen, _carry(form)) + ("&" if _carry(form) else "?")
                          + "none=1")
    media = await generations.pick(session, viewer, generation_id, ids)
    if render.is_fragment(request):
        attached = await ai_compose.attached(session, viewer, [str(m.id) for m in media])
        return render.fragment(request, "web/_ai_attached.html", attached=attached,
                               cid=_field(form, "composer") or "composer-new")
    query = {"attach": ",".join(str(m.id) for m in media)}
    if _carry(form):
        query["text"] = _carry(form)
    return _see_other(f"/compose?{urlencode(query)}")


@router.get("/@{username}/{status_id:int}/remixes")
async def remixes(username: str, status_id: int, request: Request, session: DbSession,
                  viewer: Viewer) -> Response:
    """The remix family of an AI post: what it remixes (oldest first), the post, its remixes."""
    ancestors, descendants = await generations.lineage(session, viewer, status_id)
    status = await posts_repo.get_readable(session, parse_id(status_id),
                                           viewer.id if viewer else None)
    if status is None:
        raise NotFound()
    every = await Presenter(session, viewer, filter_context="thread").statuses(
        [*ancestors, status, *descendants])
    by_id = {s["id"]: s for s in every}
    focal = by_id.get(str(status.id))
    if focal is None or ai_compose.ai_of(focal) is None:
        raise NotFound()
    if focal["account"]["username"] != username:
        return RedirectResponse(f"/@{focal['account']['username']}/{status.id}/remixes",
                                status_code=301, headers=render.HEADERS)
    return render.page(
        request, "web/remixes.html", focal=focal,
        ancestors=[by_id[str(s.id)] for s in ancestors if str(s.id) in by_id],
        descendants=[by_id[str(s.id)] for s in descendants if str(s.id) in by_id],
        title=f"Remixes of a post by {focal['account']['display_name'] or username}")
