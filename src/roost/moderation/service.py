"""Report writes: filing one (any user) and handling it (moderators and admins, or the CLI with
`moderator=None`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import events, jobs, runtime
from roost.accounts import repository as accounts_repo
from roost.events.schemas import ReportAssigned, ReportCreated, ReportReopened, ReportResolved
from roost.instance import site as site_settings
from roost.kit.clock import utcnow
from roost.kit.errors import Forbidden, Invalid, NotFound
from roost.kit.ids import parse_id
from roost.models import Account, Report, Status, User
from roost.models.moderation import REPORT_CATEGORIES
from roost.posts.repository import readable_ids

MAX_COMMENT = 1000
MAX_STATUSES = 100


async def file_report(session: AsyncSession, reporter: Account, *, account_id: str | int | None,
                      status_ids: list, comment: str | None, category: str | None,
                      rule_ids: list, forward: bool = False) -> Report:
    """Report an account, with some of its posts. Posts must be the target's (404 otherwise);
    those the reporter cannot read are left out. Giving rules makes it a `violation`."""
    target = await accounts_repo.get(session, parse_id(account_id), include_hidden=True)
    if target is None or target.deleted_at is not None:
        raise NotFound()
    if target.id == reporter.id:
        raise Invalid("Validation failed: You cannot report yourself")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise Invalid(f"Validation failed: Comment is too long (maximum is {MAX_COMMENT} characters)")
    category = category or "other"
    if category not in REPORT_CATEGORIES:
        raise Invalid("Validation failed: Category is not included in the list")
    rules = [str(r) for r in rule_ids]
    if rules:
        known = {r["id"] for r in (await site_settings.load(session, runtime.settings())).rules}
        if not set(rules) <= known:
            raise Invalid("Validation failed: Rule ids are not rules of this server")
        category = "violation"
    ids = [parse_id(str(s)) for s in status_ids][:MAX_STATUSES]
    if ids:
        if None in ids:
            raise NotFound()
        owned = set((await session.execute(select(Status.id).where(
            Status.id.in_(ids), Status.account_id == target.id, Status.reblog_of_id.is_(None)
        ))).scalars())
        if owned != set(ids):
            raise NotFound()
        visible = await readable_ids(session, ids, reporter.id)
        ids = [i for i in dict.fromkeys(ids) if i in visible]
    now = utcnow()
    report = Report(account_id=reporter.id, target_account_id=target.id, status_ids=[str(i) for i in ids],
                    rule_ids=list(dict.fromkeys(rules)), comment=comment, category=category,
                    forwarded=False, created_at=now, updated_at=now)
    session.add(report)
    await session.flush()
    events.record(session, ReportCreated(report_id=str(report.id), account_id=str(reporter.id),
                                         target_account_id=str(target.id), category=category,
                                         status_ids=report.status_ids, rule_ids=report.rule_ids),
                  actor_id=reporter.id, subject_id=report.id)
    jobs.enqueue(session, "notifications.for_staff", type="admin.report",
                 from_account_id=reporter.id, report_id=report.id)
    return report


async def check_moderator(session: AsyncSession, account: Account | None) -> None:
    """Only moderators and admins handle reports (None is the CLI)."""
    if account is None:
        return
    user = (await session.execute(select(User).where(User.account_id == account.id))).scalar_one_or_none()
    if user is None or not user.is_moderator:
        raise Forbidden("This action is not allowed")


async def _report(session: AsyncSession, moderator: Account | None, report_id: str | int) -> Report:
    await check_moderator(session, moderator)
    rid = parse_id(str(report_id))
    report = await session.get(Report, rid) if rid is not None else None
    if report is None:
        raise NotFound()
    return report


async def get_for_moderator(session: AsyncSession, moderator: Account | None,
                            report_id: str | int) -> Report:
    return await _report(session, moderator, report_id)


async def resolve(session: AsyncSession, moderator: Account | None, report_id: str | int) -> Report:
    """Mark a report handled (idempotent)."""
    report = await _report(session, moderator, report_id)
    if report.action_taken_at is None:
        report.action_taken_at = report.updated_at = utcnow()
        report.action_taken_by_account_id = moderator.id if moderator else None
        await session.flush()
        events.record(session, ReportResolved(report_id=str(report.id)),
                      actor_id=moderator.id if moderator else None, subject_id=report.id)
    return report


async def reopen(session: AsyncSession, moderator: Account | None, report_id: str | int) -> Report:
    report = await _report(session, moderator, report_id)
    if report.action_taken_at is not None:
        report.action_taken_at = report.action_taken_by_account_id = None
        report.updated_at = utcnow()
        await session.flush()
        events.record(session, ReportReopened(report_id=str(report.id)),
                      actor_id=moderator.id if moderator else None, subject_id=report.id)
    return report


async def assign(session: AsyncSession, moderator: Account | None, report_id: str | int, *,
                 to_self: bool) -> Report:
    """Take a report (`to_self`) or give it back (unassign)."""
    report = await _report(session, moderator, report_id)
    assignee = moderator.id if (to_self and moderator) else None
    if report.assigned_account_id != assignee:
        report.assigned_account_id = assignee
        report.updated_at = utcnow()
        await session.flush()
        events.record(session, ReportAssigned(
            report_id=str(report.id), assigned_account_id=str(assignee) if assignee else None),
            actor_id=moderator.id if moderator else None, subject_id=report.id)
    return report
