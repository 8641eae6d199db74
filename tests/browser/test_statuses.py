"""The thread page in a real browser: sign in through /login, open a thread, like a post (the
action bar and its counts change in place, no reload), bookmark it and find it on /bookmarks,
then delete one's own post through the More menu."""

from __future__ import annotations

from tests.browser.conftest import screenshot, sign_in


async def test_thread_like_bookmark_and_delete(page, browser_server, server_api):
    author = await server_api.user("author")
    reader = await server_api.user("reader")
    base = browser_server.url
    root = (await server_api.call(author, "POST", "/api/v1/statuses",
                                  data={"status": "Where should we plant the apple trees?"})).json()
    reply = (await server_api.call(reader, "POST", "/api/v1/statuses",
                                   data={"status": "By the south wall, they get the sun.",
                                         "in_reply_to_id": root["id"]})).json()
    await server_api.call(author, "POST", "/api/v1/statuses",
                          data={"status": "Good idea, the wall keeps the frost off too.",
                                "in_reply_to_id": reply["id"]})
    mine = (await server_api.call(reader, "POST", "/api/v1/statuses",
                                  data={"status": "A post I will regret"})).json()

    await sign_in(page, base, reader)

    await page.goto(f"{base}/@{author.username}/{root['id']}")
    focal = page.locator(f"#s-{root['id']}")
    await focal.get_by_text("Where should we plant the apple trees?").wait_for()
    assert "By the south wall" in await page.locator(".replies").inner_text()
    assert "0 likes" in await focal.locator(".focal-stats").inner_text()

    # like: the bar is replaced in place (the page is not reloaded), counts change
    await page.evaluate("window.__stayed = true")
    await focal.get_by_role("button", name="Like", exact=True).click()
    await focal.get_by_role("button", name="Unlike").wait_for()
    assert "1 like" in await focal.locator(".focal-stats").inner_text()
    assert await page.evaluate("window.__stayed === true")

    await focal.get_by_role("button", name="Bookmark", exact=True).click()
    await focal.get_by_role("button", name="Remove bookmark").wait_for()
    assert await page.evaluate("window.__stayed === true")
    await screenshot(page, "thread")

    # a reply's thread: its ancestor above, the More menu of the author's post opened
    await page.goto(f"{base}/@{reader.username}/{reply['id']}")
    root_card = page.locator(f"#s-{root['id']}")
    await root_card.locator("details.menu > summary").click()
    await root_card.get_by_role("link", name=f"Block @{author.username}").wait_for()
    await screenshot(page, "thread-menu")
    await page.keyboard.press("Escape")
    assert not await root_card.locator("details.menu[open]").count()

    await page.goto(f"{base}/bookmarks")
    await page.get_by_role("heading", name="Bookmarks").wait_for()
    assert "Where should we plant the apple trees?" in await page.locator("#feed").inner_text()

    # delete one's own post from its thread: More, Delete, confirm, off to the profile
    await page.goto(f"{base}/@{reader.username}/{mine['id']}")
    mine_card = page.locator(f"#s-{mine['id']}")
    await mine_card.locator("details.menu > summary").click()
    page.once("dialog", lambda dialog: dialog.accept())
    await mine_card.get_by_role("link", name="Delete").click()
    await page.wait_for_url(f"{base}/@{reader.username}")
    gone = await page.request.get(f"{base}/@{reader.username}/{mine['id']}")
    assert gone.status == 404


async def test_like_and_delete_without_javascript(nojs_context, browser_server, server_api):
    page = await nojs_context.new_page()
    me = await server_api.user("nojs")
    base = browser_server.url
    post = (await server_api.call(me, "POST", "/api/v1/statuses",
                                  data={"status": "Typed without any script"})).json()
    await sign_in(page, base, me)

    thread = f"{base}/@{me.username}/{post['id']}"
    await page.goto(thread)
    await page.get_by_role("button", name="Like", exact=True).click()  # a plain POST, then 303
    await page.wait_for_url(thread)
    await page.get_by_role("button", name="Unlike").wait_for()

    await page.locator("details.menu > summary").first.click()
    await page.get_by_role("link", name="Delete").click()
    await page.get_by_role("heading", name="Delete post?").wait_for()
    await screenshot(page, "delete-confirm")
    await page.get_by_role("button", name="Delete").click()
    await page.wait_for_url(f"{base}/@{me.username}")
    assert (await page.request.get(thread)).status == 404
