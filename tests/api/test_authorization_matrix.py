"""Who may call what: every user-facing endpoint, called by nobody, by a token without the needed
scope, by another user, and by the owner. One table, so a new endpoint is one new line."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.routing import APIRoute
from PIL import Image

# (method, path, needed scope, public read?, what another user gets, what the owner gets)
# Paths use {post} (alice's public post), {private} (alice's followers-only post), {media} (alice's
# unattached upload), {alice} (alice's account id), {note} (a notification for alice), {list} (a
# list of alice's).
MATRIX = [
    ("GET", "/api/v1/statuses/{post}", "read:statuses", True, 200, 200),
    ("GET", "/api/v1/statuses/{private}", "read:statuses", False, 404, 200),
    ("GET", "/api/v1/statuses/{private}/context", "read:statuses", False, 404, 200),
    ("GET", "/api/v1/statuses/{private}/history", "read:statuses", False, 404, 200),
    ("GET", "/api/v1/roost/statuses/{private}/feedback", "read:statuses", False, 404, 200),
    ("DELETE", "/api/v1/roost/statuses/{private}/feedback", "write:statuses", False, 404, 200),
    ("GET", "/api/v1/statuses/{private}/favourited_by", "read:accounts", False, 404, 200),
    ("GET", "/api/v1/statuses/{post}/source", "read:statuses", False, 200, 200),
    ("PUT", "/api/v1/statuses/{post}", "write:statuses", False, 403, 200),
    ("DELETE", "/api/v1/statuses/{post}", "write:statuses", False, 403, 200),
    ("POST", "/api/v1/statuses/{post}/pin", "write:accounts", False, 403, 200),
    ("POST", "/api/v1/statuses/{private}/favourite", "write:favourites", False, 404, 200),
    ("POST", "/api/v1/statuses/{private}/bookmark", "write:bookmarks", False, 404, 200),
    ("POST", "/api/v1/statuses/{private}/reblog", "write:statuses", False, 404, 200),
    ("GET", "/api/v1/media/{media}", "write:media", False, 404, 200),
    ("PUT", "/api/v1/media/{media}", "write:media", False, 404, 200),
    ("GET", "/api/v1/accounts/{alice}", "read:accounts", True, 200, 200),
    ("GET", "/api/v1/accounts?id[]={alice}", "read:accounts", True, 200, 200),
    ("GET", "/api/v1/accounts/{alice}/statuses", "read:statuses", True, 200, 200),
    ("GET", "/api/v1/accounts/verify_credentials", "read:accounts", False, 200, 200),
    ("PATCH", "/api/v1/accounts/update_credentials", "write:accounts", False, 200, 200),
    ("GET", "/api/v1/notifications", "read:notifications", False, 200, 200),
    ("GET", "/api/v1/notifications/{note}", "read:notifications", False, 404, 200),
    ("POST", "/api/v1/notifications/{note}/dismiss", "write:notifications", False, 404, 200),
    ("GET", "/api/v1/timelines/home", "read:statuses", False, 200, 200),
    ("GET", "/api/v1/timelines/public", "read:statuses", True, 200, 200),
    ("GET", "/api/v1/bookmarks", "read:bookmarks", False, 200, 200),
    ("GET", "/api/v1/favourites", "read:favourites", False, 200, 200),
    ("GET", "/api/v1/blocks", "read:blocks", False, 200, 200),
    ("GET", "/api/v1/mutes", "read:mutes", False, 200, 200),
    ("GET", "/api/v1/follow_requests", "read:follows", False, 200, 200),
    ("GET", "/api/v1/accounts/relationships?id[]={alice}", "read:follows", False, 200, 200),
    ("GET", "/api/v1/markers?timeline[]=home", "read:statuses", False, 200, 200),
    ("GET", "/api/v1/preferences", "read:accounts", False, 200, 200),
    ("GET", "/api/v1/lists", "read:lists", False, 200, 200),
    ("GET", "/api/v1/lists/{list}", "read:lists", False, 404, 200),
    ("PUT", "/api/v1/lists/{list}", "write:lists", False, 404, 200),
    ("GET", "/api/v1/lists/{list}/accounts", "read:lists", False, 404, 200),
    ("GET", "/api/v1/timelines/list/{list}", "read:lists", False, 404, 200),
    ("GET", "/api/v1/accounts/{alice}/lists", "read:lists", False, 200, 200),
    ("GET", "/api/v1/followed_tags", "read:follows", False, 200, 200),
    ("POST", "/api/v1/tags/roost/follow", "write:follows", False, 200, 200),
    ("GET", "/api/v1/featured_tags", "read:accounts", False, 200, 200),
    ("GET", "/api/v1/featured_tags/suggestions", "read:accounts", False, 200, 200),
    ("GET", "/api/v1/accounts/{alice}/featured_tags", "read:accounts", True, 200, 200),
    ("GET", "/api/v1/roost/statuses/{post}/notes", "read:statuses", True, 200, 200),
    ("GET", "/api/v1/roost/statuses/{private}/notes", "read:statuses", False, 404, 200),
]


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (9, 9, 9)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
async def world(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    post = (await api.post("/api/v1/statuses", json={"status": "public post"}, headers=alice.headers)).json()
    private = (await api.post("/api/v1/statuses", json={"status": "friends only", "visibility": "private"},
                              headers=alice.headers)).json()
    media = (await api.post("/api/v2/media", files={"file": ("x.png", _png(), "image/png")},
                            headers=alice.headers)).json()
    await make.follow(bob, alice)
    await run_jobs()
    notes = (await api.get("/api/v1/notifications", headers=alice.headers)).json()
    lst = (await api.post("/api/v1/lists", json={"title": "mine"}, headers=alice.headers)).json()
    ids = {"post": post["id"], "private": private["id"], "media": media["id"], "alice": alice.id,
           "note": notes[0]["id"], "list": lst["id"]}
    # bob follows alice, so make a third person the "other user" for followers-only checks
    carol = await make.account()
    return alice, carol, ids, make


def _body(method: str, path: str) -> dict:
    if method == "PUT" and "/statuses/" in path:
        return {"json": {"status": "edited"}}
    if method == "PUT" and "/lists/" in path:
        return {"json": {"title": "renamed"}}
    if method == "PUT" and "/media/" in path:
        return {"json": {"description": "alt"}}
    if method == "PATCH":
        return {"data": {"display_name": "Someone"}}
    return {}


@pytest.mark.parametrize("method,path,scope,public,other,owner", MATRIX,
                         ids=[f"{m} {p}" for m, p, *_ in MATRIX])
async def test_matrix(api, world, method, path, scope, public, other, owner):
    alice, carol, ids, make = world
    url = path.format(**ids)
    kwargs = _body(method, path)

    anon = await api.request(method, url, **kwargs)
    if public:
        assert anon.status_code in (200, 404), anon.text
    else:
        assert anon.status_code in (401, 404), (anon.status_code, anon.text)
        assert "error" in anon.json()

    wrong_scope = "write" if scope.startswith("read") else "read"
    token = await make.token(alice, [wrong_scope])
    r = await api.request(method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs)
    if public:
        assert r.status_code in (200, 403), r.text
    else:
        assert r.status_code == 403, (r.status_code, r.text)

    r = await api.request(method, url, headers=carol.headers, **kwargs)
    assert r.status_code == other, (r.status_code, r.text)

    token = await make.token(alice, [scope])
    r = await api.request(method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert r.status_code == owner, (r.status_code, r.text)


# ---- every route: declared scope as Mastodon 4.3, enforced ------------------------------------
# (method, path) -> (who may call, scope). `user`: a user's token; `app_or_user`: any token;
# `maybe_user`: anonymous allowed, a sent token must hold the scope. A new route fails
# test_every_route_is_listed until it is added here (or to NO_TOKEN) with Mastodon's scope.
ACCESS = {
    ("GET", "/oauth/userinfo"): ("user", 'profile'),
    ("POST", "/oauth/userinfo"): ("user", 'profile'),
    ("GET", "/api/v1/apps/verify_credentials"): ("app_or_user", None),
    ("POST", "/api/v1/accounts"): ("app_or_user", 'write:accounts'),
    ("POST", "/api/v1/accounts/{account_id}/follow"): ("user", 'write:follows'),
    ("POST", "/api/v1/accounts/{account_id}/mute"): ("user", 'write:mutes'),
    ("POST", "/api/v1/accounts/{account_id}/unfollow"): ("user", 'write:follows'),
    ("POST", "/api/v1/accounts/{account_id}/remove_from_followers"): ("user", 'write:follows'),
    ("POST", "/api/v1/accounts/{account_id}/block"): ("user", 'write:blocks'),
    ("POST", "/api/v1/accounts/{account_id}/unblock"): ("user", 'write:blocks'),
    ("POST", "/api/v1/accounts/{account_id}/unmute"): ("user", 'write:mutes'),
    ("POST", "/api/v1/follow_requests/{account_id}/authorize"): ("user", 'write:follows'),
    ("POST", "/api/v1/follow_requests/{account_id}/reject"): ("user", 'write:follows'),
    ("GET", "/api/v1/accounts/relationships"): ("user", 'read:follows'),
    ("GET", "/api/v1/accounts/{account_id}/followers"): ("maybe_user", 'read:accounts'),
    ("GET", "/api/v1/accounts/{account_id}/following"): ("maybe_user", 'read:accounts'),
    ("GET", "/api/v1/blocks"): ("user", 'read:blocks'),
    ("GET", "/api/v1/mutes"): ("user", 'read:mutes'),
    ("GET", "/api/v1/follow_requests"): ("user", 'read:follows'),
    ("GET", "/api/v1/accounts/verify_credentials"): ("user", 'profile'),
    ("PATCH", "/api/v1/accounts/update_credentials"): ("user", 'write:accounts'),
    ("DELETE", "/api/v1/profile/avatar"): ("user", 'write:accounts'),
    ("DELETE", "/api/v1/profile/header"): ("user", 'write:accounts'),
    ("GET", "/api/v1/accounts/lookup"): ("maybe_user", 'read:accounts'),
    ("GET", "/api/v1/accounts/search"): ("user", 'read:accounts'),
    ("GET", "/api/v1/accounts/{account_id:int}"): ("maybe_user", 'read:accounts'),
    ("GET", "/api/v1/accounts"): ("maybe_user", 'read:accounts'),
    ("GET", "/api/v1/accounts/{account_id:int}/statuses"): ("maybe_user", 'read:statuses'),
    ("GET", "/api/v2/search"): ("maybe_user", 'read:search'),
    ("GET", "/api/v1/markers"): ("user", 'read:statuses'),
    ("POST", "/api/v1/markers"): ("user", 'write:statuses'),
    ("GET", "/api/v1/preferences"): ("user", 'read:accounts'),
    ("POST", "/api/v1/statuses"): ("user", 'write:statuses'),
    ("GET", "/api/v1/statuses/{status_id}"): ("maybe_user", 'read:statuses'),
    ("PUT", "/api/v1/statuses/{status_id}"): ("user", 'write:statuses'),
    ("GET", "/api/v1/statuses/{status_id}/history"): ("maybe_user", 'read:statuses'),
    ("DELETE", "/api/v1/statuses/{status_id}"): ("user", 'write:statuses'),
    ("GET", "/api/v1/statuses/{status_id}/source"): ("user", 'read:statuses'),
    ("GET", "/api/v1/statuses/{status_id}/context"): ("maybe_user", 'read:statuses'),
    ("POST", "/api/v1/statuses/{status_id}/reblog"): ("user", 'write:statuses'),
    ("POST", "/api/v1/statuses/{status_id}/unreblog"): ("user", 'write:statuses'),
    ("POST", "/api/v1/statuses/{status_id}/favourite"): ("user", 'write:favourites'),
    ("POST", "/api/v1/statuses/{status_id}/unfavourite"): ("user", 'write:favourites'),
    ("POST", "/api/v1/statuses/{status_id}/bookmark"): ("user", 'write:bookmarks'),
    ("POST", "/api/v1/statuses/{status_id}/unbookmark"): ("user", 'write:bookmarks'),
    ("POST", "/api/v1/statuses/{status_id}/pin"): ("user", 'write:accounts'),
    ("POST", "/api/v1/statuses/{status_id}/unpin"): ("user", 'write:accounts'),
    ("GET", "/api/v1/statuses/{status_id}/favourited_by"): ("maybe_user", 'read:accounts'),
    ("GET", "/api/v1/statuses/{status_id}/reblogged_by"): ("maybe_user", 'read:accounts'),
    ("GET", "/api/v1/bookmarks"): ("user", 'read:bookmarks'),
    ("GET", "/api/v1/favourites"): ("user", 'read:favourites'),
    ("GET", "/api/v1/timelines/home"): ("user", 'read:statuses'),
    ("GET", "/api/v1/timelines/public"): ("maybe_user", 'read:statuses'),
    ("GET", "/api/v1/timelines/tag/{hashtag}"): ("maybe_user", 'read:statuses'),
    ("GET", "/api/v1/notifications"): ("user", 'read:notifications'),
    ("GET", "/api/v1/notifications/unread_count"): ("user", 'read:notifications'),
    ("POST", "/api/v1/notifications/clear"): ("user", 'write:notifications'),
    ("GET", "/api/v1/notifications/{notification_id:int}"): ("user", 'read:notifications'),
    ("POST", "/api/v1/notifications/{notification_id:int}/dismiss"): ("user", 'write:notifications'),
    ("POST", "/api/v1/media"): ("user", 'write:media'),
    ("POST", "/api/v2/media"): ("user", 'write:media'),
    ("GET", "/api/v1/media/{media_id}"): ("user", 'write:media'),
    ("PUT", "/api/v1/media/{media_id}"): ("user", 'write:media'),
    ("DELETE", "/api/v1/media/{media_id}"): ("user", 'write:media'),
    ("GET", "/api/v2/notifications"): ("user", 'read:notifications'),
    ("GET", "/api/v2/notifications/unread_count"): ("user", 'read:notifications'),
    ("GET", "/api/v2/notifications/{group_key}"): ("user", 'read:notifications'),
    ("GET", "/api/v2/notifications/{group_key}/accounts"): ("user", 'read:notifications'),
    ("POST", "/api/v2/notifications/{group_key}/dismiss"): ("user", 'write:notifications'),
    ("GET", "/api/v1/conversations"): ("user", 'read:statuses'),
    ("DELETE", "/api/v1/conversations/{conversation_id}"): ("user", 'write:conversations'),
    ("POST", "/api/v1/conversations/{conversation_id}/read"): ("user", 'write:conversations'),
    ("GET", "/api/v1/timelines/direct"): ("user", 'read:statuses'),
    ("GET", "/api/v1/trends"): ("maybe_user", None),
    ("GET", "/api/v1/trends/tags"): ("maybe_user", None),
    ("GET", "/api/v1/trends/statuses"): ("maybe_user", None),
    ("GET", "/api/v1/trends/links"): ("maybe_user", None),
    ("GET", "/api/v1/tags/{name}"): ("maybe_user", None),
    ("GET", "/api/v1/suggestions"): ("user", "read:accounts"),
    ("GET", "/api/v2/suggestions"): ("user", "read:accounts"),
    ("DELETE", "/api/v1/suggestions/{account_id}"): ("user", "write:accounts"),
    ("GET", "/api/v1/directory"): ("maybe_user", "read:accounts"),
    ("POST", "/api/v1/reports"): ("user", "write:reports"),
    ("GET", "/api/v1/admin/reports"): ("user", "admin:read:reports"),
    ("GET", "/api/v1/admin/roost/ai_moderation"): ("user", "admin:read"),
    ("POST", "/api/v1/roost/generations"): ("user", "write:media"),
    ("GET", "/api/v1/roost/generations/quota"): ("user", "read"),
    ("GET", "/api/v1/roost/generations/{generation_id}"): ("user", "read"),
    ("DELETE", "/api/v1/roost/generations/{generation_id}"): ("user", "write:media"),
    ("POST", "/api/v1/roost/generations/{generation_id}/pick"): ("user", "write:media"),
    ("POST", "/api/v1/roost/media/{media_id}/describe"): ("user", "write:media"),
    ("GET", "/api/v1/roost/statuses/{status_id}/lineage"): ("maybe_user", "read:statuses"),
    ("GET", "/api/v1/roost/consent"): ("user", "read:accounts"),
    ("PUT", "/api/v1/roost/consent"): ("user", "write:accounts"),
    ("PUT", "/api/v1/roost/statuses/{status_id}/training"): ("user", "write:statuses"),
    ("GET", "/api/v1/roost/statuses/{status_id}/notes"): ("maybe_user", "read:statuses"),
    ("POST", "/api/v1/roost/statuses/{status_id}/notes"): ("user", "write:statuses"),
    ("DELETE", "/api/v1/roost/notes/{note_id}"): ("user", "write:statuses"),
    ("POST", "/api/v1/roost/notes/{note_id}/rating"): ("user", "write:statuses"),
    ("DELETE", "/api/v1/roost/notes/{note_id}/rating"): ("user", "write:statuses"),
    # capture (docs/subsystems/capture.md)
    ("POST", "/api/v1/roost/statuses/{status_id}/opened"): ("user", "write:statuses"),
    ("GET", "/api/v1/roost/statuses/{status_id}/feedback"): ("user", "read:statuses"),
    ("POST", "/api/v1/roost/statuses/{status_id}/feedback"): ("user", "write:statuses"),
    ("DELETE", "/api/v1/roost/statuses/{status_id}/feedback"): ("user", "write:statuses"),
    ("GET", "/api/v1/roost/statuses/{status_id}/rating"): ("user", "read:statuses"),
    ("POST", "/api/v1/roost/statuses/{status_id}/rating"): ("user", "write:statuses"),
    ("DELETE", "/api/v1/roost/statuses/{status_id}/rating"): ("user", "write:statuses"),
    ("POST", "/api/v1/roost/statuses/{status_id}/regenerate"): ("user", "write:statuses"),
    ("POST", "/api/v1/roost/admin/datasets"): ("user", "admin:write"),
    ("GET", "/api/v1/roost/admin/datasets"): ("user", "admin:read"),
    ("GET", "/api/v1/roost/admin/datasets/{build_id}"): ("user", "admin:read"),
    ("POST", "/api/v1/roost/admin/datasets/{build_id}/recall"): ("user", "admin:write"),
    ("GET", "/api/v1/roost/datasets/mine"): ("user", "read:accounts"),
    ("POST", "/api/v1/roost/archive"): ("user", "write:accounts"),
    ("GET", "/api/v1/roost/archive"): ("user", "read:accounts"),
    ("GET", "/api/v1/roost/archive/{archive_id}/download"): ("user", "read:accounts"),
    ("GET", "/api/v1/admin/reports/{report_id}"): ("user", "admin:read:reports"),
    ("POST", "/api/v1/admin/reports/{report_id}/resolve"): ("user", "admin:write:reports"),
    ("POST", "/api/v1/admin/reports/{report_id}/reopen"): ("user", "admin:write:reports"),
    ("POST", "/api/v1/admin/reports/{report_id}/assign_to_self"): ("user", "admin:write:reports"),
    ("POST", "/api/v1/admin/reports/{report_id}/unassign"): ("user", "admin:write:reports"),
    ("GET", "/api/v1/polls/{poll_id}"): ("maybe_user", "read:statuses"),
    ("POST", "/api/v1/polls/{poll_id}/votes"): ("user", "write:statuses"),
    ("GET", "/api/v1/scheduled_statuses"): ("user", "read:statuses"),
    ("GET", "/api/v1/scheduled_statuses/{scheduled_id}"): ("user", "read:statuses"),
    ("PUT", "/api/v1/scheduled_statuses/{scheduled_id}"): ("user", "write:statuses"),
    ("DELETE", "/api/v1/scheduled_statuses/{scheduled_id}"): ("user", "write:statuses"),
    ("POST", "/api/v1/accounts/{account_id}/note"): ("user", "write:accounts"),
    ("POST", "/api/v1/accounts/{account_id}/pin"): ("user", "write:accounts"),
    ("POST", "/api/v1/accounts/{account_id}/endorse"): ("user", "write:accounts"),
    ("POST", "/api/v1/accounts/{account_id}/unpin"): ("user", "write:accounts"),
    ("POST", "/api/v1/accounts/{account_id}/unendorse"): ("user", "write:accounts"),
    ("GET", "/api/v1/endorsements"): ("user", "read:accounts"),
    ("GET", "/api/v1/accounts/{account_id}/endorsements"): ("maybe_user", "read:accounts"),
    ("GET", "/api/v1/domain_blocks"): ("user", "read:blocks"),
    ("POST", "/api/v1/domain_blocks"): ("user", "write:blocks"),
    ("DELETE", "/api/v1/domain_blocks"): ("user", "write:blocks"),
    ("GET", "/api/v1/accounts/familiar_followers"): ("user", "read:follows"),
    ("GET", "/api/v1/statuses"): ("maybe_user", "read:statuses"),
    ("GET", "/api/v1/push/subscription"): ("user", "push"),
    ("PUT", "/api/v1/push/subscription"): ("user", "push"),
    ("POST", "/api/v1/push/subscription"): ("user", "push"),
    ("DELETE", "/api/v1/push/subscription"): ("user", "push"),
    ("GET", "/api/v2/notifications/policy"): ("user", "read:notifications"),
    ("PATCH", "/api/v2/notifications/policy"): ("user", "write:notifications"),
    ("GET", "/api/v1/notifications/requests"): ("user", "read:notifications"),
    ("GET", "/api/v1/notifications/requests/merged"): ("user", "read:notifications"),
    ("GET", "/api/v1/notifications/requests/{request_id}"): ("user", "read:notifications"),
    ("POST", "/api/v1/notifications/requests/{request_id}/accept"): ("user", "write:notifications"),
    ("POST", "/api/v1/notifications/requests/{request_id}/dismiss"): ("user", "write:notifications"),
    ("POST", "/api/v1/notifications/requests/accept"): ("user", "write:notifications"),
    ("POST", "/api/v1/notifications/requests/dismiss"): ("user", "write:notifications"),
    ("GET", "/api/v1/announcements"): ("user", "read"),
    ("POST", "/api/v1/announcements/{announcement_id}/dismiss"): ("user", "write:accounts"),
    ("PUT", "/api/v1/announcements/{announcement_id}/reactions/{name}"): ("user", "write:favourites"),
    ("DELETE", "/api/v1/announcements/{announcement_id}/reactions/{name}"): ("user", "write:favourites"),
    ("GET", "/api/v2/filters"): ("user", "read:filters"),
    ("POST", "/api/v2/filters"): ("user", "write:filters"),
    ("GET", "/api/v2/filters/{filter_id}"): ("user", "read:filters"),
    ("PUT", "/api/v2/filters/{filter_id}"): ("user", "write:filters"),
    ("DELETE", "/api/v2/filters/{filter_id}"): ("user", "write:filters"),
    ("GET", "/api/v2/filters/{filter_id}/keywords"): ("user", "read:filters"),
    ("POST", "/api/v2/filters/{filter_id}/keywords"): ("user", "write:filters"),
    ("GET", "/api/v2/filters/keywords/{keyword_id}"): ("user", "read:filters"),
    ("PUT", "/api/v2/filters/keywords/{keyword_id}"): ("user", "write:filters"),
    ("DELETE", "/api/v2/filters/keywords/{keyword_id}"): ("user", "write:filters"),
    ("GET", "/api/v2/filters/{filter_id}/statuses"): ("user", "read:filters"),
    ("POST", "/api/v2/filters/{filter_id}/statuses"): ("user", "write:filters"),
    ("GET", "/api/v2/filters/statuses/{filter_status_id}"): ("user", "read:filters"),
    ("DELETE", "/api/v2/filters/statuses/{filter_status_id}"): ("user", "write:filters"),
    ("GET", "/api/v1/filters"): ("user", "read:filters"),
    ("POST", "/api/v1/filters"): ("user", "write:filters"),
    ("GET", "/api/v1/filters/{keyword_id}"): ("user", "read:filters"),
    ("PUT", "/api/v1/filters/{keyword_id}"): ("user", "write:filters"),
    ("DELETE", "/api/v1/filters/{keyword_id}"): ("user", "write:filters"),
    ("GET", "/api/v1/lists"): ("user", "read:lists"),
    ("POST", "/api/v1/lists"): ("user", "write:lists"),
    ("GET", "/api/v1/lists/{list_id}"): ("user", "read:lists"),
    ("PUT", "/api/v1/lists/{list_id}"): ("user", "write:lists"),
    ("DELETE", "/api/v1/lists/{list_id}"): ("user", "write:lists"),
    ("GET", "/api/v1/lists/{list_id}/accounts"): ("user", "read:lists"),
    ("POST", "/api/v1/lists/{list_id}/accounts"): ("user", "write:lists"),
    ("DELETE", "/api/v1/lists/{list_id}/accounts"): ("user", "write:lists"),
    ("GET", "/api/v1/accounts/{account_id}/lists"): ("user", "read:lists"),
    ("GET", "/api/v1/timelines/list/{list_id}"): ("user", "read:lists"),
    ("POST", "/api/v1/tags/{name}/follow"): ("user", "write:follows"),
    ("POST", "/api/v1/tags/{name}/unfollow"): ("user", "write:follows"),
    ("GET", "/api/v1/followed_tags"): ("user", "read:follows"),
    ("GET", "/api/v1/featured_tags"): ("user", "read:accounts"),
    ("POST", "/api/v1/featured_tags"): ("user", "write:accounts"),
    ("DELETE", "/api/v1/featured_tags/{featured_tag_id}"): ("user", "write:accounts"),
    ("GET", "/api/v1/featured_tags/suggestions"): ("user", "read:accounts"),
    ("GET", "/api/v1/accounts/{account_id}/featured_tags"): ("maybe_user", "read:accounts"),
}

# Routes that take no token at all (public documents, OAuth endpoints with their own client
# authentication, the browser-session pages with CSRF, files).
NO_TOKEN = {
    ("GET", "/oauth/authorize"), ("POST", "/oauth/authorize"), ("POST", "/oauth/token"),
    ("POST", "/oauth/revoke"), ("GET", "/.well-known/oauth-authorization-server"),
    ("POST", "/oauth/sign_in"), ("POST", "/oauth/sign_out"),
    ("GET", "/oauth/authorized_applications"),
    ("POST", "/oauth/authorized_applications/{app_id}/revoke"),
    ("GET", "/api/v2/instance"), ("GET", "/api/v1/instance"), ("GET", "/api/v1/instance/"),
    ("GET", "/api/v1/instance/rules"), ("GET", "/api/v1/instance/peers"),
    ("GET", "/api/v1/instance/domain_blocks"), ("GET", "/api/v1/instance/translation_languages"),
    ("GET", "/api/v1/instance/activity"), ("GET", "/api/v1/instance/extended_description"),
    ("GET", "/api/v1/instance/privacy_policy"), ("GET", "/api/v1/custom_emojis"),
    ("GET", "/api/v1/instance/languages"),
    ("GET", "/.well-known/webfinger"), ("GET", "/.well-known/host-meta"),
    ("GET", "/.well-known/nodeinfo"), ("GET", "/nodeinfo/2.0"), ("GET", "/health"),
    ("POST", "/api/v1/apps"), ("GET", "/media/{path:path}"), ("GET", "/static/{path:path}"),
    ("GET", "/api/openapi.json"), ("GET", "/api/docs"), ("GET", "/docs/oauth2-redirect"),
    ("GET", "/robots.txt"), ("GET", "/ai.txt"),
    ("GET", "/api/v1/roost/firehose"),  # public events only, for anyone (docs/subsystems/firehose.md)
    # Mastodon's streaming API: each stream checks its own scopes once resolved (public ones are
    # anonymous); tests/realtime/test_streaming_*.py.
    ("GET", "/api/v1/streaming/health"),
    *(("GET", f"/api/v1/streaming/{path}") for path in (
        "user", "user/notification", "public", "public/local", "public/remote", "hashtag",
        "hashtag/local", "direct", "list")),
}

# The web app's pages (roost/web): the browser session cookie, never a token; pages that need a
# signed-in viewer redirect to /login, every POST checks the CSRF token (tests/web/).
WEB = {
    ("GET", "/"), ("GET", "/home"), ("GET", "/local"), ("GET", "/public"),
    ("GET", "/login"), ("POST", "/login"), ("POST", "/logout"),
    # statuses (web/statuses.py, web/status_actions.py)
    ("GET", "/@{username}/{status_id:int}"), ("GET", "/@{username}/{status_id:int}/favourites"),
    ("GET", "/@{username}/{status_id:int}/reblogs"), ("GET", "/bookmarks"), ("GET", "/favourites"),
    ("GET", "/statuses/{status_id}/delete"), ("POST", "/statuses/{status_id}/delete"),
    *(("POST", f"/statuses/{{status_id}}/{verb}") for verb in (
        "reblog", "unreblog", "favourite", "unfavourite", "bookmark", "unbookmark", "pin", "unpin",
        "exclude_training", "include_training")),
    # capture (web/capture.py)
    *(("POST", f"/statuses/{{status_id}}/{verb}") for verb in (
        "feedback", "unfeedback", "rate", "unrate", "regenerate", "opened")),
    ("GET", "/signup"), ("POST", "/signup"), ("GET", "/signup/pending"),
    ("GET", "/settings"), ("GET", "/settings/profile"), ("POST", "/settings/profile"),
    ("GET", "/settings/password"), ("POST", "/settings/password"),
    ("GET", "/settings/training"), ("POST", "/settings/training"),
    ("GET", "/settings/data"), ("POST", "/settings/data/archive"),
    ("GET", "/settings/data/archives/{archive_id}.zip"),
    ("GET", "/settings/delete"), ("POST", "/settings/delete"),
    ("GET", "/compose"), ("POST", "/compose"), ("POST", "/compose/describe"),
    # profiles
    ("GET", "/@{username}"), ("GET", "/@{username}/with_replies"), ("GET", "/@{username}/media"),
    ("GET", "/@{username}/followers"), ("GET", "/@{username}/following"),
    *(("POST", f"/accounts/{{account_id:int}}/{verb}") for verb in (
        "follow", "unfollow", "block", "unblock", "mute", "unmute", "report")),
    ("GET", "/accounts/{account_id:int}/block"), ("GET", "/accounts/{account_id:int}/mute"),
    ("GET", "/accounts/{account_id:int}/report"), ("GET", "/follow_requests"),
    ("POST", "/follow_requests/{account_id:int}/authorize"),
    ("POST", "/follow_requests/{account_id:int}/reject"),
    ("GET", "/notifications"), ("GET", "/notifications/mentions"), ("POST", "/notifications/read"),
    ("POST", "/notifications/clear"), ("POST", "/notifications/{group_key}/dismiss"),
    ("GET", "/search"), ("GET", "/tags/{name}"), ("POST", "/tags/{name}/follow"),
    ("POST", "/tags/{name}/unfollow"),
    ("GET", "/live"),
    # AI in the web app (web/generate.py)
    ("POST", "/compose/generate"), ("GET", "/compose/generations/{generation_id}"),
    ("POST", "/compose/generations/{generation_id}/cancel"),
    ("POST", "/compose/generations/{generation_id}/regenerate"),
    ("POST", "/compose/generations/{generation_id}/pick"),
    ("GET", "/@{username}/{status_id:int}/remixes"),
    # notes on a post (web/notes.py)
    ("POST", "/statuses/{status_id}/notes"), ("POST", "/notes/{note_id}/rate"),
    ("POST", "/notes/{note_id}/unrate"), ("POST", "/notes/{note_id}/delete"),
    # admins' dataset builds (web/datasets.py)
    ("GET", "/admin/datasets"), ("POST", "/admin/datasets"),
    ("POST", "/admin/datasets/{build_id}/recall"),
}
NO_TOKEN |= WEB


def _routes(app) -> dict[tuple[str, str], tuple[str, str | None] | None]:
    """(method, path) -> the access its token dependency declares (None: no token dependency)."""
    from fastapi.routing import iter_route_contexts

    def access(dependant):  # noqa: ANN001, ANN202
        for d in dependant.dependencies:
            found = getattr(d.call, "access", None) or access(d)
            if found:
                return found
        return None

    out = {}
    for c in iter_route_contexts(app.routes):
        route = getattr(c, "original_route", None)
        if route is None or not hasattr(route, "methods"):
            continue
        for method in (route.methods or set()) - {"HEAD"}:
            out[(method, c.path)] = access(route.dependant) if isinstance(route, APIRoute) else None
    return out


def test_every_route_is_listed(app):
    routes = _routes(app)
    unlisted = sorted(k for k in routes if k not in ACCESS and k not in NO_TOKEN)
    assert not unlisted, f"add these to ACCESS (with Mastodon's scope) or NO_TOKEN: {unlisted}"
    for key, declared in routes.items():
        assert declared == ACCESS.get(key), (key, declared)
    assert not (set(ACCESS) | NO_TOKEN) - set(routes), "listed routes that no longer exist"


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path.replace("{hashtag}", "tag").replace("{group_key}", "follow-1"))


SCOPE_ERROR = "This action is outside the authorized scopes"


@pytest.mark.parametrize("key", sorted(ACCESS), ids=[f"{m} {p}" for m, p in sorted(ACCESS)])
async def test_every_route_enforces_its_scope(api, make, key):
    method, path = key
    kind, scope = ACCESS[key]
    alice = await make.account()
    url = _url(path)

    anon = await api.request(method, url)
    if kind == "maybe_user":
        assert anon.status_code not in (401, 403), anon.text
    else:
        assert anon.status_code == 401 and "error" in anon.json(), anon.text

    if scope is not None:
        wrong = "write" if scope.startswith(("read", "profile")) else "read"
        token = await make.token(alice, [wrong])
        r = await api.request(method, url, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 403 and r.json()["error"] == SCOPE_ERROR, r.text

    token = await make.token(alice, [scope] if scope else ["read"])
    r = await api.request(method, url, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code not in (401, 500), r.text
    if r.status_code == 403:
        assert r.json()["error"] != SCOPE_ERROR, r.text

    if kind == "user":  # an app's own token (client credentials) is no user
        app_token = await make.app_token([scope] if scope else ["read"])
        r = await api.request(method, url, headers={"Authorization": f"Bearer {app_token}"})
        assert r.status_code == 403, r.text
