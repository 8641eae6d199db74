"""Turn rows into Mastodon entities in batches: a page of statuses costs a fixed number of
queries (originals, accounts, content parts not yet cached, the viewer's own reactions), never
one per row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from roost import runtime
from roost.api.mastodon import content
from roost.api.mastodon import presenter_queries as q
from roost.api.mastodon import serializers as ser
from roost.api.mastodon.filtering import apply_filters
from roost.kit.clock import utcnow
from roost.models import Account, MediaAttachment, Notification, Report, Status
from roost.polls import repository as polls_repo


class Presenter:
    def __init__(self, session: AsyncSession, viewer: Account | None, *,
                 filter_context: str | None = None) -> None:
        """`filter_context` (home, notifications, public, thread, account): where the statuses
        are shown, for the viewer's filters (api/mastodon/filtering.py)."""
        self.session = session
        self.viewer = viewer
        self.viewer_id = viewer.id if viewer else None
        self.filter_context = filter_context

    # ---- accounts -------------------------------------------------------------------------
    async def accounts(self, accounts: Sequence[Account]) -> list[dict]:
        return await self._emojis([ser.account(a) for a in accounts])

    async def account(self, account: Account, *, credentials: bool = False) -> dict:
        data = ser.account(account)
        if credentials:
            from roost.accounts.repository import follow_requests_count

            data.update(ser.credential_fields(
                account, await self._user_of(account),
                follow_requests_count=await follow_requests_count(self.session, account.id)))
        return await self._emojis(data)

    async def _user_of(self, account: Account):  # noqa: ANN202
        from roost.accounts.repository import user_for

        return await user_for(self.session, account.id)

    # ---- statuses -------------------------------------------------------------------------
    async def status(self, status: Status) -> dict:
        return (await self.statuses([status]))[0]

    async def statuses(self, statuses: Sequence[Status]) -> list[dict]:
        """Render a page of statuses (Status objects or plain rows with the same attributes;
        reposts wrapped around their originals), their custom emojis filled in."""
        return await self._emojis(await self._statuses(statuses))

    async def _statuses(self, statuses: Sequence[Status]) -> list[dict]:
        """Fixed cost: the originals, the authors, the content parts not cached yet (media,
        mentions, tags, app: see content.py), the viewer's own reactions, the polls and the
        viewer's votes in them, one query each."""
        if not statuses:
            return []
        s = self.session
        originals_ids = {st.reblog_of_id for st in statuses if st.reblog_of_id}
        originals: dict[int, Status] = {}
        if originals_ids:
            originals = {o.id: o for o in await s.execute(
                q.status_rows(), {"ids": list(originals_ids)})}
        every = list(statuses) + list(originals.values())
        contents = [st for st in every if st.reblog_of_id is None]

        authors = {a.id: a for a in await s.execute(
            q.account_rows(), {"ids": list({st.account_id for st in every})})}
        parts = await content.parts(s, contents)
        mine = await self._reactions([st.id for st in contents])
        accounts: dict[int, dict] = {}  # each author rendered once per page

        def account_of(account_id: int) -> dict:
            data = accounts.get(account_id)
            if data is None:
                data = accounts[account_id] = ser.account(authors[account_id])
            return data

        polls = await self._polls(contents, parts)

        def render(st: Status) -> dict:
            data = ser.status(st, account=account_of(st.account_id), parts=parts[st.id])
            data["poll"] = polls.get(st.id)
            if self.viewer_id is not None:
                data.update(self._viewer_fields(st, mine))
            return data

        out = []
        for st in statuses:
            if st.reblog_of_id is not None:
                orig = originals.get(st.reblog_of_id)
                out.append(ser.reblog_wrapper(st, account_of(st.account_id), render(orig),
                                              viewer_id=self.viewer_id) if orig else None)
            else:
                out.append(render(st))
        return await apply_filters(self.session, self.viewer, [o for o in out if o is not None],
                                   self.filter_context)

    def _viewer_fields(self, st: Status, mine: dict[str, set[int]]) -> dict:
        """The fields of a status that depend on who looks (added per request, never cached)."""
        data = {"favourited": st.id in mine["f"], "reblogged": st.id in mine["r"], "muted": False,
                "bookmarked": st.id in mine["b"], "filtered": []}
        if st.account_id == self.viewer_id:
            data["pinned"] = st.id in mine["p"]
        return data

    async def _reactions(self, status_ids: list[int]) -> dict[str, set[int]]:
        """Which of `status_ids` the viewer favourited (f), bookmarked (b), pinned (p) or
        reposted (r): one query."""
        mine: dict[str, set[int]] = {"f": set(), "b": set(), "p": set(), "r": set()}
        if self.viewer_id is None or not status_ids:
            return mine
        rows = await self.session.execute(q.reactions(),
                                          {"viewer_id": self.viewer_id, "ids": status_ids})
        for kind, sid in rows:
            mine[kind].add(sid)
        return mine

    async def _polls(self, contents: list[Status], parts: dict[int, content.Parts]) -> dict[int, dict]:
        """Poll entities by post id: the polls in one query, the viewer's votes in another; no
        query when the cached parts say none of `contents` has a poll."""
        ask = [st for st in contents if parts[st.id].poll is not False]
        polls = await polls_repo.for_statuses(self.session, [st.id for st in ask])
        content.learn_polls([st for st in ask if parts[st.id].poll is None], set(polls))
        if not polls:
            return {}
        own = await polls_repo.own_votes(self.session, self.viewer_id, [p.id for p in polls.values()])
        now = utcnow()
        return {sid: ser.poll(p, now=now, viewer_id=self.viewer_id, own_votes=own.get(p.id, []))
                for sid, p in polls.items()}

    async def poll(self, poll) -> dict:  # noqa: ANN001 - models.Poll
        own = await polls_repo.own_votes(self.session, self.viewer_id, [poll.id])
        return await self._emojis(ser.poll(poll, now=utcnow(), viewer_id=self.viewer_id,
                                           own_votes=own.get(poll.id, [])))

    async def scheduled_statuses(self, rows: Sequence) -> list[dict]:
        """ScheduledStatus entities; their media in one query."""
        from roost.scheduled.repository import media_of

        media = await media_of(self.session, [r.id for r in rows])
        out = []
        for r in rows:
            order = {str(i): n for n, i in enumerate(r.params.get("media_ids") or [])}
            attached = sorted(media.get(r.id, []), key=lambda m: order.get(str(m.id), len(order)))
            out.append({"id": str(r.id), "scheduled_at": ser.iso(r.scheduled_at),
                        "params": dict(r.params),
                        "media_attachments": [ser.media(m) for m in attached]})
        return out

    # ---- notifications --------------------------------------------------------------------
    async def notifications(self, notifications: Sequence[Notification]) -> list[dict]:
        """Senders (and reported accounts) in one query, statuses through statuses(); a
        notification whose status or report cannot be rendered is left out."""
        reports = await self._by_id(Report, {n.report_id for n in notifications
                                             if n.type == "admin.report"})
        accounts = await self._by_id(Account, {n.from_account_id for n in notifications}
                                     | {r.target_account_id for r in reports.values()})
        status_ids = {n.status_id for n in notifications if n.status_id is not None}
        rows = await self._by_id(Status, status_ids)
        rendered = {int(d["id"]): d for d in await self._statuses(list(rows.values()))}
        out = []
        for n in notifications:
            sender = accounts.get(n.from_account_id)
            status = rendered.get(n.status_id) if n.status_id is not None else None
            report = self._report(reports.get(n.report_id), accounts)
            if sender is None or (n.type in ser.STATUS_NOTIFICATIONS and status is None):
                continue
            if n.type == "admin.report" and report is None:
                continue
            out.append(ser.notification(n, ser.account(sender), status, report))
        return await self._emojis(out)

    @staticmethod
    def _report(report: Report | None, accounts: dict) -> dict | None:
        """The Report entity of an `admin.report` notification (None if it cannot be shown)."""
        from roost.api.mastodon.admin_presenter import report as report_entity

        target = accounts.get(report.target_account_id) if report is not None else None
        return report_entity(report, ser.account(target)) if target is not None else None

    async def notification_groups(self, groups: Sequence, *, paginated: bool,
                                  partial_avatars: bool = False) -> dict:
        """GroupedNotificationsResults: sample accounts in one query, statuses through
        statuses(); a group about a post that cannot be rendered is left out. With
        `partial_avatars` every account is still sent in full (allowed by Mastodon's API)."""
        reports = await self._by_id(Report, {g.report_id for g in groups if g.type == "admin.report"})
        accounts = await self._by_id(Account, {i for g in groups for i in g.sample_account_ids}
                                     | {r.target_account_id for r in reports.values()})
        rows = await self._by_id(Status, {g.status_id for g in groups if g.status_id is not None})
        rendered = {int(d["id"]): d for d in await self._statuses(list(rows.values()))}
        out_groups: list[dict] = []
        out_accounts: dict[int, dict] = {}
        out_statuses: dict[int, dict] = {}
        for g in groups:
            status = rendered.get(g.status_id) if g.status_id is not None else None
            if g.type in ser.STATUS_NOTIFICATIONS and status is None:
                continue
            report = self._report(reports.get(g.report_id), accounts)
            if g.type == "admin.report" and report is None:
                continue
            g.sample_account_ids = [i for i in g.sample_account_ids if i in accounts]
            if not g.sample_account_ids:
                continue
            for i in g.sample_account_ids:
                if i not in out_accounts:
                    out_accounts[i] = ser.account(accounts[i])
            if status is not None:
                out_statuses.setdefault(g.status_id, status)
            out_groups.append(ser.notification_group(g, paginated=paginated, report=report))
        result = {"accounts": list(out_accounts.values()), "statuses": list(out_statuses.values()),
                  "notification_groups": out_groups}
        if partial_avatars:
            result["partial_accounts"] = []
        return await self._emojis(result)

    async def status_versions(self, status: Status, versions: Sequence) -> list[dict]:
        """StatusEdit entities, oldest first."""
        author = await self.session.get(Account, status.account_id)
        media_ids = {int(i) for v in versions for i in (v.media_ids or [])}
        media = await self._by_id(MediaAttachment, media_ids)
        author_data = ser.account(author)
        return [
            {
                "content": v.content_html,
                "spoiler_text": v.spoiler_text,
                "sensitive": v.sensitive,
                "created_at": ser.iso(v.created_at),
                "account": author_data,
                "poll": {"options": [{"title": t} for t in v.poll_options]} if v.poll_options else None,
                "media_attachments": [ser.media(media[int(i)]) for i in (v.media_ids or [])
                                      if int(i) in media],
                "emojis": [],
            }
            for v in versions
        ]

    # ---- tags -----------------------------------------------------------------------------
    async def tags(self, tags: Sequence[Tag]) -> list[dict]:
        """Tag entities with their real 7-day history, in one query for the whole list; for a
        signed-in viewer also `following` and `featuring` (two more)."""
        from roost.kit.clock import utcnow
        from roost.tags.repository import flags
        from roost.trends.history import empty, tag_history

        now = utcnow()  # a tag never used (id None, see tags.service.lookup) has an empty history
        saved = [t.id for t in tags if t.id is not None]
        histories = await tag_history(self.session, saved, now)
        out = [ser.tag(t, history=histories.get(t.id) or empty(now)) for t in tags]
        if self.viewer_id is not None:
            follows, features = await flags(self.session, self.viewer_id, saved)
            for t, data in zip(tags, out, strict=True):
                data.update(following=t.id in follows, featuring=t.id in features)
        return out

    # ---- media ----------------------------------------------------------------------------
    def media(self, m: MediaAttachment) -> dict:
        return ser.media(m)

    # ---- helpers ---------------------------------------------------------------------------
    async def _emojis(self, data):  # noqa: ANN001, ANN202
        from roost.emojis.render import fill

        return await fill(self.session, data, base_url())

    async def _by_id(self, model, ids: Iterable[int]) -> dict:  # noqa: ANN001
        ids = [i for i in set(ids) if i is not None]
        if not ids:
            return {}
        rows = await self.session.execute(q.by_ids(model), {"ids": ids})
        return {r.id: r for r in rows.scalars()}


def base_url() -> str:
    return runtime.settings().base_url
