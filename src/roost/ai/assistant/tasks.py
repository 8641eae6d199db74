"""`ai.assistant_reply`: answer one post that mentioned the assistant.

1. Read (in a short unit of work of its own, so SQLite's write lock is not held while the model
   writes): the post, the assistant, whether it may answer (not blocked or muted either way,
   under ROOST_AI_ASSISTANT_PER_HOUR answers to this person in the last hour), and the thread.
2. Generate: a text answer from the text provider, or — for "draw …" requests — one image from
   the image provider, stamped with provenance.
3. Write, in the job's unit of work: moderation of the answer, the reply (through create_post,
   same visibility as the question, mentioning only the asker), one ai_assistant_answers row and
   `ai.assistant_replied` (or `ai.assistant_declined`).
A post is answered at most once (the row is unique per post; a second run finds it). A missing,
deleted or no-longer-mentioning post is done."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, runtime
from roost.ai import provenance, registry
from roost.ai.assistant import account as assistant_account
from roost.ai.assistant import prompt as prompts
from roost.ai.assistant import repository as repo
from roost.ai.assistant.service import REPLY
from roost.ai.generations.tasks import _prepare
from roost.ai.moderation.service import moderate_image, moderate_prompt, moderate_text
from roost.ai.providers.base import ChatMessage, ImageRequest
from roost.db import database_of
from roost.events.schemas import AiAssistantDeclined, AiAssistantReplied
from roost.jobs import job
from roost.kit.clock import utcnow
from roost.kit.ids import new_id
from roost.media import service as media_service
from roost.media import storage
from roost.models import Account, AssistantAnswer, MediaAttachment, Status
from roost.posts import service as posts

CONTEXT_POSTS = 8
IMAGE_SIZE = 512
NO_ANSWER = "Sorry, I have no answer to that."


@dataclass
class Plan:
    question_id: int
    asker_id: int
    asker_username: str
    assistant_id: int
    visibility: str
    declined: str | None = None
    image_prompt: str | None = None
    chat: list[ChatMessage] | None = None
    context_posts: int = 0


@job(REPLY, max_attempts=3, timeout=600.0)
async def reply(session: AsyncSession, question_status_id: int) -> None:
    settings = runtime.settings()
    if not settings.ai_assistant_enabled:
        return
    plan = await _plan(session, question_status_id)
    if plan is None:
        return
    if plan.declined:
        return await _decline(session, plan, plan.declined)
    started = time.perf_counter()
    if plan.image_prompt is not None:
        return await _answer_with_image(session, plan, started)
    info = registry.text_generator(settings).info
    answer = await registry.complete(plan.chat or [], settings,
                                     max_tokens=settings.ai_assistant_max_tokens,
                                     temperature=0.7, seed=question_status_id % (2**31))
    elapsed_ms = int((time.perf_counter() - started) * 1000)
    answer = answer.strip() or NO_ANSWER
    if not await _still_open(session, plan):
        return
    assistant = await session.get(Account, plan.assistant_id)
    verdict = await moderate_text(session, assistant, answer, plan.question_id)
    if verdict.decision == "refused":
        return await _decline(session, plan, "refused", state="refused", detail=verdict.reason)
    text = prompts.fit_answer(answer, plan.asker_username, settings.max_post_chars)
    await _post(session, plan, assistant, text, [], info.name, info.model, elapsed_ms, "text",
                sensitive=verdict.decision == "sensitive")


async def _plan(session: AsyncSession, question_id: int) -> Plan | None:
    settings = runtime.settings()
    async with database_of(session).unit_of_work() as own:
        question = await own.get(Status, question_id)
        if question is None or question.deleted_at is not None:
            return None
        assistant = await assistant_account.find(own, settings)
        if assistant is None or question.account_id == assistant.id:
            return None
        if not await repo.is_mentioned(own, question.id, assistant.id):
            return None  # an edit took the mention out before the job ran
        if await repo.answer_for(own, question.id) is not None:
            return None
        asker = await own.get(Account, question.account_id)
        if asker is None or not asker.is_active:
            return None
        plan = Plan(question.id, asker.id, asker.username, assistant.id, question.visibility)
        plan.declined = await repo.refusal(own, asker.id, assistant.id)
        if plan.declined:
            return plan
        since = utcnow() - timedelta(hours=1)
        if await repo.used_since(own, asker.id, since) >= settings.ai_assistant_per_hour:
            plan.declined = "rate_limited"
            return plan
        plan.image_prompt = prompts.image_prompt(question.text)
        if plan.image_prompt is None:
            plan.chat, plan.context_posts = await chat_for(own, question, asker, assistant)
        return plan


async def chat_for(session: AsyncSession, question: Status, asker: Account,
                   assistant: Account) -> tuple[list[ChatMessage], int]:
    """The chat the model answers `question` from, and how many earlier posts of the thread
    it holds."""
    ancestors = await repo.context(session, question, asker.id, assistant.id, CONTEXT_POSTS)
    authors = {a.id: a for a in [asker, assistant]}
    for s in ancestors:
        if s.account_id not in authors:
            authors[s.account_id] = await session.get(Account, s.account_id)
    posts_ = [prompts.ContextPost(authors[s.account_id].username, s.text,
                                  s.account_id == assistant.id)
              for s in [*ancestors, question]]
    return (prompts.messages(assistant.username, runtime.settings().domain, posts_),
            len(ancestors))


async def _still_open(session: AsyncSession, plan: Plan) -> bool:
    """Re-checked in the job's unit of work after the slow part."""
    question = await session.get(Status, plan.question_id)
    if question is None or question.deleted_at is not None:
        return False
    return await repo.answer_for(session, plan.question_id) is None


