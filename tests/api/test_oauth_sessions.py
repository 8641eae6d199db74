"""OAuth hardening: a replayed code revokes its tokens, the metadata says exactly what is
supported, signing out of the browser session, and the authorized-applications page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from roost.auth import scopes as scope_rules
from roost.auth.oauth import CODE_TTL
from roost.models import OAuthApp, OAuthCode
from tests.events.test_emitting import events_since, mark
from tests.api.test_oauth import (PASSWORD, _Forms, authorize_url, code_from, consent, exchange,
                                  form_of, new_app, pkce, sign_in)


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


async def _token_for(api, app: dict, login: str) -> str:
    _, r = await consent(api, authorize_url(app, force_login="true"), login)
    t = await exchange(api, app, code_from(r.headers["location"])["code"])
    assert t.status_code == 200, t.text
    return t.json()["access_token"]


async def test_replayed_code_revokes_the_token_it_gave(api, make, db):
    await make.account("rita")
    app = await new_app(api)
    verifier, challenge = pkce()
    _, r = await consent(api, authorize_url(app, code_challenge=challenge,
                                            code_challenge_method="S256"), "rita")
    code = code_from(r.headers["location"])["code"]
    first = await exchange(api, app, code, verifier)
    assert first.status_code == 200
    bearer = {"Authorization": f"Bearer {first.json()['access_token']}"}
    assert (await api.get("/api/v1/accounts/verify_credentials", headers=bearer)).status_code == 200

    start = await mark(db)
    again = await exchange(api, app, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert (await api.get("/api/v1/accounts/verify_credentials", headers=bearer)).status_code == 401
    [event] = [e for e in await events_since(db, start) if e.type == "oauth.code_replayed"]
    assert event.data["tokens"] == 1 and event.subject_id is not None

    # other tokens of the same person and app are not touched
    other = await _token_for(api, app, "rita")
    ok = await api.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {other}"})
    assert ok.status_code == 200
    async with db.unit_of_work() as s:
        row = (await s.execute(select(OAuthCode).order_by(OAuthCode.id))).scalars().first()
    assert CODE_TTL == timedelta(minutes=10)
    assert abs(row.expires_at - row.created_at - CODE_TTL) < timedelta(seconds=5)


async def test_replay_by_another_client_revokes_nothing(api, make):
    await make.account("saul")
    app, thief = await new_app(api), await new_app(api)
    _, r = await consent(api, authorize_url(app), "saul")
    code = code_from(r.headers["location"])["code"]
    token = (await exchange(api, app, code)).json()["access_token"]
    assert (await exchange(api, thief, code)).json()["error"] == "invalid_grant"
    ok = await api.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200


async def test_metadata_lists_exactly_what_is_supported(api):
    body = (await api.get("/.well-known/oauth-authorization-server")).json()
    # as Mastodon 4.3/4.4 (doorkeeper without use_refresh_token): no refresh tokens
    assert body["grant_types_supported"] == ["authorization_code", "password", "client_credentials"]
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert body["response_types_supported"] == ["code"]
    assert body["revocation_endpoint"] == "http://roost.test/oauth/revoke"
    assert body["app_registration_endpoint"] == "http://roost.test/api/v1/apps"
    assert set(body["scopes_supported"]) == scope_rules.ALL
    assert set(body["token_endpoint_auth_methods_supported"]) == {"client_secret_basic",
                                                                  "client_secret_post"}


async def test_no_refresh_tokens(api, make):
    await make.account("tara")
    app = await new_app(api)
    pw = await api.post("/oauth/token", data={"grant_type": "password", "username": "tara",
                                              "password": PASSWORD, "client_id": app["client_id"],
                                              "client_secret": app["client_secret"]})
    assert pw.status_code == 200 and "refresh_token" not in pw.json()
    r = await api.post("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": "x",
                                             "client_id": app["client_id"],
                                             "client_secret": app["client_secret"]})
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("uri", ["javascript://x/%0aalert(1)", "JavaScript://x", "data://text/html,x",
                                 "vbscript://x"])
async def test_dangerous_redirect_schemes_are_refused(api, uri):
    r = await api.post("/api/v1/apps", data={"client_name": "Evil", "redirect_uris": uri})
    assert r.status_code == 422 and "error" in r.json()


async def test_sign_out_ends_the_session(api, make):
    await make.account("uma")
    app = await new_app(api)
    r = await sign_in(api, authorize_url(app), "uma")
    assert r.status_code == 303
    signed = api.cookies.get("roost_session")
    page = await api.get(authorize_url(app))
    signout = [f for f in forms_of(page.text) if f["action"] == "/oauth/sign_out"]
    assert len(signout) == 1 and signout[0]["fields"]["return_to"].startswith("/oauth/authorize?")

    forged = await api.post("/oauth/sign_out", data={**signout[0]["fields"], "csrf_token": "0" * 64})
    assert forged.status_code == 403
    assert "Authorize" in (await api.get(authorize_url(app))).text  # still signed in

    out = await api.post("/oauth/sign_out", data=signout[0]["fields"])
    assert out.status_code == 303 and out.headers["location"] == signout[0]["fields"]["return_to"]
    cookie = out.headers["set-cookie"]
    assert "roost_session=" in cookie and "Max-Age=0" in cookie and "HttpOnly" in cookie
    after = await api.get(authorize_url(app))
    assert 'name="password"' in after.text
    # the old cookie is dead on the server too, not just forgotten by this browser
    api.cookies.set("roost_session", signed, domain="roost.test", path="/")
    assert 'name="password"' in (await api.get(authorize_url(app))).text


async def test_sign_out_without_return_to_and_open_redirects(api, make):
    await make.account("vera")
    app = await new_app(api)
    await sign_in(api, authorize_url(app), "vera")
    fields = form_of((await api.get(authorize_url(app))).text)["fields"]
    r = await api.post("/oauth/sign_out", data={"csrf_token": fields["csrf_token"],
                                               "return_to": "https://evil.example/"})
    assert r.status_code == 200 and "Signed out" in r.text


async def test_authorized_applications_page_lists_and_revokes(api, make, db):
    await make.account("wynn")
    mallory = await make.account("mallory")
    app = await new_app(api)
    token = await _token_for(api, app, "wynn")
    bearer = {"Authorization": f"Bearer {token}"}
    page = await api.get("/oauth/authorized_applications")
    assert page.status_code == 200 and "Test App" in page.text
    async with db.unit_of_work() as s:
        app_id = (await s.execute(select(OAuthApp.id).where(OAuthApp.client_id == app["client_id"]))).scalar()
    revoke = [f for f in forms_of(page.text) if f["action"] == f"/oauth/authorized_applications/{app_id}/revoke"]
    assert len(revoke) == 1

    # someone else's token for the same app survives
    theirs = await make.token(mallory, ["read"])
    r = await api.post(revoke[0]["action"], data={"csrf_token": "0" * 64})
    assert r.status_code == 403
    assert (await api.get("/api/v1/accounts/verify_credentials", headers=bearer)).status_code == 200
    start = await mark(db)
    r = await api.post(revoke[0]["action"], data=revoke[0]["fields"])
    assert r.status_code == 303
    [event] = [e for e in await events_since(db, start) if e.type == "oauth.app_revoked"]
    assert event.data == {"account_id": event.data["account_id"], "app_id": str(app_id), "tokens": 1}
    assert (await api.get("/api/v1/accounts/verify_credentials", headers=bearer)).status_code == 401
    assert "Test App" not in (await api.get("/oauth/authorized_applications")).text
    ok = await api.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {theirs}"})
    assert ok.status_code == 200


async def test_authorized_applications_needs_sign_in(api, make):
    await make.account("xena")
    page = await api.get("/oauth/authorized_applications")
    form = form_of(page.text)
    assert form["action"] == "/oauth/sign_in" and "password" in form["fields"]
    bad = await api.post("/oauth/sign_in", data={**form["fields"], "login": "xena", "password": "nope"})
    assert bad.status_code == 401
    r = await api.post("/oauth/sign_in", data={**form["fields"], "login": "xena", "password": PASSWORD})
    assert r.status_code == 303 and r.headers["location"] == "/oauth/authorized_applications"
    assert "Authorized apps" in (await api.get(r.headers["location"])).text


async def test_browser_session_is_not_a_bearer_token(api, make):
    await make.account("yuri")
    app = await new_app(api)
    await sign_in(api, authorize_url(app), "yuri")
    raw = api.cookies.get("roost_session").rpartition(".")[0]
    r = await api.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 401


async def test_non_ascii_csrf_and_cookies_are_refused_not_500(api, make):
    await make.account("zoe")
    app = await new_app(api)
    fields = form_of((await api.get(authorize_url(app))).text)["fields"]
    r = await api.post("/oauth/authorize", data={**fields, "csrf_token": "é" * 64, "login": "zoe",
                                                 "password": PASSWORD})
    assert r.status_code == 403
    page = await api.get(authorize_url(app), headers={"Cookie": "roost_session=abc.é".encode("latin-1")})
    assert page.status_code == 200 and 'name="password"' in page.text
    r = await api.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": app["client_id"],
                                             "client_secret": "é"})
    assert r.status_code == 401
