"""GET /api/v1/admin/roost/ai_moderation: the AI moderation log for moderators and admins, newest
first, with Mastodon-style paging (max_id / since_id / min_id / limit and a Link header)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from roost.ai.moderation import service
from roost.api.deps import DbSession, user
from roost.api.mastodon.paging import PageParams, page_params, set_link_header
from roost.auth.actor import Actor
from roost.kit.ids import parse_id
from roost.models import ModerationDecision

router = APIRouter(prefix="/api/v1/admin/roost", tags=["ai"])


def decision_json(d: ModerationDecision, username: str | None) -> dict:
    return {
        "id": str(d.id),
        "created_at": d.created_at.isoformat().replace("+00:00", "Z"),
        "account_id": str(d.account_id) if d.account_id else None,
        "username": username,
        "subject_kind": d.subject_kind,
        "subject_id": str(d.subject_id) if d.subject_id is not None else None,
        "content_sha256": d.content_sha256,
        "text": d.text,
        "verdict": d.verdict,
        "categories": d.categories,
        "reason": d.reason,
        "provider": d.provider,
    }


@router.get("/ai_moderation")
async def ai_moderation(request: Request, response: Response, session: DbSession,
                        page: Annotated[PageParams, Depends(page_params(40, 200))],
                        verdict: Annotated[str | None, Query()] = None,
                        account_id: Annotated[str | None, Query()] = None,
                        actor: Actor = user("admin:read")) -> list[dict]:
    rows = await service.decisions(session, actor.account, page, verdict=verdict or None,
                                   account_id=parse_id(account_id) if account_id else None)
    set_link_header(request, response, [d.id for d, _ in rows])
    return [decision_json(d, name) for d, name in rows]
