"""Mastodon.py, a real client library, against a real Roost server."""

from __future__ import annotations

import io

import pytest
from mastodon import Mastodon
from mastodon.errors import MastodonAPIError, MastodonNotFoundError
from PIL import Image


def _png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def client_app(live_server):
    cid, secret = Mastodon.create_app("compat-test", api_base_url=live_server.url,
                                      scopes=["read", "write", "follow", "push"])
    return cid, secret


def _register(live_server, client_app, name: str) -> Mastodon:
    cid, secret = client_app
    anon = Mastodon(client_id=cid, client_secret=secret, api_base_url=live_server.url)
    token = anon.create_account(name, "a long enough password", f"{name}@example.com",
                                agreement=True, scopes=["read", "write", "follow", "push"])
    return Mastodon(access_token=token, api_base_url=live_server.url)


def test_instance_and_version(live_server):
    m = Mastodon(api_base_url=live_server.url)
    info = m.instance()
    assert info["version"].startswith("4.3.0+roost-")
    assert m.verify_minimum_version("4.0.0", cached=True)


def test_full_social_flow(live_server, client_app):
    alice = _register(live_server, client_app, "mp_alice")
    bob = _register(live_server, client_app, "mp_bob")
    me = alice.account_verify_credentials()
    assert me["username"] == "mp_alice"
    bob_acc = bob.account_verify_credentials()

    rel = alice.account_follow(bob_acc["id"])
    assert rel["following"] is True

    media = bob.media_post(_png_bytes(), mime_type="image/png", description="a blue rectangle")
    assert media["description"] == "a blue rectangle"
    post = bob.status_post("Hello from Mastodon.py #compat", media_ids=[media["id"]])
    assert post["media_attachments"][0]["description"] == "a blue rectangle"

    reply = alice.status_reply(post, "nice picture")
    assert reply["in_reply_to_id"] == post["id"]
    assert "@mp_bob" in reply["content"]
    assert alice.status_favourite(post["id"])["favourited"] is True
    assert alice.status_reblog(post["id"])["reblog"]["id"] == post["id"]
    assert alice.status_bookmark(post["id"])["bookmarked"] is True
    assert [s["id"] for s in alice.bookmarks()] == [post["id"]]

    home = alice.timeline_home()
    assert post["id"] in {s["id"] for s in home} | {s["reblog"]["id"] for s in home if s["reblog"]}

    ctx = bob.status_context(post["id"])
    assert [s["id"] for s in ctx["descendants"]] == [reply["id"]]

    import time
    deadline = time.time() + 10
    types: set[str] = set()
    while time.time() < deadline:
        types = {n["type"] for n in bob.notifications()}
        if {"follow", "favourite", "reblog", "mention"} <= types:
            break
        time.sleep(0.2)
    assert {"follow", "favourite", "reblog", "mention"} <= types

    assert alice.account_mute(bob_acc["id"])["muting"] is True
    assert alice.account_unmute(bob_acc["id"])["muting"] is False
    assert alice.account_block(bob_acc["id"])["blocking"] is True
    with pytest.raises(MastodonNotFoundError):
        bob.status(reply["id"])
    assert alice.account_unblock(bob_acc["id"])["blocking"] is False

    deleted = bob.status_delete(post["id"])
    assert deleted["text"].startswith("Hello from Mastodon.py")
    with pytest.raises(MastodonNotFoundError):
        alice.status(post["id"])


def test_password_login(live_server, client_app):
    _register(live_server, client_app, "mp_carol")
    cid, secret = client_app
    m = Mastodon(client_id=cid, client_secret=secret, api_base_url=live_server.url)
    token = m.log_in("mp_carol@example.com", "a long enough password",
                     scopes=["read", "write", "follow", "push"], allow_http=True)
    assert Mastodon(access_token=token, api_base_url=live_server.url).me()["username"] == "mp_carol"


def test_errors_are_mastodon_errors(live_server, client_app):
    alice = _register(live_server, client_app, "mp_dave")
    with pytest.raises(MastodonAPIError):
        alice.status_post("")
    with pytest.raises(MastodonNotFoundError):
        alice.status("999999")
