"""Writing a post: GET /compose (`?in_reply_to=ID`) and POST /compose, and `composer_context()`
for the composer partial (web/_composer.html) that the home timeline and a thread embed.

One multipart POST carries the text, the content warning, visibility, language and up to
max_media_per_post pictures with their alt texts. posts/compose.py checks the post and processes
every picture before anything is written (the same checks as POST /api/v2/media and
POST /api/v1/statuses), then stores the pictures and creates the post in this request's unit
of work. A refused post comes back as the form (422) with what was typed kept."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.responses import Response

from roost import runtime
from roost.accounts import repository as accounts_repo
from roost.ai.captions import service as captions
from roost.api.deps import AppSettings, DbSession
from roost.api.mastodon.media import FORM_SLACK, _BodyLimit
from roost.api.mastodon.presenter import Presenter
from roost.api.params import as_bool, as_list, as_str
from roost.auth.ratelimit import limiter_of
from roost.instance.languages import LANGUAGES
from roost.kit.errors import BadRequest, NotFound, RateLimited, RoostError, TooLarge
from roost.kit.ids import parse_id
from roost.media.processing import CONTENT_TYPES
from roost.media import service as media_service
from roost.media.service import too_large_message
from roost.models import Account, Status
from roost.posts import compose as posting
from roost.posts import repository as posts_repo
from roost.posts import service as posts
from roost.web import ai_compose, render
from roost.web.session import SignedIn, csrf, safe_next

router = APIRouter(tags=["web"])

VISIBILITIES = [  # as Mastodon's web client names them, least to most restrictive
    ("public", "Public", "Anyone, on and off Roost"),
    ("unlisted", "Quiet public", "Public, but not in Local, Explore, search or trends"),
    ("private", "Followers only", "Only your followers"),
    ("direct", "Mentioned people only", "Only the people you mention"),
]
RANK = {v: i for i, (v, _, _) in enumerate(VISIBILITIES)}
LANGUAGE_CHOICES = sorted(LANGUAGES.items(), key=lambda kv: kv[1].casefold())
ACCEPT = ",".join(sorted(set(CONTENT_TYPES.values())))
MAX_SLOTS = 8  # read_params reads at most 8 files
POSTED_COOKIE = "roost_posted"  # tells app.js which saved draft to forget after a post
DRAFT_KEY = re.compile(r"[a-z0-9:_-]{1,64}")
EMPTY = "Write something or add an image."
TOO_FAST = "You are posting too fast. Wait a few minutes, then try again."


def slots() -> int:
    return min(runtime.settings().max_media_per_post, MAX_SLOTS)


def reply_mentions(reply: dict, me: Account) -> str:
    """Mastodon's prefill: @author and the other people the post mentions, never yourself."""
    accts = [reply["account"]] + list(reply.get("mentions") or [])
    seen: list[str] = []
    for a in accts:
        if str(a["id"]) != str(me.id) and a["acct"] not in seen:
            seen.append(a["acct"])
    return "".join(f"@{acct} " for acct in seen)


def _draft_key(reply: dict | None) -> str:
    return f"reply-{reply['id']}" if reply else "new"


async def composer_context(request: Request, session: AsyncSession, viewer: Account, *,
                           reply: dict | None = None, next_path: str | None = None,
                           show_context: bool = True, values: dict | None = None,
                           error: str | None = None, ai: dict | None = None,
                           attached: list[dict] | None = None) -> dict:
    """What web/_composer.html needs. `reply`: the status dict replied to (or None); `next_path`:
    where to go after posting (None: the new post's thread); `show_context`: show the replied
    post as a card in the composer (off under a thread's focal post, which is right above);
    `values`: what was typed (a form coming back), else the defaults: the person's preferences,
    and for a reply Mastodon's: the mentions, the content warning, the stricter visibility.
    `ai`: the "Create image" section (web/ai_compose.section; default: empty fields and the
    quota); `attached`: AI pictures already picked for this post (media dicts)."""
    settings = runtime.settings()
    prefs = accounts_repo.preferences_of(await accounts_repo.user_for(session, viewer.id))
    visibility = prefs.get("posting:default:visibility") or "public"
    language = prefs.get("posting:default:language") or _page_language(request)
    v: dict[str, Any] = {"text": "", "spoiler_text": "", "cw": False, "visibility": visibility,
                         "language": language, "sensitive": bool(prefs.get(
                             "posting:default:sensitive")), "descriptions": [],
                         "training_opt_out": False}
    if reply is not None:
        v["text"] = reply_mentions(reply, viewer)
        if reply.get("spoiler_text"):
            v["spoiler_text"], v["cw"] = reply["spoiler_text"], True
        if RANK.get(reply["visibility"], 0) > RANK.get(visibility, 0):
            v["visibility"] = reply["visibility"]
    if values is not None:
        v.update(values)
    count = len(v["descriptions"])
    key = _draft_key(reply)
    context = [{"label": "Replying to", "status": reply}] if reply and show_context else []
    if ai is None:
        ai = await ai_compose.section(session, viewer)
    if ai.get("remix"):
        context.append({"label": "Remix of", "status": ai["remix"], "icon": "repost"})
    attached = attached or []
    return {
        **v, "descriptions": list(v["descriptions"]) + [""] * (slots() - count),
        "key": key, "id": f"composer-{key}", "ai": ai, "attached": attached,
        "next": next_path or "", "in_reply_to": reply, "context": context, "error": error,
        "notice": None, "focus": False, "max_chars": settings.max_post_chars,
        "max_bytes": settings.max_upload_bytes, "slots": slots(), "accept": ACCEPT,
        "visibilities": VISIBILITIES, "languages": LANGUAGE_CHOICES,
        "length": posts.post_length(v["text"], v["spoiler_text"] if v["cw"] else ""),
        "free_slots": max(0, slots() - len(attached)),
    }


