"""Admin entities (AdminAccount, AdminReport) in batches: a page of reports costs a fixed number
of queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.presenter import Presenter
from roost.instance import site as site_settings
from roost.models import Account, Report, Status, User


def report(r: Report, target: dict) -> dict:
    """The Report entity its reporter sees."""
    return {"id": str(r.id), "action_taken": r.action_taken_at is not None,
            "action_taken_at": ser.iso(r.action_taken_at), "category": r.category,
            "comment": r.comment, "forwarded": r.forwarded, "created_at": ser.iso(r.created_at),
            "status_ids": list(r.status_ids) or None, "rule_ids": list(r.rule_ids) or None,
            "target_account": target}


def admin_account(a: Account, user: User | None) -> dict:
    role = ser.credential_fields(a, user)["role"]
    return {
        "id": str(a.id), "username": a.username, "domain": None,
        "created_at": ser.iso(a.created_at), "email": user.email if user else "",
        "ip": None, "ips": [], "locale": (user.locale if user else None) or "en",
        "invite_request": user.sign_up_reason or None if user else None, "role": role,
        "confirmed": True, "approved": bool(user and user.approved),
        "disabled": bool(user and user.disabled), "silenced": False, "sensitized": False,
        "suspended": a.suspended_at is not None, "account": ser.account(a),
        "created_by_application_id": None, "invited_by_account_id": None,
    }


class AdminPresenter:
    def __init__(self, session: AsyncSession, moderator: Account) -> None:
        self.session = session
        self.moderator = moderator

    async def reports(self, reports: Sequence[Report]) -> list[dict]:
        s = self.session
        ids = {i for r in reports for i in (r.account_id, r.target_account_id,
                                             r.assigned_account_id, r.action_taken_by_account_id)
               if i is not None}
        accounts = {a.id: a for a in (await s.execute(
            select(Account).where(Account.id.in_(ids)))).scalars()} if ids else {}
        users = {u.account_id: u for u in (await s.execute(
            select(User).where(User.account_id.in_(ids)))).scalars()} if ids else {}
        status_ids = {int(i) for r in reports for i in r.status_ids}
        rows = list((await s.execute(select(Status).where(Status.id.in_(status_ids)))).scalars()) \
            if status_ids else []
        rendered = {d["id"]: d for d in await Presenter(s, self.moderator).statuses(rows)}
        rules = {}
        if any(r.rule_ids for r in reports):
            rules = {r["id"]: r for r in (await site_settings.load(s, runtime.settings())).rules}

        def who(account_id: int | None) -> dict | None:
            a = accounts.get(account_id) if account_id is not None else None
            return admin_account(a, users.get(a.id)) if a else None

        return [{
            "id": str(r.id), "action_taken": r.action_taken_at is not None,
            "action_taken_at": ser.iso(r.action_taken_at), "category": r.category,
            "comment": r.comment, "forwarded": r.forwarded, "created_at": ser.iso(r.created_at),
            "updated_at": ser.iso(r.updated_at), "account": who(r.account_id),
            "target_account": who(r.target_account_id),
            "assigned_account": who(r.assigned_account_id),
            "action_taken_by_account": who(r.action_taken_by_account_id),
            "statuses": [rendered[i] for i in r.status_ids if i in rendered],
            "rules": [rules[i] for i in r.rule_ids if i in rules],
        } for r in reports]
