"""`roost admin trends|reports|announcements|emoji` through click's runner on a fresh SQLite
data directory; the data they act on is made through the services."""

from __future__ import annotations

import asyncio

import pytest

from roost import runtime
from roost.accounts.service import create_account
from roost.config import Settings
from roost.db import Database
from roost.posts import service as posts
from tests.conftest import REDIS_URL


@pytest.fixture
def roost(roost):
    """The runner on a migrated data directory (the services below need the schema)."""
    assert roost("migrate").exit_code == 0
    return roost


def in_db(data_dir, work):
    """Run `work(session)` in one unit of work on the data directory's database."""

    async def go():
        import roost.tasks  # noqa: F401

        db = Database(f"sqlite+aiosqlite:///{data_dir / 'roost.db'}")
        runtime.bind(db=db, redis=None, settings=Settings(data_dir=data_dir, domain="roost.test"))
        try:
            async with db.unit_of_work() as session:
                return await work(session)
        finally:
            await db.dispose()

    return asyncio.run(go())


def people_posting(data_dir, *texts: str) -> list[int]:
    """One person per text, each posting it publicly; returns the status ids."""

    async def work(session):
        ids = []
        for i, text in enumerate(texts):
            account, _ = await create_account(session, username=f"p{i}", email=f"p{i}@example.com",
                                              password="long enough password")
            ids.append((await posts.create_post(session, account, posts.NewPost(text=text))).id)
        return ids

    return in_db(data_dir, work)


def test_trends_refresh_list_hide_unhide(roost, data_dir):
    people_posting(data_dir, "#birds are great", "#birds indeed")
    assert "Nothing trends yet" in roost("admin", "trends", "list").stdout
    result = roost("admin", "trends", "refresh")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Trending: 1 tags, 0 posts, 0 links."
    assert "#birds" in roost("admin", "trends", "list").stdout

    result = roost("admin", "trends", "hide", "tag", "#Birds")
    assert result.exit_code == 0 and result.stdout.strip() == "Hidden from trends: tag birds"
    listed = roost("admin", "trends", "list").stdout
    assert "hidden tag    birds" in listed and "  #birds" not in listed
    assert roost("admin", "trends", "refresh").stdout.strip() == "Trending: 0 tags, 0 posts, 0 links."
    assert roost("admin", "trends", "unhide", "tag", "birds").exit_code == 0
    assert roost("admin", "trends", "refresh").stdout.strip() == "Trending: 1 tags, 0 posts, 0 links."

    missing = roost("admin", "trends", "hide", "tag", "nosuch")
    assert missing.exit_code == 1 and missing.stderr.strip() == "Error: No tag #nosuch"


def test_reports_list_show_resolve_reopen(roost, data_dir):
    from roost.models import Account
    from roost.moderation import service as moderation

    [sid] = people_posting(data_dir, "buy my stuff")

    async def file(session):
        reporter, _ = await create_account(session, username="rita", email="rita@example.com",
                                           password="long enough password")
        from roost.models import Status

        target = await session.get(Account, (await session.get(Status, sid)).account_id)
        return (await moderation.file_report(session, reporter, account_id=target.id,
                                             status_ids=[str(sid)], comment="spam", category="spam",
                                             rule_ids=[])).id

    rid = in_db(data_dir, file)
    listed = roost("admin", "reports", "list")
    assert listed.exit_code == 0 and f"#{rid}" in listed.stdout
    assert "@p0 reported by @rita (spam, 1 posts)" in listed.stdout
    shown = roost("admin", "reports", "show", str(rid)).stdout
    assert "comment: spam" in shown and "buy my stuff" in shown
    assert roost("admin", "reports", "resolve", str(rid)).stdout.strip() == f"Report #{rid} resolved."
    assert roost("admin", "reports", "list").stdout.strip() == "No open reports."
    assert f"#{rid}" in roost("admin", "reports", "list", "--resolved").stdout
    assert roost("admin", "reports", "reopen", str(rid)).stdout.strip() == f"Report #{rid} reopened."
    missing = roost("admin", "reports", "show", "42")
    assert missing.exit_code == 1 and missing.stderr.strip() == "Error: Record not found"


