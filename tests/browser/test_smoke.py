"""The browser harness itself: Chromium signs in on the OAuth page of a live server, the session
cookie is HttpOnly, and screenshots are saved."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.browser.conftest import screenshot


async def test_oauth_sign_in_in_a_real_browser(page, context, browser_server, server_api):
    user = await server_api.user("smoke")
    client_id, _ = await server_api.client_app()
    query = urlencode({"client_id": client_id, "response_type": "code", "scope": "read",
                       "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"})

    await page.goto(f"{browser_server.url}/oauth/authorize?{query}")
    await page.get_by_label("Email or username").fill(user.username)
    await page.get_by_label("Password").fill(user.password)
    await page.get_by_role("button", name="Sign in").click()

    await page.get_by_role("heading", name="Authorization required").wait_for()
    assert f"@{user.username}" in await page.locator("main").inner_text()
    session = [c for c in await context.cookies() if c["name"] == "roost_session"]
    assert session and session[0]["httpOnly"] and session[0]["sameSite"] == "Lax"
    for path in await screenshot(page, "oauth-consent"):
        assert path.stat().st_size > 1000
