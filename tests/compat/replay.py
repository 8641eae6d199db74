"""Replaying a real app's HTTP calls against the live server.

`App` registers an OAuth app the way the app does, signs a person in through the real
authorization-code flow (the HTML sign-in and consent forms, with PKCE when the app uses it),
and then sends the app's requests with its parameters. `call` asserts the status code and
returns the JSON; `fields` asserts the fields an app reads are present (with a type check)."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from PIL import Image

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def _form(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in _HIDDEN.findall(page)}


def register(base: str, username: str, password: str = "a long enough password") -> None:
    """An account created through the API (as Mastodon.py and the apps' sign-up screens do)."""
    with httpx.Client(base_url=base, timeout=30) as http:
        app = http.post("/api/v1/apps", data={"client_name": "signup", "redirect_uris":
                                               "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write"})
        app.raise_for_status()
        creds = app.json()
        tok = http.post("/oauth/token", data={"grant_type": "client_credentials", "client_id":
                                              creds["client_id"], "client_secret":
                                              creds["client_secret"], "scope": "read write"})
        tok.raise_for_status()
        r = http.post("/api/v1/accounts", headers={"Authorization": f"Bearer {tok.json()['access_token']}"},
                      data={"username": username, "email": f"{username}@example.com",
                            "password": password, "agreement": "true", "locale": "en"})
        assert r.status_code == 200, r.text


def fields(obj: dict, *names: str) -> None:
    """Every dotted name is present; a trailing `:type` checks the type (str, int, bool, list,
    dict, or `str?` for nullable)."""
    types = {"str": str, "int": int, "bool": bool, "list": list, "dict": dict}
    for spec in names:
        path, _, kind = spec.rpartition(":")
        if kind.rstrip("?") not in types:  # no type given (keys may hold ':')
            path, kind = spec, ""
        value: Any = obj
        for part in path.split("."):
            assert isinstance(value, dict) and part in value, f"missing {path!r} in {obj!r}"[:400]
            value = value[part]
        if kind:
            nullable = kind.endswith("?")
            if nullable and value is None:
                continue
            want = types[kind.rstrip("?")]
            ok = isinstance(value, want) and not (want is int and isinstance(value, bool))
            assert ok, f"{path!r} should be {kind}, is {value!r}"[:300]


class App:
    """One app's session with the server: its OAuth app, its token, its requests."""

    def __init__(self, base: str, name: str, redirect_uri: str, scopes: str,
                 website: str | None = None, user_agent: str | None = None) -> None:
        self.base, self.name, self.redirect_uri, self.scopes = base, name, redirect_uri, scopes
        self.http = httpx.Client(base_url=base, timeout=30, follow_redirects=False,
                                 headers={"User-Agent": user_agent or name})
        data = {"client_name": name, "redirect_uris": redirect_uri, "scopes": scopes}
        if website:
            data["website"] = website
        self.app = self.call("POST", "/api/v1/apps", data=data)
        fields(self.app, "client_id:str", "client_secret:str", "name:str", "redirect_uri:str")
        self.token: str | None = None

    def login(self, username: str, password: str = "a long enough password", pkce: bool = False,
              token_auth: str = "body") -> dict:
        """The browser part of the sign-in (GET the authorize page, sign in, approve), then the
        code exchange the app itself makes."""
        params = {"client_id": self.app["client_id"], "redirect_uri": self.redirect_uri,
                  "response_type": "code", "scope": self.scopes}
        verifier = None
        if pkce:
            verifier = secrets.token_urlsafe(48)
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            params |= {"code_challenge": challenge.decode().rstrip("="),
                       "code_challenge_method": "S256", "state": "s1"}
        browser = httpx.Client(base_url=self.base, timeout=30, follow_redirects=False)
        page = browser.get("/oauth/authorize", params=params)
        assert page.status_code == 200, page.text[:300]
        signed_in = browser.post("/oauth/authorize",
                                 data={**_form(page.text), "login": username, "password": password})
        assert signed_in.status_code == 303, signed_in.text[:300]
        consent = browser.get(signed_in.headers["location"])
        assert consent.status_code == 200, consent.text[:300]
        approved = browser.post("/oauth/authorize", data={**_form(consent.text), "action": "approve"})
        if self.redirect_uri == "urn:ietf:wg:oauth:2.0:oob":  # the code is shown to copy
            assert approved.status_code == 200, approved.text[:300]
            code = re.search(r'id="code" type="text" readonly value="([^"]+)"', approved.text)[1]
        else:
            assert approved.status_code == 302, approved.text[:300]
            query = parse_qs(urlparse(approved.headers["location"]).query)
            if pkce:
                assert query["state"] == ["s1"]
            code = query["code"][0]
        body = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": self.redirect_uri, "scope": self.scopes}
        if verifier:
            body["code_verifier"] = verifier
        auth = None
        if token_auth == "basic":
            auth = (self.app["client_id"], self.app["client_secret"])
        else:
            body |= {"client_id": self.app["client_id"], "client_secret": self.app["client_secret"]}
        tok = self.call("POST", "/oauth/token", data=body, auth=auth)
        fields(tok, "access_token:str", "token_type:str", "scope:str", "created_at:int")
        self.token = tok["access_token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        return tok

    def raw(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.http.request(method, path, **kw)

    def call(self, method: str, path: str, status: int | tuple[int, ...] = 200, **kw: Any) -> Any:
        r = self.http.request(method, path, **kw)
        allowed = (status,) if isinstance(status, int) else status
        assert r.status_code in allowed, f"{self.name}: {method} {path} -> {r.status_code} {r.text[:300]}"
        return r.json() if r.content and "json" in r.headers.get("content-type", "") else None

    def close(self) -> None:
        self.http.close()


def status_fields(st: dict) -> None:
    """What every app reads from a Status to draw it."""
    fields(st, "id:str", "uri:str", "url:str?", "created_at:str", "account.id:str",
           "account.acct:str", "account.display_name:str", "account.avatar:str",
           "account.avatar_static:str", "account.emojis:list", "account.bot:bool",
           "content:str", "visibility:str", "sensitive:bool", "spoiler_text:str",
           "media_attachments:list", "mentions:list", "tags:list", "emojis:list",
           "reblogs_count:int", "favourites_count:int", "replies_count:int",
           "in_reply_to_id:str?", "in_reply_to_account_id:str?", "reblog:dict?", "poll:dict?",
           "card:dict?", "language:str?", "edited_at:str?", "favourited:bool", "reblogged:bool",
           "bookmarked:bool", "muted:bool", "filtered:list")  # pinned: own posts only


def account_fields(acc: dict) -> None:
    fields(acc, "id:str", "username:str", "acct:str", "display_name:str", "locked:bool",
           "bot:bool", "created_at:str", "note:str", "url:str", "avatar:str", "avatar_static:str",
           "header:str", "header_static:str", "followers_count:int", "following_count:int",
           "statuses_count:int", "last_status_at:str?", "emojis:list", "fields:list")


def relationship_fields(rel: dict) -> None:
    fields(rel, "id:str", "following:bool", "showing_reblogs:bool", "notifying:bool",
           "languages:list?", "followed_by:bool", "blocking:bool", "blocked_by:bool",
           "muting:bool", "muting_notifications:bool", "requested:bool", "requested_by:bool",
           "domain_blocking:bool", "endorsed:bool", "note:str")


@contextmanager
def following_pair(base: str, me_name: str, friend_name: str) -> Iterator[tuple[App, App, dict]]:
    """Two new people signed in as the apps sign in (Tusky: code flow; Phanpy: with PKCE), the
    first following the second: yields (me, friend, friend's account)."""
    for name in (me_name, friend_name):
        register(base, name)
    me = App(base, "Tusky", "oauth2redirect://com.keylesspalace.tusky/", "read write follow push")
    me.login(me_name)
    friend = App(base, "Phanpy", "https://phanpy.social/", "read write follow push")
    friend.login(friend_name, pkce=True)
    try:
        friend_acc = friend.call("GET", "/api/v1/accounts/verify_credentials")
        me.call("POST", f"/api/v1/accounts/{friend_acc['id']}/follow")
        yield me, friend, friend_acc
    finally:
        me.close()
        friend.close()