def test_emoji_add_list_remove(roost, tmp_path):
    import io

    from PIL import Image

    png = tmp_path / "blob.png"
    buf = io.BytesIO()
    Image.new("RGBA", (32, 32), "red").save(buf, "PNG")
    png.write_bytes(buf.getvalue())
    jpeg = tmp_path / "photo.jpg"
    Image.new("RGB", (32, 32), "red").save(jpeg, "JPEG")

    result = roost("admin", "emoji", "add", "blob", str(png), "--category", "Blobs")
    assert result.exit_code == 0 and result.stdout.strip() == "Added :blob:"
    listed = roost("admin", "emoji", "list").stdout
    assert listed.startswith(":blob:  Blobs  emojis/")
    bad = roost("admin", "emoji", "add", "photo", str(jpeg))
    assert bad.exit_code == 1 and bad.stderr.strip() == "Error: Custom emojis must be PNG, GIF or WebP images"
    again = roost("admin", "emoji", "add", "blob", str(png))
    assert again.exit_code == 1 and "already" in again.stderr
    assert roost("admin", "emoji", "remove", ":blob:").stdout.strip() == "Removed :blob:"
    assert roost("admin", "emoji", "list").stdout.strip() == "No custom emojis yet."


def test_announcements_create_list_publish_unpublish_remove(roost):
    result = roost("admin", "announcements", "create", "Maintenance tonight", "--ends-at",
                   "2099-01-01T02:00", "--draft")
    assert result.exit_code == 0, result.output
    aid = result.stdout.split()[2]
    assert result.stdout.strip() == f"Created announcement {aid} (draft)."
    listed = roost("admin", "announcements", "list").stdout
    assert f"{aid}  draft" in listed and "until 2099-01-01 02:00" in listed
    assert roost("admin", "announcements", "publish", aid).stdout.strip() == f"Announcement {aid} published."
    assert f"{aid}  published" in roost("admin", "announcements", "list").stdout
    assert roost("admin", "announcements", "unpublish", aid).exit_code == 0
    assert roost("admin", "announcements", "remove", aid).exit_code == 0
    assert roost("admin", "announcements", "list").stdout.strip() == "No announcements."
    bad = roost("admin", "announcements", "create", "x", "--starts-at", "tomorrow")
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: Not a date or time")
    missing = roost("admin", "announcements", "remove", "123")
    assert missing.exit_code == 1 and missing.stderr.strip() == "Error: No announcement 123"


@pytest.mark.skipif(not REDIS_URL, reason="needs ROOST_TEST_REDIS_URL")
def test_an_announcement_made_on_the_command_line_reaches_the_streams(roost, monkeypatch):
    """With Redis configured, the admin command publishes on the broker the web processes'
    user streams listen to (tests/realtime/test_streaming_announcements.py renders it)."""
    import json

    import redis

    monkeypatch.setenv("ROOST_REDIS_URL", REDIS_URL)
    client = redis.Redis.from_url(REDIS_URL)
    listener = client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe("roost:live:announcements")

    def heard() -> dict:
        for _ in range(50):  # the subscription's confirmation reads as None
            message = listener.get_message(timeout=0.1)
            if message is not None:
                return json.loads(message["data"])
        raise AssertionError("nothing was published")

    try:
        result = roost("admin", "announcements", "create", "Back in five minutes")
        assert result.exit_code == 0, result.output
        aid = result.stdout.split()[2].rstrip(".")
        assert heard() == {"event": "announcement", "id": aid}
        assert roost("admin", "announcements", "remove", aid).exit_code == 0
        assert heard() == {"event": "announcement.delete", "id": aid}
    finally:
        listener.close()
        client.close()


def test_an_unreachable_redis_is_a_warning_for_admin_commands(roost, monkeypatch):
    monkeypatch.setenv("ROOST_REDIS_URL", "redis://127.0.0.1:1/0")
    result = roost("admin", "announcements", "create", "Still made")
    assert result.exit_code == 0, result.output
    assert "Warning: Redis at redis://127.0.0.1:1/0 is unreachable" in result.stderr
    assert "Still made" in roost("admin", "announcements", "list").stdout
