"""OAuth 2 through the real pages: authorize (sign in, consent), token grants, PKCE, revoke."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import update

from roost.kit.clock import utcnow
from roost.models import OAuthCode
from roost.web import assets
from tests.openapi import check_schema

REDIRECT = "https://app.example/callback"
OOB = "urn:ietf:wg:oauth:2.0:oob"
PASSWORD = "correct horse battery"


class _Forms(HTMLParser):
    """Collects each form's fields (inputs and named buttons) from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "fields": {}, "buttons": []})
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
        elif tag == "button" and self.forms and a.get("name"):
            self.forms[-1]["buttons"].append(a.get("value"))


def form_of(html: str) -> dict:
    parser = _Forms()
    parser.feed(html)
    assert parser.forms, html
    return parser.forms[0]


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


async def new_app(api, scopes: str = "read write follow", redirect: str = REDIRECT) -> dict:
    r = await api.post("/api/v1/apps", data={"client_name": "Test App", "redirect_uris": redirect,
                                              "scopes": scopes, "website": "https://app.example"})
    assert r.status_code == 200, r.text
    return r.json()


def authorize_url(app: dict, **extra: str) -> str:
    params = {"response_type": "code", "client_id": app["client_id"],
              "redirect_uri": extra.pop("redirect_uri", REDIRECT), "scope": "read write"}
    params.update(extra)
    return "/oauth/authorize?" + urlencode(params)


async def sign_in(api, url: str, login: str, password: str = PASSWORD):
    page = await api.get(url)
    assert page.status_code == 200, page.text
    form = form_of(page.text)
    assert "password" in form["fields"]
    return await api.post("/oauth/authorize", data={**form["fields"], "login": login,
                                                     "password": password})


async def consent(api, url: str, login: str, action: str = "approve"):
    """Sign in, land on the consent page, press a button; returns (consent page, response)."""
    r = await sign_in(api, url, login)
    assert r.status_code == 303, r.text
    page = await api.get(r.headers["location"])
    assert page.status_code == 200
    form = form_of(page.text)
    assert set(form["buttons"]) == {"approve", "deny"}
    return page, await api.post("/oauth/authorize", data={**form["fields"], "action": action})


def code_from(location: str) -> dict:
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REDIRECT
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


async def exchange(api, app: dict, code: str, verifier: str | None = None, redirect: str = REDIRECT):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
            "client_id": app["client_id"], "client_secret": app["client_secret"]}
    if verifier is not None:
        data["code_verifier"] = verifier
    return await api.post("/oauth/token", data=data)