def _page_language(request: Request) -> str:
    """The site's first language (what the pages are written in)."""
    site = getattr(request.state, "site", None)
    return site.languages[0] if site is not None and site.languages else "en"


async def compose_form(request: Request, settings: AppSettings) -> AsyncIterator[dict]:
    """The CSRF-checked form (session.csrf) read under a size limit: the pictures' limit and
    room for the text fields. Its files are closed once the request is done."""
    limit = slots() * settings.max_upload_bytes + FORM_SLACK
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(too_large_message(settings.max_upload_bytes))
    guard = _BodyLimit(request.receive, limit)
    limited = Request(request.scope, guard)
    try:
        try:
            params = await csrf(limited, settings)
        except (BadRequest, TooLarge):
            if guard.exceeded:
                raise TooLarge(too_large_message(settings.max_upload_bytes)) from None
            raise
        yield params
    finally:
        await limited.close()


ComposeForm = Annotated[dict, Depends(compose_form)]


def _text(form: dict, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _typed(form: dict) -> dict:
    """What the person typed, to put back into the form."""
    return {"text": _text(form, "status").replace("\r\n", "\n"),
            "spoiler_text": _text(form, "spoiler_text").strip(),
            "cw": as_bool(_text(form, "cw")), "visibility": _text(form, "visibility"),
            "language": _text(form, "language"), "sensitive": as_bool(_text(form, "sensitive")),
            "training_opt_out": as_bool(_text(form, "training_opt_out")),
            "descriptions": [_text(form, f"description_{i}") for i in range(slots())]}


def _uploads(form: dict, typed: dict) -> list[posting.Upload]:
    """The slots that carry a file (a browser sends an empty part for an empty file input)."""
    out = []
    for i in range(slots()):
        f = form.get(f"file_{i}")
        if isinstance(f, UploadFile) and (f.filename or f.size):
            out.append(posting.Upload(f, typed["descriptions"][i] or None))
    return out


async def _reply_target(session: AsyncSession, viewer: Account, raw: str | None) -> Status | None:
    """The status replied to, if the viewer may see it; 404 page otherwise."""
    if not raw:
        return None
    parent = await posts_repo.get_readable(session, parse_id(raw), viewer.id)
    if parent is None or parent.reblog_of_id is not None:
        raise NotFound()
    return parent


async def _page(request: Request, session: AsyncSession, viewer: Account, parent: Status | None,
                *, status: int = 200, next_path: str | None = None, values: dict | None = None,
                error: str | None = None, notice: str | None = None, ai: dict | None = None,
                attached: list[dict] | None = None) -> Response:
    reply = await Presenter(session, viewer).status(parent) if parent is not None else None
    composer = await composer_context(request, session, viewer, reply=reply, next_path=next_path,
                                      values=values, error=error, ai=ai, attached=attached)
    composer["notice"] = notice
    composer["focus"] = True  # the page is the composer: the cursor goes to the text
    return render.page(request, "web/compose.html", status, composer=composer,
                       title="Reply" if reply else "Remix" if composer["ai"]["remix"]
                       else "New post")


@router.get("/compose")
async def compose_page(request: Request, session: DbSession, viewer: SignedIn) -> Response:
    query = request.query_params
    parent = await _reply_target(session, viewer, query.get("in_reply_to"))
    remix = await ai_compose.remix_source(session, viewer, query.get("remix_of"))
    ai = await ai_compose.section(session, viewer, remix=remix)
    ids = [i for i in (query.get("attach") or "").split(",") if i][:slots()]
    attached = await ai_compose.attached(session, viewer, ids)
    text = (query.get("text") or "")[:runtime.settings().max_post_chars * 2]
    return await _page(request, session, viewer, parent, ai=ai, attached=attached,
                       values={"text": text} if text else None)


@router.post("/compose")
async def compose_submit(request: Request, session: DbSession, settings: AppSettings,
                         viewer: SignedIn, form: ComposeForm) -> Response:
    typed = _typed(form)
    uploads = _uploads(form, typed)
    picked = [as_str(i) or "" for i in as_list(form.get("media_ids"))][:slots()]
    alts = {i: _text(form, f"media_description_{i}") for i in picked}
    next_path = safe_next(_text(form, "next"), "") or None
    parent = await _reply_target(session, viewer, _text(form, "in_reply_to_id"))

    async def again(status: int, error: str) -> Response:
        if uploads:
            error += " Choose your images again."
        attached = await ai_compose.attached(session, viewer, picked, alts)
        return await _page(request, session, viewer, parent, status=status, next_path=next_path,
                           values=typed, error=error, attached=attached)

    suggest = _text(form, "suggest_alt")
    if suggest.isdigit() and int(suggest) < slots():  # "Suggest alt text" without JavaScript
        return await _suggest_alt(request, session, viewer, parent, form, typed, int(suggest),
                                  next_path)
    spoiler = typed["spoiler_text"] if typed["cw"] else ""
    length, limit = posts.post_length(typed["text"], spoiler), settings.max_post_chars
    if not typed["text"].strip() and not uploads and not picked:
        return await again(422, EMPTY)
    if length > limit:
        return await again(422, f"Your post is {length} characters long; the limit is {limit}. "
                                f"Shorten it by {length - limit}.")
    limiter = limiter_of(request)
    try:
        if limiter is not None:
            await limiter.check_key(request, f"post:{viewer.id}", settings.rate_limit_per_token)
        new = posts.NewPost(
            text=typed["text"], spoiler_text=spoiler, visibility=typed["visibility"] or None,
            sensitive=typed["sensitive"] and bool(uploads or picked),
            language=typed["language"] or None, in_reply_to_id=parent.id if parent else None,
            media_ids=picked, training_opt_out=typed["training_opt_out"])
        draft = await posting.prepare(session, viewer, new, uploads)
        for media_id, alt in alts.items():  # the AI pictures' alt text, as typed
            media_service.check_description(alt)
    except RateLimited:
        return await again(429, TOO_FAST)
    except NotFound:
        raise
    except RoostError as exc:
        return await again(422, _friendly(exc.message))
    for media_id, alt in alts.items():
        await media_service.update(session, viewer, media_id, description=alt)
    status = await posting.publish(session, viewer, draft)
    response = RedirectResponse(next_path or f"/@{viewer.username}/{status.id}", status_code=303,
                                headers=render.HEADERS)
    key = _text(form, "draft_key")
    if DRAFT_KEY.fullmatch(key):
        response.set_cookie(POSTED_COOKIE, key, max_age=120, path="/", samesite="lax",
                            secure=request.url.scheme == "https")
    return response


async def _suggest_alt(request: Request, session: AsyncSession, viewer: Account,
                       parent: Status | None, form: dict, typed: dict, index: int,
                       next_path: str | None) -> Response:
    """The form back with a suggested alt text in slot `index`. Browsers do not refill file
    inputs, so the person chooses the images again (the page says so)."""
    f = form.get(f"file_{index}")
    if not (isinstance(f, UploadFile) and (f.filename or f.size)):
        return await _page(request, session, viewer, parent, status=422, next_path=next_path,
                           values=typed, error=f"Choose image {index + 1} first, then ask for "
                                               "alt text.")
    try:
        text = await captions.describe_upload(f)
    except RoostError as exc:
        return await _page(request, session, viewer, parent, status=422, next_path=next_path,
                           values=typed, error=_friendly(exc.message))
    typed["descriptions"][index] = text
    return await _page(request, session, viewer, parent, next_path=next_path, values=typed,
                       notice=f"Suggested alt text for image {index + 1}: check it and edit it. "
                              "Then choose your images again.")


@router.post("/compose/describe")
async def compose_describe(viewer: SignedIn, form: ComposeForm) -> Response:
    """A suggested alt text for the image in `file` (the composer's "Suggest alt text" button,
    with JavaScript): {"description": ...}; nothing is stored."""
    f = form.get("file")
    if not isinstance(f, UploadFile):
        return JSONResponse({"error": "Choose an image first."}, status_code=422)
    try:
        text = await captions.describe_upload(f)
    except RoostError as exc:
        return JSONResponse({"error": _friendly(exc.message)}, status_code=422)
    return JSONResponse({"description": text}, headers=render.HEADERS)


def _friendly(message: str) -> str:
    """The API's messages without their "Validation failed:" prefix."""
    text = message.removeprefix("Validation failed:").strip()
    return text if text.endswith(".") else text + "."
