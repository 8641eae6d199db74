"""`ai.assistant_regenerate`: "try again" on one of the assistant's text answers, asked by the
person who asked the question (capture/service.regenerate makes the pending row).

1. Read, in a short unit of work of its own (the model runs outside any transaction): the
   pending regeneration, the answer, the question and the thread, as the first answer did.
2. Generate a new text with another seed.
3. Write, in the job's unit of work: moderation of the new text, then the answer EDITED through
   posts.editing.edit_post (so clients get `status.update` and the edit history keeps the old
   text), and `ai.assistant_regenerated` with the previous and the new text, its actor the
   asker. The row goes to `done`, or `failed` with a reason (the answer or the question went
   away, the assistant was blocked, moderation refused the text); a failed try changes nothing.
A row that is not pending is done (a second run changes nothing)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, runtime
from roost.ai import registry
from roost.ai.assistant import account as assistant_account
from roost.ai.assistant import prompt as prompts
from roost.ai.assistant import repository as repo
from roost.ai.assistant.tasks import chat_for
from roost.ai.moderation.service import moderate_text
from roost.ai.providers.base import ChatMessage
from roost.db import database_of
from roost.events.schemas import AiAssistantRegenerated
from roost.jobs import job
from roost.models import Account, AssistantAnswer, AssistantRegeneration, Status
from roost.posts.editing import PostEdit, edit_post

REGENERATE = "ai.assistant_regenerate"


@dataclass
class Retry:
    question_id: int
    reply_id: int
    answer_id: int
    asker_id: int
    asker_username: str
    assistant_id: int
    chat: list[ChatMessage]


@job(REGENERATE, max_attempts=3, timeout=600.0)
async def regenerate(session: AsyncSession, regeneration_id: int) -> None:
    settings = runtime.settings()
    retry = await _read(session, regeneration_id)
    if retry is None:
        return
    info = registry.text_generator(settings).info
    started = time.perf_counter()
    text = await registry.complete(retry.chat, settings,
                                   max_tokens=settings.ai_assistant_max_tokens, temperature=0.9,
                                   seed=(retry.question_id + regeneration_id) % (2**31))
    elapsed_ms = int((time.perf_counter() - started) * 1000)
    text = text.strip() or "Sorry, I have no answer to that."

    row = await session.get(AssistantRegeneration, regeneration_id)
    reply = await session.get(Status, retry.reply_id)
    question = await session.get(Status, retry.question_id)
    if row is None or row.state != "pending":
        return
    if reply is None or reply.deleted_at is not None or question is None \
            or question.deleted_at is not None:
        return _fail(row, "gone")
    assistant = await session.get(Account, retry.assistant_id)
    verdict = await moderate_text(session, assistant, text, retry.question_id)
    if verdict.decision == "refused":
        return _fail(row, "refused")
    previous = reply.text
    new_text = prompts.fit_answer(text, retry.asker_username, settings.max_post_chars)
    await edit_post(session, assistant, reply.id, PostEdit(
        text=new_text, spoiler_text=reply.spoiler_text, language=reply.language,
        sensitive=reply.sensitive or verdict.decision == "sensitive"))
    answer = await session.get(AssistantAnswer, retry.answer_id)
    if answer is not None:
        answer.provider, answer.model = info.name[:64], info.model[:128]
        answer.generation_ms = elapsed_ms
    row.state = "done"
    await session.flush()
    events.record(session, AiAssistantRegenerated(
        reply_status_id=str(reply.id), question_status_id=str(retry.question_id),
        account_id=str(retry.asker_id), previous_text=previous, text=new_text,
        provider=info.name, model=info.model), actor_id=retry.asker_id, subject_id=reply.id)


def _fail(row: AssistantRegeneration, reason: str) -> None:
    row.state, row.reason = "failed", reason


async def _read(session: AsyncSession, regeneration_id: int) -> Retry | None:
    """What the model needs, read in a unit of work of its own; a try that cannot go ahead is
    marked failed there and None returned."""
    settings = runtime.settings()
    async with database_of(session).unit_of_work() as own:
        row = await own.get(AssistantRegeneration, regeneration_id)
        if row is None or row.state != "pending":
            return None
        answer = await repo.answer_of_reply(own, row.reply_status_id)
        reply = await own.get(Status, row.reply_status_id)
        question = await own.get(Status, answer.question_status_id) if answer else None
        assistant = await assistant_account.find(own, settings) if settings.ai_assistant_enabled \
            else None
        asker = await own.get(Account, row.asker_account_id)
        if (answer is None or reply is None or reply.deleted_at is not None or question is None
                or question.deleted_at is not None or assistant is None
                or reply.account_id != assistant.id or asker is None or not asker.is_active):
            _fail(row, "gone")
            return None
        if await repo.refusal(own, asker.id, assistant.id):
            _fail(row, "blocked")
            return None
        chat, _ = await chat_for(own, question, asker, assistant)
        return Retry(question.id, reply.id, answer.id, asker.id, asker.username, assistant.id,
                     chat)