async def test_authorization_code_flow_with_pkce(api, make):
    alice = await make.account("alice")
    app = await new_app(api)
    verifier, challenge = pkce()
    url = authorize_url(app, state="s-123", code_challenge=challenge, code_challenge_method="S256")

    page, r = await consent(api, url, "alice")
    assert "Test App</strong>" in page.text and "wants to: read, write" in page.text
    assert "@alice" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert r.status_code == 302
    got = code_from(r.headers["location"])
    assert got["state"] == "s-123"

    t = await exchange(api, app, got["code"], verifier)
    assert t.status_code == 200, t.text
    body = t.json()
    check_schema("Token", body)
    assert body["token_type"] == "Bearer" and body["scope"] == "read write"
    assert t.headers["cache-control"] == "no-store"
    bearer = {"Authorization": f"Bearer {body['access_token']}"}

    me = await api.get("/api/v1/apps/verify_credentials", headers=bearer)
    assert me.status_code == 200 and me.json()["name"] == "Test App"
    account = await api.get("/api/v1/accounts/verify_credentials", headers=bearer)
    assert account.status_code == 200 and account.json()["username"] == "alice"
    post = await api.post("/api/v1/statuses", json={"status": "hi"}, headers=bearer)
    assert post.status_code == 200, post.text
    assert post.json()["account"]["id"] == alice.id
    assert post.json()["application"]["name"] == "Test App"

    # one use only
    again = await exchange(api, app, got["code"], verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


async def test_sign_in_with_email_and_session_skips_login(api, make):
    await make.account("bob")
    app = await new_app(api)
    r = await sign_in(api, authorize_url(app), "bob@example.com")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "roost_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie
    page = await api.get(authorize_url(app))  # signed in: straight to consent
    assert "Authorize" in page.text and 'name="password"' not in page.text
    forced = await api.get(authorize_url(app, force_login="true"))
    assert 'name="password"' in forced.text
    # the OAuth pages wear the web app's look: its content-hashed stylesheet
    assert f'href="{assets.url("app.css")}"' in page.text


async def test_wrong_password_shows_form_again(api, make):
    await make.account("carol")
    app = await new_app(api)
    r = await sign_in(api, authorize_url(app), "carol", "wrong password")
    assert r.status_code == 401
    assert "Invalid email or password" in r.text and "roost_session" not in r.headers.get("set-cookie", "")
    r = await sign_in(api, authorize_url(app), "nobody-here", "wrong password")
    assert r.status_code == 401


async def test_wrong_or_missing_verifier_is_invalid_grant(api, make):
    await make.account("dave")
    app = await new_app(api)
    verifier, challenge = pkce()
    _, r = await consent(api, authorize_url(app, code_challenge=challenge, code_challenge_method="S256"),
                         "dave")
    code = code_from(r.headers["location"])["code"]
    bad = await exchange(api, app, code, pkce()[0])
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"
    assert "error_description" in bad.json()
    missing = await exchange(api, app, code)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_grant"
    assert (await exchange(api, app, code, verifier)).status_code == 200


async def test_plain_pkce_method_is_refused(api, make):
    app = await new_app(api)
    _, challenge = pkce()
    r = await api.get(authorize_url(app, code_challenge=challenge, code_challenge_method="plain",
                                    state="st"))
    assert r.status_code == 302
    q = parse_qs(urlsplit(r.headers["location"]).query)
    assert q["error"] == ["invalid_request"] and q["state"] == ["st"]


async def test_redirect_uri_must_be_registered(api, make):
    app = await new_app(api)
    r = await api.get(authorize_url(app, redirect_uri="https://evil.example/steal"))
    assert r.status_code == 400 and "location" not in r.headers
    assert "invalid_redirect_uri" in r.text
    unknown = await api.get(authorize_url({"client_id": "nope"}))
    assert unknown.status_code == 400 and "location" not in unknown.headers


async def test_nul_bytes_are_dropped_from_query_strings(api, make):
    # found by the schema-conformance run: a NUL in client_id reached PostgreSQL, a 500
    app = await new_app(api)
    r = await api.get(authorize_url({**app, "client_id": app["client_id"] + "\x00"}, lang="e\x00n"))
    assert r.status_code == 200 and "<form" in r.text
    unknown = await api.get(authorize_url({"client_id": "no\x00pe"}))
    assert unknown.status_code == 400 and "invalid_client" in unknown.text
    # bodies (JSON and forms) drop them too; a Basic header's client id with one is unknown
    r = await api.post("/oauth/token", json={"grant_type": "client_credentials", "scope": "read",
                                             "client_id": app["client_id"] + "\x00",
                                             "client_secret": "\x00" + app["client_secret"]})
    assert r.status_code == 200, r.text
    r = await api.post("/oauth/revoke", data={"token": "t\x00", "client_id": "x\x00y",
                                              "client_secret": "z"})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    basic = base64.b64encode(f"{app['client_id']}%00:{app['client_secret']}".encode()).decode()
    r = await api.post("/oauth/revoke", data={"token": "t"}, headers={"Authorization": f"Basic {basic}"})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


async def test_token_redirect_uri_must_match_the_code(api, make):
    await make.account("erin")
    app = await new_app(api, redirect=f"{REDIRECT} https://app.example/other")
    _, r = await consent(api, authorize_url(app), "erin")
    code = code_from(r.headers["location"])["code"]
    bad = await exchange(api, app, code, redirect="https://app.example/other")
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"


async def test_code_of_another_client_or_expired_is_refused(api, make, db):
    await make.account("frank")
    app, other = await new_app(api), await new_app(api)
    _, r = await consent(api, authorize_url(app), "frank")
    code = code_from(r.headers["location"])["code"]
    assert (await exchange(api, other, code)).json()["error"] == "invalid_grant"
    async with db.unit_of_work() as s:
        await s.execute(update(OAuthCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = await exchange(api, app, code)
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"


async def test_scope_escalation_is_refused(api, make):
    await make.account("gina")
    app = await new_app(api, scopes="read")
    r = await api.get(authorize_url(app, scope="read write", state="x"))
    assert r.status_code == 302
    q = parse_qs(urlsplit(r.headers["location"]).query)
    assert q["error"] == ["invalid_scope"] and q["state"] == ["x"]
    cc = await api.post("/oauth/token", data={"grant_type": "client_credentials", "scope": "write",
                                              "client_id": app["client_id"],
                                              "client_secret": app["client_secret"]})
    assert cc.status_code == 400 and cc.json()["error"] == "invalid_scope"
    pw = await api.post("/oauth/token", data={"grant_type": "password", "username": "gina",
                                              "password": PASSWORD, "scope": "read write",
                                              "client_id": app["client_id"],
                                              "client_secret": app["client_secret"]})
    assert pw.status_code == 400 and pw.json()["error"] == "invalid_scope"
    # the granular form of a registered scope is fine
    ok = await api.get(authorize_url(app, scope="read:statuses"))
    assert ok.status_code == 200


async def test_post_without_csrf_is_403(api, make):
    await make.account("hank")
    app = await new_app(api)
    page = await api.get(authorize_url(app))
    fields = form_of(page.text)["fields"]
    no_token = {k: v for k, v in fields.items() if k != "csrf_token"}
    r = await api.post("/oauth/authorize", data={**no_token, "login": "hank", "password": PASSWORD})
    assert r.status_code == 403 and "roost_session" not in r.headers.get("set-cookie", "")
    forged = await api.post("/oauth/authorize", data={**fields, "csrf_token": "0" * 64,
                                                       "login": "hank", "password": PASSWORD})
    assert forged.status_code == 403
    api.cookies.delete("roost_csrf", domain="roost.test", path="/")
    no_cookie = await api.post("/oauth/authorize", data={**fields, "login": "hank", "password": PASSWORD})
    assert no_cookie.status_code == 403


async def test_deny_redirects_with_access_denied(api, make):
    await make.account("ivy")
    app = await new_app(api)
    _, r = await consent(api, authorize_url(app, state="abc"), "ivy", action="deny")
    assert r.status_code == 302
    q = code_from(r.headers["location"])
    assert q["error"] == "access_denied" and q["state"] == "abc" and "code" not in q


async def test_out_of_band_code_is_shown(api, make):
    await make.account("jack")
    app = await new_app(api, redirect=OOB)
    page, r = await consent(api, authorize_url(app, redirect_uri=OOB), "jack")
    assert r.status_code == 200
    code = re.search(r'id="code" type="text" readonly value="([^"]+)"', r.text).group(1)
    t = await exchange(api, app, code, redirect=OOB)
    assert t.status_code == 200, t.text


async def test_pending_user_cannot_sign_in(api, make, db):
    from roost.models import User

    kim = await make.account("kim")
    async with db.unit_of_work() as s:
        await s.execute(update(User).where(User.id == kim.user.id).values(approved=False))
    app = await new_app(api)
    r = await sign_in(api, authorize_url(app), "kim")
    assert r.status_code == 403 and "pending approval" in r.text


async def test_password_grant(api, make):
    await make.account("lena")
    app = await new_app(api)
    base = {"grant_type": "password", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "scope": "read write"}
    for login in ("lena", "lena@example.com"):
        r = await api.post("/oauth/token", data={**base, "username": login, "password": PASSWORD})
        assert r.status_code == 200, r.text
        assert r.json()["scope"] == "read write"
    r = await api.post("/oauth/token", json={**base, "username": "lena", "password": "nope nope"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    token = (await api.post("/oauth/token", json={**base, "username": "lena", "password": PASSWORD})).json()
    post = await api.post("/api/v1/statuses", json={"status": "from password grant"},
                          headers={"Authorization": f"Bearer {token['access_token']}"})
    assert post.status_code == 200


async def test_client_credentials_and_http_basic(api, make):
    app = await new_app(api)
    basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    r = await api.post("/oauth/token", data={"grant_type": "client_credentials", "scope": "read"},
                       headers={"Authorization": f"Basic {basic}"})
    assert r.status_code == 200, r.text
    h = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert (await api.get("/api/v1/apps/verify_credentials", headers=h)).json()["name"] == "Test App"
    # an app token is not a user
    assert (await api.post("/api/v1/statuses", json={"status": "x"}, headers=h)).status_code == 403


async def test_bad_client_and_grant_type(api):
    app = await new_app(api)
    r = await api.post("/oauth/token", data={"grant_type": "client_credentials",
                                             "client_id": app["client_id"], "client_secret": "wrong"})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    bad_basic = base64.b64encode(f"{app['client_id']}:nope".encode()).decode()
    r = await api.post("/oauth/token", data={"grant_type": "client_credentials"},
                       headers={"Authorization": f"Basic {bad_basic}"})
    assert r.status_code == 401 and "www-authenticate" in r.headers
    r = await api.post("/oauth/token", data={"grant_type": "implicit", "client_id": app["client_id"],
                                             "client_secret": app["client_secret"]})
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"


async def test_revoke_makes_token_401(api, make):
    await make.account("mo")
    app, other = await new_app(api), await new_app(api)
    token = (await api.post("/oauth/token", data={
        "grant_type": "password", "username": "mo", "password": PASSWORD,
        "client_id": app["client_id"], "client_secret": app["client_secret"]})).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    # another client cannot revoke it
    r = await api.post("/oauth/revoke", data={"token": token, "client_id": other["client_id"],
                                              "client_secret": other["client_secret"]})
    assert r.status_code == 200 and r.json() == {}
    assert (await api.get("/api/v1/apps/verify_credentials", headers=h)).status_code == 200
    r = await api.post("/oauth/revoke", data={"token": token, "client_id": app["client_id"],
                                              "client_secret": app["client_secret"]})
    assert r.status_code == 200 and r.json() == {}
    assert (await api.get("/api/v1/apps/verify_credentials", headers=h)).status_code == 401
    bad = await api.post("/oauth/revoke", data={"token": token, "client_id": app["client_id"],
                                                "client_secret": "nope"})
    assert bad.status_code == 401


async def test_userinfo(api, make):
    nia = await make.account("nia", display_name="Nia")
    r = await api.get("/oauth/userinfo", headers=nia.headers)
    assert r.status_code == 200
    assert r.json()["preferred_username"] == "nia" and r.json()["name"] == "Nia"
    assert (await api.get("/oauth/userinfo")).status_code == 401


async def test_server_metadata(api):
    r = await api.get("/.well-known/oauth-authorization-server")
    assert r.status_code == 200
    body = r.json()
    check_schema("DiscoverOauthServerConfigurationResponse", body)
    assert body["issuer"] == "http://roost.test/"
    assert body["token_endpoint"] == "http://roost.test/oauth/token"
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert {"authorization_code", "client_credentials", "password"} <= set(body["grant_types_supported"])
    assert "write:statuses" in body["scopes_supported"]


@pytest.mark.parametrize("settings_overrides", [{"https": True}])
async def test_cookies_are_secure_under_https(api, make):
    await make.account("olga")
    app = await new_app(api)
    page = await api.get(authorize_url(app))
    assert "Secure" in page.headers["set-cookie"]
