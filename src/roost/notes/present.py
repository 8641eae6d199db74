"""Notes as JSON, for the API and the web app: the author as a Mastodon Account, the text as
given and as safe HTML (escaped, links and hashtags linked), the rating status and counts, and
the viewer's own rating."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from roost.api.mastodon import serializers as ser
from roost.api.mastodon.presenter import Presenter, base_url
from roost.kit import text as textkit
from roost.models import Account
from roost.notes.queries import NoteView


def content_html(text: str) -> str:
    return textkit.render(text, base_url=base_url())


async def notes(session: AsyncSession, viewer: Account | None, views: Sequence[NoteView]
                ) -> list[dict]:
    authors = await Presenter(session, viewer).accounts([v.row.author for v in views])
    out = []
    for v, author in zip(views, authors, strict=True):
        r = v.row
        out.append({
            "id": str(r.note.id), "status_id": str(r.note.status_id), "account": author,
            "text": r.note.text, "content": content_html(r.note.text),
            "created_at": ser.iso(r.note.created_at), "rating_status": v.rating_status,
            "ratings": {"helpful": r.helpful, "not_helpful": r.total - r.helpful,
                        "total": r.total},
            "own_rating": None if r.own_helpful is None else {"helpful": r.own_helpful,
                                                               "reason": r.own_reason},
        })
    return out


async def note(session: AsyncSession, viewer: Account | None, view: NoteView) -> dict:
    return (await notes(session, viewer, [view]))[0]
