"""Notifications in a real browser: Bob likes and replies to Alice's post through the API; Alice
signs in on /login, opens Notifications, sees the like and the reply, and the page marks them
read by itself (the notifications marker of /api/v1/markers moves). Then a search with results."""

from __future__ import annotations

import asyncio

from tests.browser.conftest import screenshot, sign_in


async def _wait_for(check, timeout: float = 15.0):  # noqa: ANN001, ANN202
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(0.2)


async def test_notifications_are_seen_and_marked_read(page, browser_server, server_api):
    alice, bob = await server_api.user("alice"), await server_api.user("bob")
    post = (await server_api.call(alice, "POST", "/api/v1/statuses",
                                  data={"status": "Planted the tomatoes today #gardening"})).json()
    await server_api.call(bob, "POST", f"/api/v1/statuses/{post['id']}/favourite")
    await server_api.call(bob, "POST", "/api/v1/statuses",
                          data={"status": f"@{alice.username} they will love the sun",
                                "in_reply_to_id": post["id"]})

    async def both_arrived():  # noqa: ANN202
        found = (await server_api.call(alice, "GET", "/api/v1/notifications")).json()
        return found if len(found) >= 2 else None

    notes = await _wait_for(both_arrived)
    assert notes and {n["type"] for n in notes} == {"favourite", "mention"}

    await sign_in(page, browser_server.url, alice)
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    await page.wait_for_url("**/notifications")

    main = page.locator("main")
    await main.get_by_text("liked your post").wait_for()
    assert await main.locator(".notification.unread").count() == 2
    assert "they will love the sun" in await main.inner_text()
    assert "replied to you" in await main.inner_text()
    for path in await screenshot(page, "notifications"):
        assert path.stat().st_size > 1000

    # seen: after a moment the page marks them read, and the marker moves to the newest
    await page.locator(".notifications[data-read]").wait_for(timeout=10000)
    assert await page.get_by_role("button", name="Mark all as read").count() == 0

    async def marker():  # noqa: ANN202
        found = (await server_api.call(alice, "GET", "/api/v1/markers",
                                       params={"timeline[]": "notifications"})).json()
        return found.get("notifications", {}).get("last_read_id")

    assert await _wait_for(marker) == max(notes, key=lambda n: int(n["id"]))["id"]
    await page.reload()
    assert await main.locator(".notification.unread").count() == 0
    assert await main.locator(".notification").count() == 2

    # search from the Discover column: the post and the hashtag
    await page.get_by_label("Search", exact=True).fill("gardening")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/search?q=gardening")
    await main.get_by_role("heading", name="Hashtags").wait_for()
    assert await main.locator(".tag-list").get_by_role("link", name="#gardening").count() == 1
    assert "Planted the tomatoes" in await main.inner_text()
    for path in await screenshot(page, "search"):
        assert path.stat().st_size > 1000
