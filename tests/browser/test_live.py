"""Live updates in a real browser: someone you follow posts, the "1 new post" bar appears, and
its button puts the post on top without reloading the page; the unread badge follows a like."""

from __future__ import annotations

from tests.browser.conftest import screenshot, sign_in


async def test_new_post_bar_and_unread_badge(page, browser_server, server_api):
    alice, bob = await server_api.user("alice"), await server_api.user("bob")
    await server_api.call(alice, "POST", f"/api/v1/accounts/{bob.id}/follow")
    await server_api.call(bob, "POST", "/api/v1/statuses", data={"status": "an older post"})

    await sign_in(page, browser_server.url, alice, "/home")
    await page.locator('#feed[data-live="home"][data-live-state="open"]').wait_for(timeout=10000)
    await page.evaluate("window.__sameDocument = 'yes'")
    badge = page.locator(".main-nav [data-unread]")
    assert await badge.is_hidden()

    r = await server_api.call(bob, "POST", "/api/v1/statuses",
                              data={"status": "fresh from the live stream"})
    new_id = r.json()["id"]
    bar = page.get_by_role("button", name="1 new post")
    await bar.wait_for(timeout=10000)
    assert await page.locator(f'.status[data-id="{new_id}"]').count() == 0  # nothing jumped
    await screenshot(page, "live")

    await bar.click()
    await page.locator(f'#feed .status[data-id="{new_id}"]').wait_for(timeout=10000)
    first = page.locator("#feed article.status").first
    assert await first.get_attribute("data-id") == new_id
    assert "fresh from the live stream" in await first.inner_text()
    assert await page.evaluate("window.__sameDocument") == "yes"  # no navigation happened
    assert await page.locator(".live-bar button").is_hidden()
    assert await page.locator("#feed article.status").count() == 2  # the older one stays, once
    assert await page.evaluate("document.activeElement.getAttribute('data-id')") == new_id

    # a like on alice's post: the Notifications badge counts it without a reload
    mine = await server_api.call(alice, "POST", "/api/v1/statuses", data={"status": "like me"})
    await server_api.call(bob, "POST", f"/api/v1/statuses/{mine.json()['id']}/favourite")
    await page.locator('.main-nav [data-unread="1"]').wait_for(timeout=10000)
    assert (await badge.inner_text()).strip().startswith("1")
    await screenshot(page, "live-badge")
    assert await page.evaluate("window.__sameDocument") == "yes"
