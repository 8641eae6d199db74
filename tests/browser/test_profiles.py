"""Profiles in a real browser: sign in through /login, follow someone from their profile (the
button changes in place, no reload), and find yourself among their followers."""

from __future__ import annotations

from tests.browser.conftest import screenshot, sign_in


async def test_follow_from_a_profile(page, browser_server, server_api):
    me = await server_api.user("fan")
    them = await server_api.user("star")
    await server_api.call(them, "PATCH", "/api/v1/accounts/update_credentials",
                          data={"display_name": "Star Person", "note": "I post about stars."})
    await server_api.call(them, "POST", "/api/v1/statuses", data={"status": "Look up tonight!"})

    await sign_in(page, browser_server.url, me)

    await page.goto(f"{browser_server.url}/@{them.username}")
    main = page.locator("main")
    await main.get_by_text("I post about stars.").wait_for()
    assert "Look up tonight!" in await main.inner_text()
    await page.evaluate("window.__notReloaded = true")
    await page.get_by_role("button", name=f"Follow @{them.username}", exact=True).click()
    await page.get_by_role("button", name=f"Unfollow @{them.username}").wait_for()
    assert await page.evaluate("window.__notReloaded === true")  # swapped in place
    assert "Following" in await page.locator(f"#follow-{them.id}").inner_text()
    rel = (await server_api.call(me, "GET", "/api/v1/accounts/relationships",
                                 params={"id[]": them.id})).json()[0]
    assert rel["following"] is True
    await screenshot(page, "profile")

    await page.reload()  # the counts are server-rendered: now one follower
    await page.get_by_role("link", name="1 follower").click()
    await page.wait_for_url(f"{browser_server.url}/@{them.username}/followers")
    row = page.locator("#accounts .account-row")
    assert await row.count() == 1
    assert f"@{me.username}" in await row.first.inner_text()
    assert await row.first.get_by_role("link", name="Edit profile").count() == 1
