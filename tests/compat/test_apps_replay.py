"""The call sequences of real Mastodon apps, replayed against a live server over HTTP.

Each sequence was read from the app's source (see docs/clients.md): the paths, methods and
parameters the app sends at sign-in, first launch and on its main screens (home,
notifications, profile, compose with media, thread), and the fields it reads from each answer.
Endpoints owned by features not in Roost yet (lists, filters, announcements, trends, scheduled
statuses, followed tags) are listed in docs/clients.md and left out here."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from tests.compat.replay import (App, account_fields, fields, png_bytes, register,
                                 relationship_fields, status_fields)


@pytest.fixture(scope="module")
def people(live_server):
    for name in ("ra_viewer", "ra_friend", "ra_other"):
        register(live_server.url, name)
    friend = App(live_server.url, "seed", "urn:ietf:wg:oauth:2.0:oob", "read write follow")
    friend.login("ra_friend")
    post = friend.call("POST", "/api/v1/statuses", data={"status": "seed post #roost",
                                                          "language": "en"})
    return {"post": post, "friend": friend.call("GET", "/api/v1/accounts/verify_credentials")}


def _wait_media(app: App, media_id: str) -> dict:
    """Apps poll GET /api/v1/media/:id until it answers 200 (206 while processing)."""
    deadline = time.time() + 15
    while time.time() < deadline:
        r = app.raw("GET", f"/api/v1/media/{media_id}")
        if r.status_code == 200:
            return r.json()
        assert r.status_code == 206, r.text
        time.sleep(0.1)
    raise AssertionError("media never finished processing")


def _instance_v2(app: App) -> dict:
    inst = app.call("GET", "/api/v2/instance")
    fields(inst, "domain:str", "title:str", "version:str", "source_url:str", "description:str",
           "usage.users.active_month:int", "thumbnail.url:str", "icon:list", "languages:list",
           "configuration.urls.streaming:str", "configuration.vapid.public_key:str",
           "configuration.accounts.max_featured_tags:int",
           "configuration.accounts.max_pinned_statuses:int",
           "configuration.statuses.max_characters:int",
           "configuration.statuses.max_media_attachments:int",
           "configuration.statuses.characters_reserved_per_url:int",
           "configuration.media_attachments.supported_mime_types:list",
           "configuration.media_attachments.image_size_limit:int",
           "configuration.media_attachments.image_matrix_limit:int",
           "configuration.media_attachments.video_size_limit:int",
           "configuration.media_attachments.description_limit:int",
           "configuration.polls.max_options:int", "configuration.polls.max_characters_per_option:int",
           "configuration.polls.min_expiration:int", "configuration.polls.max_expiration:int",
           "configuration.translation.enabled:bool", "registrations.enabled:bool",
           "registrations.approval_required:bool", "registrations.message:str?",
           "api_versions.mastodon:int", "contact.email:str", "contact.account:dict?", "rules:list")
    return inst


def _compose_with_media(app: App, *, json_body: bool, idempotency: bool, **extra) -> dict:
    media = app.call("POST", "/api/v2/media", status=(200, 202),
                     files={"file": ("blue.png", png_bytes(), "image/png")})
    fields(media, "id:str", "type:str", "preview_url:str?", "description:str?", "blurhash:str?")
    media = _wait_media(app, media["id"])
    fields(media, "url:str", "meta:dict")
    updated = app.call("PUT", f"/api/v1/media/{media['id']}",
                       data={"description": "a blue rectangle", "focus": "0.0,0.0"})
    assert updated["description"] == "a blue rectangle"
    body = {"status": "compose with media", "media_ids": [media["id"]], "visibility": "public",
            "sensitive": False, "spoiler_text": "", "language": "en", **extra}
    headers = {"Idempotency-Key": str(uuid.uuid4())} if idempotency else {}
    if json_body:
        st = app.call("POST", "/api/v1/statuses", json=body, headers=headers)
    else:
        form = {k: v for k, v in body.items() if k != "media_ids"}
        form = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in form.items()}
        st = app.call("POST", "/api/v1/statuses", data={**form, "media_ids[]": body["media_ids"]},
                      headers=headers)
    status_fields(st)
    assert st["media_attachments"][0]["description"] == "a blue rectangle"
    if idempotency:  # a retried request gives the same status back
        again = app.call("POST", "/api/v1/statuses", json=body, headers=headers)
        assert again["id"] == st["id"]
    return st


def _thread(app: App, status_id: str) -> None:
    st = app.call("GET", f"/api/v1/statuses/{status_id}")
    status_fields(st)
    ctx = app.call("GET", f"/api/v1/statuses/{status_id}/context")
    fields(ctx, "ancestors:list", "descendants:list")
    for s in ctx["ancestors"] + ctx["descendants"]:
        status_fields(s)


def _profile(app: App, account_id: str) -> None:
    account_fields(app.call("GET", f"/api/v1/accounts/{account_id}"))
    rels = app.call("GET", "/api/v1/accounts/relationships", params={"id[]": [account_id]})
    relationship_fields(rels[0])
    pinned = app.call("GET", f"/api/v1/accounts/{account_id}/statuses", params={"pinned": "true"})
    assert isinstance(pinned, list)
    for s in app.call("GET", f"/api/v1/accounts/{account_id}/statuses",
                      params={"limit": "20", "exclude_replies": "true"}):
        status_fields(s)
    for direction in ("followers", "following"):
        for a in app.call("GET", f"/api/v1/accounts/{account_id}/{direction}", params={"limit": "40"}):
            account_fields(a)


# ---- Tusky (Android; Retrofit interface network/MastodonApi.kt) ---------------------------------

def test_tusky(live_server, people):
    friend_id = people["friend"]["id"]
    app = App(live_server.url, "Tusky", "oauth2redirect://com.keylesspalace.tusky/",
              "read write follow push", website="https://tusky.app")
    app.login("ra_viewer")
    me = app.call("GET", "/api/v1/accounts/verify_credentials")
    account_fields(me)
    fields(me, "source.privacy:str", "source.sensitive:bool", "source.language:str?",
           "source.note:str", "source.fields:list")
    inst = app.call("GET", "/api/v1/instance")
    fields(inst, "uri:str", "version:str", "configuration.statuses.max_characters:int",
           "configuration.media_attachments.image_size_limit:int",
           "configuration.polls.max_options:int", "urls.streaming_api:str")
    _instance_v2(app)
    assert app.call("GET", "/api/v1/custom_emojis") == []
    # notification polling worker: markers, then notifications since the marker
    markers = app.call("GET", "/api/v1/markers", params={"timeline[]": ["notifications"]})
    assert isinstance(markers, dict)
    rel = app.call("POST", f"/api/v1/accounts/{friend_id}/follow",
                   data={"reblogs": "true", "notify": "true"})
    assert rel["following"] and rel["showing_reblogs"] and rel["notifying"]
    home = app.call("GET", "/api/v1/timelines/home", params={"limit": "30"})
    assert people["post"]["id"] in [s["id"] for s in home]
    for s in home:
        status_fields(s)
    app.call("POST", "/api/v1/markers", data={"home[last_read_id]": home[0]["id"]})
    notes = app.call("GET", "/api/v1/notifications",
                     params={"limit": "30", "exclude_types[]": ["follow_request"]})
    assert isinstance(notes, list)
    _profile(app, friend_id)
    rel = app.call("POST", f"/api/v1/accounts/{friend_id}/note", data={"comment": "from Tusky"})
    assert rel["note"] == "from Tusky"
    st = _compose_with_media(app, json_body=True, idempotency=True, in_reply_to_id=None)
    _thread(app, st["id"])
    assert app.call("POST", f"/api/v1/statuses/{people['post']['id']}/favourite")["favourited"]
    assert app.call("POST", f"/api/v1/statuses/{people['post']['id']}/bookmark")["bookmarked"]
    assert app.call("POST", f"/api/v1/statuses/{st['id']}/pin")["pinned"]
    assert app.call("GET", "/api/v1/domain_blocks") == []
    # UnifiedPush registration fails cleanly without Web Push; Tusky then polls
    app.call("POST", "/api/v1/push/subscription", status=422, data={
        "subscription[endpoint]": "https://push.example/up", "subscription[keys][p256dh]": "BAx",
        "subscription[keys][auth]": "c2VjcmV0", "data[alerts][mention]": "true"})
    app.call("DELETE", "/api/v1/push/subscription")
    app.close()


# ---- Ivory (iOS, closed source: what its docs and release notes say it needs) ----------------

def test_ivory(live_server, people):
    friend_id = people["friend"]["id"]
    app = App(live_server.url, "Ivory for iOS", "com.tapbots.Ivory.23:/request_token",
              "read write follow push", website="https://tapbots.com/ivory")
    app.login("ra_viewer", token_auth="basic")
    app.call("GET", "/api/v1/apps/verify_credentials")
    account_fields(app.call("GET", "/api/v1/accounts/verify_credentials"))
    inst = _instance_v2(app)
    assert int(inst["version"].split(".")[0]) >= 4  # Ivory needs Mastodon 4
    app.call("GET", "/api/v1/instance")
    prefs = app.call("GET", "/api/v1/preferences")
    fields(prefs, "posting:default:visibility:str", "reading:expand:media:str")
    markers = app.call("GET", "/api/v1/markers", params={"timeline[]": ["home", "notifications"]})
    home = app.call("GET", "/api/v1/timelines/home", params={"limit": "40"})
    assert home, markers
    saved = app.call("POST", "/api/v1/markers", json={"home": {"last_read_id": home[0]["id"]},
                                                      "notifications": {"last_read_id": "0"}})
    fields(saved, "home.last_read_id:str", "home.version:int", "home.updated_at:str")
    newer = app.call("GET", "/api/v1/timelines/home", params={"min_id": home[-1]["id"], "limit": "40"})
    assert all(int(s["id"]) > int(home[-1]["id"]) for s in newer)
    grouped = app.call("GET", "/api/v2/notifications", params={"limit": "40"})
    fields(grouped, "accounts:list", "statuses:list", "notification_groups:list")
    fields(app.call("GET", "/api/v2/notifications/policy"), "for_not_following:str",
           "summary.pending_requests_count:int")
    assert app.call("GET", "/api/v1/notifications/requests") == []
    app.call("GET", "/api/v1/conversations", params={"limit": "40"})
    fam = app.call("GET", "/api/v1/accounts/familiar_followers", params={"id[]": [friend_id]})
    assert fam[0]["id"] == friend_id
    _profile(app, friend_id)
    assert isinstance(app.call("GET", f"/api/v1/accounts/{friend_id}/endorsements"), list)
    st = _compose_with_media(app, json_body=True, idempotency=True)
    src = app.call("GET", f"/api/v1/statuses/{st['id']}/source")
    fields(src, "id:str", "text:str", "spoiler_text:str")
    edited = app.call("PUT", f"/api/v1/statuses/{st['id']}",
                      json={"status": "edited in Ivory", "media_ids": [m["id"] for m in
                                                                       st["media_attachments"]]})
    assert edited["edited_at"]
    _thread(app, st["id"])
    app.call("GET", "/api/v1/push/subscription", status=404)
    app.close()


# ---- Elk and Phanpy (web; both through masto.js) ------------------------------------------------

@pytest.mark.parametrize("name", ["Elk", "Phanpy"])
def test_web_apps(live_server, people, name):
    friend_id = people["friend"]["id"]
    redirect = {"Elk": "https://elk.zone/api/roost/oauth/https%3A%2F%2Felk.zone",
                "Phanpy": "https://phanpy.social/"}[name]
    anon = App(live_server.url, name, redirect, "read write follow push")
    # before sign-in: the server's description (v2, then v1 as a fallback)
    inst = _instance_v2(anon)
    fields(anon.call("GET", "/api/v1/instance"), "urls.streaming_api:str")
    anon.login("ra_viewer", pkce=(name == "Phanpy"))
    account_fields(anon.call("GET", "/api/v1/accounts/verify_credentials"))
    anon.call("GET", "/api/v1/push/subscription", status=404)  # "we get 404 instead of empty data"
    prefs = anon.call("GET", "/api/v1/preferences")
    fields(prefs, "posting:default:visibility:str", "posting:default:sensitive:bool",
           "posting:default:language:str?", "reading:expand:spoilers:bool")
    assert inst["configuration"]["translation"]["enabled"] is False
    assert anon.call("GET", "/api/v1/instance/translation_languages") == {}
    home = anon.call("GET", "/api/v1/timelines/home", params={"limit": "20"})
    for s in home:
        status_fields(s)
    anon.call("GET", "/api/v1/markers", params={"timeline": ["home", "notifications"]})
    v2 = anon.call("GET", "/api/v2/notifications",
                   params={"limit": "40", "expand_accounts": "partial_avatars",
                           "grouped_types[]": ["favourite", "reblog", "follow"]})
    fields(v2, "notification_groups:list", "accounts:list", "statuses:list")
    fields(anon.call("GET", "/api/v1/notifications/unread_count"), "count:int")
    anon.call("GET", "/api/v1/notifications/requests", params={"limit": "40"})
    _profile(anon, friend_id)
    multi = anon.call("GET", "/api/v1/statuses", params={"id[]": [people["post"]["id"]]})
    assert [s["id"] for s in multi] == [people["post"]["id"]]
    st = _compose_with_media(anon, json_body=True, idempotency=False)
    reply = anon.call("POST", "/api/v1/statuses",
                      json={"status": "a reply", "in_reply_to_id": st["id"], "visibility": "unlisted"})
    _thread(anon, reply["id"])
    assert anon.call("POST", f"/api/v1/statuses/{st['id']}/translate", status=404,
                     data={"lang": "de"})
    anon.close()


# ---- masto.js itself (what Elk and Phanpy run), from the npm registry ---------------------------

def test_masto_js(live_server, people, masto_js):
    app = App(live_server.url, "masto.js", "urn:ietf:wg:oauth:2.0:oob", "read write follow push")
    app.login("ra_other")
    out = masto_js(live_server.url, app.token, people["friend"]["id"])
    assert out["instance"]["apiVersions"]["mastodon"] == 2
    assert out["me"]["username"] == "ra_other"
    assert out["relationship"]["following"] is True and out["relationship"]["note"] == "masto.js"
    assert out["media"]["description"] == "from masto.js"
    assert out["status"]["mediaAttachments"][0]["id"] == out["media"]["id"]
    assert out["context"]["ancestors"] == []
    assert out["homeFirst"] == out["status"]["id"]
    assert out["pushError"] in (404, "404")
    assert out["groups"] >= 0 and json.dumps(out["preferences"])
