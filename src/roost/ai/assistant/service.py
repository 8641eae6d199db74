"""Hooks the post verbs call, in their unit of work: a post that mentions the assistant enqueues
`ai.assistant_reply`; a like, repost or reply to one of its answers records
`ai.assistant_feedback`. Neither runs a query (the assistant's id is known from start-up)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, jobs, runtime
from roost.events.schemas import AiAssistantFeedback
from roost.models import Account, Status

REPLY = "ai.assistant_reply"


def is_assistant(account: Account) -> bool:
    """Whether `account` is the running assistant (no query: the id is known from start-up;
    before that, the name)."""
    settings = runtime.settings()
    if not settings.ai_assistant_enabled:
        return False
    known = runtime.current.assistant_id
    if known is not None:
        return account.id == known
    return account.username_lower == settings.ai_assistant_username.lower()


def known_id() -> int | None:
    return runtime.current.assistant_id if runtime.settings().ai_assistant_enabled else None


def mentioned(session: AsyncSession, status: Status, author: Account,
              accounts: Iterable[Account]) -> None:
    """After a post is created or edited: ask for an answer when it mentions the assistant.
    The job answers each post at most once, so an edit that keeps the mention asks nothing new."""
    if is_assistant(author):
        return
    if any(is_assistant(a) for a in accounts):
        jobs.enqueue(session, REPLY, question_status_id=status.id)


def feedback(session: AsyncSession, answer: Status, actor: Account, kind: str,
             reply: Status | None = None) -> None:
    """After a like, repost or reply: record it when the post is one of the assistant's."""
    assistant_id = known_id()
    if assistant_id is None or answer.account_id != assistant_id or actor.id == assistant_id:
        return
    events.record(session, AiAssistantFeedback(
        reply_status_id=str(answer.id), account_id=str(actor.id), kind=kind,
        status_id=str(reply.id) if reply is not None else None),
        actor_id=actor.id, subject_id=answer.id)
