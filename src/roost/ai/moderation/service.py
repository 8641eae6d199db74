"""Moderating prompts, texts and images: run the check off the event loop, log the decision for
moderators and append `ai.moderation_decided`, all in the caller's unit of work (a rolled-back
unit of work leaves neither). Callers act on the returned Verdict: refuse with `verdict.reason`,
or blur when `verdict.sensitive`."""

from __future__ import annotations

import asyncio
import hashlib

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, runtime
from roost.ai.moderation import blocklist
from roost.ai.moderation import repository as repo
from roost.ai.moderation.base import SubjectKind, TextModerator, Verdict
from roost.ai.moderation.image import BuiltinImageModerator
from roost.ai.moderation.text import BuiltinTextModerator
from roost.config import Settings
from roost.events.schemas import AiModerationDecided
from roost.kit.paging import PageParams
from roost.models import Account, ModerationDecision
from roost.moderation.service import check_moderator

VERDICTS = ("allowed", "sensitive", "refused")
REMOTE_TIMEOUT = 10.0  # seconds a request waits for remote moderation before the built-in check


def text_moderator(settings: Settings | None = None) -> TextModerator:
    """The configured text check, ROOST_AI_TEXT_MODERATION (reads the blocklist file, so call it
    off the event loop)."""
    s = settings or runtime.settings()
    terms = blocklist.load(s.ai_moderation_blocklist or None)
    builtin = BuiltinTextModerator(refuse_at=s.ai_toxicity_refuse, blocklist=terms)
    if s.ai_text_moderation == "openai":
        from roost.ai.moderation.openai_text import OpenAITextModerator
        from roost.ai.providers import openai_compat

        return OpenAITextModerator(openai_compat.client(s, timeout=REMOTE_TIMEOUT),
                                   model=s.ai_openai_moderation_model,
                                   blocklist=terms, fallback=builtin)
    return builtin


def image_moderator(settings: Settings | None = None) -> BuiltinImageModerator:
    s = settings or runtime.settings()
    return BuiltinImageModerator(sensitive_at=s.ai_nsfw_sensitive, refuse_at=s.ai_nsfw_refuse)


async def moderate_prompt(session: AsyncSession, account: Account | None, text: str,
                          subject: int | None = None) -> Verdict:
    """Check a generation prompt (subject: the generation's id, when it has one)."""
    return await _moderate_text(session, account, text, subject, "prompt")


async def moderate_text(session: AsyncSession, account: Account | None, text: str,
                        subject: int | None = None) -> Verdict:
    """Check generated text (an assistant answer, an alt text) before it is shown."""
    return await _moderate_text(session, account, text, subject, "text")


async def moderate_image(session: AsyncSession, account: Account | None, image_bytes: bytes,
                         subject: int | None = None) -> Verdict:
    """Check an image (subject: the media attachment or candidate id). Only its hash is logged."""
    settings = runtime.settings()
    verdict = await asyncio.to_thread(lambda: image_moderator(settings).check(image_bytes))
    await _record(session, account, "image", subject, hashlib.sha256(image_bytes).hexdigest(),
                  None, verdict)
    return verdict


async def _moderate_text(session: AsyncSession, account: Account | None, text: str,
                         subject: int | None, kind: SubjectKind) -> Verdict:
    settings = runtime.settings()
    verdict = (await asyncio.to_thread(lambda: text_moderator(settings).check(text))).about(kind)
    await _record(session, account, kind, subject, hashlib.sha256(text.encode()).hexdigest(),
                  text, verdict)
    return verdict


async def _record(session: AsyncSession, account: Account | None, kind: SubjectKind,
                  subject: int | None, digest: str, text: str | None, verdict: Verdict) -> None:
    row = ModerationDecision(account_id=account.id if account else None, subject_kind=kind,
                             subject_id=subject, content_sha256=digest, text=text,
                             verdict=verdict.decision, categories=dict(verdict.categories),
                             reason=verdict.reason, provider=verdict.provider[:128])
    session.add(row)
    await session.flush()
    events.record(session, AiModerationDecided(
        decision_id=str(row.id), account_id=str(row.account_id) if row.account_id else None,
        subject_kind=kind, subject_id=str(subject) if subject is not None else None,
        verdict=row.verdict, provider=row.provider), actor_id=row.account_id, subject_id=row.id)


async def decisions(session: AsyncSession, moderator: Account | None, page: PageParams, *,
                    verdict: str | None = None, account_id: int | None = None,
                    ) -> list[tuple[ModerationDecision, str | None]]:
    """The log, newest first, for moderators and admins (None: the CLI)."""
    await check_moderator(session, moderator)
    if verdict is not None and verdict not in VERDICTS:
        verdict = "none"  # an unknown verdict matches nothing
    return await repo.page(session, page, verdict=verdict, account_id=account_id)
