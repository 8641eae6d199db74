"""Browser tests: headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against a
real Roost server on a loopback port (tests/compat's live server: SQLite, or PostgreSQL + Redis as
the run is configured).

Playwright's async API on the suite's session event loop: its sync API marks the loop as running
between calls, which breaks every async test that runs after it. One browser and one live server
serve the whole package (stopped before the rest of the suite runs); each test gets a fresh browser context (no cookies) and its own accounts.
Screenshots go to tests/.artifacts/screenshots/ (git-ignored)."""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.compat.conftest import LiveServer, start_live_server, stop_live_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / ".artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "a long enough password"
_names = itertools.count(1)


@pytest.fixture(scope="package")
def browser_server(tmp_path_factory):
    live = start_live_server(tmp_path_factory.mktemp("browser-live"))
    yield live
    stop_live_server(live)


@pytest.fixture(scope="package")
async def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); "
                    "scripts/test does it when run as root", pytrace=False)
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        await chromium.close()


@pytest.fixture
async def context(browser):
    """A fresh browser context (no cookies) at desktop size, JavaScript on."""
    ctx = await browser.new_context(viewport=DESKTOP)
    yield ctx
    await ctx.close()


@pytest.fixture
async def page(context):
    return await context.new_page()


@pytest.fixture
async def nojs_context(browser):
    ctx = await browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    yield ctx
    await ctx.close()


async def sign_in(page, base: str, user: "User", next_path: str | None = None) -> None:  # noqa: ANN001
    """Sign `user` in through the web app's /login form (to `next_path`, else /), and wait for
    the page it lands on."""
    await page.goto(f"{base}/login" + (f"?next={next_path}" if next_path else ""))
    await page.get_by_label("Email or username").fill(user.username)
    await page.get_by_label("Password").fill(user.password)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{base}{next_path or '/'}")


async def screenshot(page, name: str) -> list[Path]:  # noqa: ANN001
    """Save the page at desktop (1280×800) and phone (390×844) widths as NAME-desktop.png and
    NAME-phone.png; the page is left at the size it had."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size or DESKTOP
    saved = []
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(size)
        path = ARTIFACTS / f"{name}-{label}.png"
        await page.screenshot(path=str(path))
        saved.append(path)
    await page.set_viewport_size(before)
    return saved


@dataclass
class User:
    username: str
    email: str
    password: str
    token: str
    id: str


def unique_name(prefix: str = "user") -> str:
    return f"{prefix}{next(_names)}{secrets.token_hex(2)}"


class Api:
    """The Mastodon API of the live server, for setting the scene around a browser test."""

    def __init__(self, live: LiveServer) -> None:
        self.url = live.url
        self._app: tuple[str, str] | None = None

    async def _client_app(self, http: httpx.AsyncClient) -> tuple[str, str]:
        if self._app is None:
            r = await http.post("/api/v1/apps", data={"client_name": "browser tests",
                                                       "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                                       "scopes": "read write follow push"})
            r.raise_for_status()
            self._app = (r.json()["client_id"], r.json()["client_secret"])
        return self._app

    async def client_app(self) -> tuple[str, str]:
        async with httpx.AsyncClient(base_url=self.url, timeout=20) as http:
            return await self._client_app(http)

    async def user(self, prefix: str = "user") -> User:
        """A new account, signed up through the API, with a token for it."""
        name = unique_name(prefix)
        email = f"{name}@example.com"
        async with httpx.AsyncClient(base_url=self.url, timeout=20) as http:
            cid, secret = await self._client_app(http)
            r = await http.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": cid,
                                                      "client_secret": secret, "scope": "read write follow push"})
            r.raise_for_status()
            r = await http.post("/api/v1/accounts", headers={"Authorization": f"Bearer {r.json()['access_token']}"},
                                data={"username": name, "email": email, "password": PASSWORD,
                                      "agreement": "true", "locale": "en"})
            r.raise_for_status()
            token = r.json()["access_token"]
            me = await http.get("/api/v1/accounts/verify_credentials",
                                headers={"Authorization": f"Bearer {token}"})
            me.raise_for_status()
        return User(name, email, PASSWORD, token, me.json()["id"])

    async def call(self, user: User, method: str, path: str, **kwargs) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.url, timeout=20) as http:
            r = await http.request(method, path, headers={"Authorization": f"Bearer {user.token}"}, **kwargs)
        r.raise_for_status()
        return r

    async def generated(self, user: User, prompt: str = "a fox under the aurora",
                        **params) -> dict:
        """A finished generation (the live server runs its job), as GET answers it."""
        gen = (await self.call(user, "POST", "/api/v1/roost/generations",
                               data={"prompt": prompt, **params})).json()
        for _ in range(600):
            gen = (await self.call(user, "GET", f"/api/v1/roost/generations/{gen['id']}")).json()
            if gen["state"] not in ("queued", "running"):
                break
            await asyncio.sleep(0.1)
        assert gen["state"] == "done", gen
        return gen


@pytest.fixture(scope="package")
def server_api(browser_server) -> Api:
    return Api(browser_server)
