"""What the composer's "Create image" section and its generation panel read: the section's values
(prompt, style, aspect ratio, seed, count, the post remixed), the quota line, the generation as
the API shows it, and the AI pictures already picked for the post. No routes here (web/generate.py
has them); compose.py and generate.py both build their pages from these."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from roost.ai.generations import repository as gen_repo
from roost.ai.generations import service as generations
from roost.ai.generations.endpoints import generation_json
from roost.ai.providers.base import ASPECT_RATIOS, MAX_CANDIDATES, STYLES
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.presenter import Presenter
from roost.kit.errors import Invalid, NotFound
from roost.kit.ids import parse_id
from roost.media import service as media_service
from roost.models import Account, Generation
from roost.posts import repository as posts_repo

DEFAULT_N = 4
STYLE_NAMES = {"flat": "Flat", "watercolour": "Watercolour", "line-art": "Line art",
               "pixel": "Pixel art", "poster": "Poster"}


def quota_line(q: generations.Quota) -> str:
    if q.limit is None:
        return "Unlimited image generations (admin)"
    return f"{q.remaining} of {q.limit} image generations left today"


def ai_of(status: dict) -> dict | None:
    """The `roost` extension of a status dict's first attachment made by a Roost generation
    (None: not an AI post; an upload whose file claims AI is labelled on the image only)."""
    for m in status.get("media_attachments") or []:
        if (m.get("roost") or {}).get("generation_id"):
            return m["roost"]
    return None


async def remix_source(session: AsyncSession, viewer: Account, raw: str | None) -> dict | None:
    """The AI post to remix as a status dict, if the viewer may read it (else the 404 page;
    a post that is not an AI post: 422, as the API)."""
    if not raw:
        return None
    status = await posts_repo.get_readable(session, parse_id(raw), viewer.id)
    if status is None or status.reblog_of_id is not None:
        raise NotFound()
    data = await Presenter(session, viewer).status(status)
    if ai_of(data) is None:
        raise Invalid("Only AI posts can be remixed.")
    return data


async def section(session: AsyncSession, viewer: Account, *, values: dict | None = None,
                  remix: dict | None = None, error: str | None = None) -> dict:
    """The composer's "Create image" section. `remix`: the post remixed (its prompt and
    parameters fill the fields); `values`: what was typed (a refused prompt coming back)."""
    v: dict[str, Any] = {"prompt": "", "style": "", "aspect_ratio": "1:1", "seed": "",
                         "n": DEFAULT_N, "remix_of": ""}
    if remix is not None:
        ai = ai_of(remix) or {}
        v.update(prompt=ai.get("prompt") or "", style=ai.get("style") or "",
                 aspect_ratio=ai.get("aspect_ratio") or "1:1", seed=str(ai.get("seed", "")),
                 remix_of=remix["id"])
    if values:
        v.update({k: val for k, val in values.items() if k in v})
    q = await generations.quota(session, viewer)
    return {**v, "remix": remix, "error": error, "open": bool(error or remix or values),
            "styles": [(s, STYLE_NAMES.get(s, s)) for s in STYLES], "aspects": ASPECT_RATIOS,
            "max_n": MAX_CANDIDATES, "quota": quota_line(q),
            "exhausted": q.remaining is not None and q.remaining <= 0}


async def panel(session: AsyncSession, viewer: Account, gen: Generation) -> dict:
    """The generation as the API shows it, plus the quota line (refreshed with every poll)."""
    data = generation_json(gen, await gen_repo.candidates(session, gen.id))
    data["quota"] = quota_line(await generations.quota(session, viewer))
    data["busy"] = gen.state in ("queued", "running")
    return data


async def attached(session: AsyncSession, viewer: Account, ids: list[str],
                   descriptions: dict[str, str] | None = None) -> list[dict]:
    """The person's own unattached pictures (picked candidates) to show in the composer, with
    the alt text typed for each, if any."""
    out = []
    for raw in ids:
        media = await media_service.get_own(session, viewer, raw)
        data = ser.media(media)
        if descriptions and str(media.id) in descriptions:
            data["description"] = descriptions[str(media.id)]
        out.append(data)
    return out