async def _decline(session: AsyncSession, plan: Plan, reason: str, *, state: str = "declined",
                   detail: str | None = None) -> None:
    if not await _still_open(session, plan):
        return
    session.add(AssistantAnswer(question_status_id=plan.question_id, asker_account_id=plan.asker_id,
                                kind="image" if plan.image_prompt is not None else "text",
                                state=state, reason=detail or reason))
    await session.flush()
    events.record(session, AiAssistantDeclined(
        question_status_id=str(plan.question_id), asker_id=str(plan.asker_id), reason=reason),
        actor_id=plan.assistant_id, subject_id=plan.question_id)


async def _post(session: AsyncSession, plan: Plan, assistant: Account, text: str,
                media: list[MediaAttachment], provider: str, model: str, elapsed_ms: int,
                kind: str, *, sensitive: bool = False) -> Status:
    status = await posts.create_post(session, assistant, posts.NewPost(
        text=text, visibility=plan.visibility, in_reply_to_id=plan.question_id,
        media_ids=[m.id for m in media], sensitive=sensitive))
    session.add(AssistantAnswer(question_status_id=plan.question_id, asker_account_id=plan.asker_id,
                                reply_status_id=status.id, kind=kind, state="answered",
                                provider=provider[:64], model=model[:128],
                                generation_ms=elapsed_ms))
    await session.flush()
    events.record(session, AiAssistantReplied(
        question_status_id=str(plan.question_id), reply_status_id=str(status.id),
        asker_id=str(plan.asker_id), kind=kind, provider=provider, model=model,
        generation_ms=elapsed_ms, context_posts=plan.context_posts),
        actor_id=assistant.id, subject_id=status.id)
    return status


async def _answer_with_image(session: AsyncSession, plan: Plan, started: float) -> None:
    settings = runtime.settings()
    prompt = plan.image_prompt or ""
    if not await _still_open(session, plan):
        return
    assistant = await session.get(Account, plan.assistant_id)
    verdict = await moderate_prompt(session, assistant, prompt, plan.question_id)
    if verdict.decision == "refused":
        return await _decline(session, plan, "refused", state="refused", detail=verdict.reason)
    generator = registry.image_generator(settings)
    images = await registry.generate_images(ImageRequest(prompt, n=1, size=IMAGE_SIZE), settings)
    image = images[0]
    info = generator.info
    data = provenance.stamp(image.png, generator=info.name, model=info.model, prompt=prompt,
                            seed=image.seed, instance=settings.domain)
    media_id = new_id()
    checked = await moderate_image(session, assistant, data, media_id)
    if checked.decision == "refused":
        return await _decline(session, plan, "refused", state="refused", detail=checked.reason)
    media = await _attach(session, assistant, media_id, data, image.width, image.height, prompt)
    elapsed_ms = int((time.perf_counter() - started) * 1000)
    text = prompts.fit_answer(f"Here is {prompt}, drawn by {info.label}.", plan.asker_username,
                              settings.max_post_chars)
    await _post(session, plan, assistant, text, [media], info.name, info.model, elapsed_ms,
                "image", sensitive=checked.decision == "sensitive")


async def _attach(session: AsyncSession, assistant: Account, media_id: int, data: bytes,
                  width: int, height: int, prompt: str) -> MediaAttachment:
    """The stamped PNG as the assistant's media, kept as it is (provenance included), with a
    thumbnail; its alt text is the prompt."""
    thumb, blurhash = await asyncio.to_thread(_prepare, data)
    path, thumb_path = storage.attachment_paths(media_id, "png", thumb.ext)
    row = MediaAttachment(
        id=media_id, account_id=assistant.id, type="image", content_type="image/png",
        file_path=path, thumbnail_path=thumb_path, file_size=len(data), width=width,
        height=height, thumb_width=thumb.width, thumb_height=thumb.height, blurhash=blurhash,
        description=prompt[:media_service.MAX_DESCRIPTION], focus_x=0.0, focus_y=0.0)

    async def flush() -> None:
        session.add(row)
        await session.flush()

    await media_service._save_all(storage.get_storage(), [(path, data), (thumb_path, thumb.data)],
                                  flush)
    return row
