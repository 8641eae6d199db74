"""The composer in a real browser: sign in through /login, write with the live count, attach a
picture (preview, alt text), the draft surviving a reload, Ctrl+Enter to post, the post on the
thread with its alt text, the draft forgotten after posting."""

from __future__ import annotations

import re

from PIL import Image
from playwright.async_api import expect

from tests.browser.conftest import screenshot, sign_in

ALT = "A red rectangle on a plain background"


async def test_compose_with_a_picture(page, browser_server, server_api, tmp_path):
    user = await server_api.user("composer")
    base = browser_server.url
    await sign_in(page, base, user, "/compose")
    await page.get_by_role("heading", name="New post").wait_for()

    counter = page.locator("#composer-new-count")
    assert await counter.inner_text() == "500 left"
    text = page.get_by_label("What's on your mind?")
    await text.fill("👩‍👩‍👧 @bob@example.com")  # one grapheme, a space, a mention without its domain
    assert await counter.inner_text() == "494 left"
    words = "Hello from a real browser, with a link "
    await text.fill(words + "https://example.com/" + "a" * 60)
    # the link weighs 23 characters, as on the server
    assert await counter.inner_text() == f"{500 - len(words) - 23} left"

    png = tmp_path / "red.png"
    Image.new("RGB", (64, 48), "red").save(png)
    await page.get_by_label("Add images", exact=True).set_input_files(str(png))
    preview = page.locator("#composer-new [data-preview]").first
    await preview.wait_for(state="visible")
    assert (await preview.get_attribute("src")).startswith("blob:")
    alt = page.get_by_label("Alt text for image 1")
    await alt.fill(ALT)
    assert await page.get_by_label("Mark images as sensitive").is_visible()
    await page.locator('label[for="composer-new-cw"]').click()  # the visible "CW" toggle
    assert await page.get_by_role("checkbox", name="CW (add a content warning)").is_checked()
    await page.get_by_label("Content warning", exact=True).fill("colour test")
    await page.get_by_label("Who can see it").select_option("unlisted")
    saved = await screenshot(page, "compose")
    assert all(p.stat().st_size > 1000 for p in saved)

    # the draft survives a reload (the picture itself does not: it is chosen again)
    await page.wait_for_timeout(400)  # the draft is saved a moment after typing
    await page.reload()
    await page.get_by_role("heading", name="New post").wait_for()
    assert (await text.input_value()).startswith(words)
    assert await page.get_by_label("Content warning", exact=True).input_value() == "colour test"
    assert await page.get_by_label("Who can see it").input_value() == "unlisted"
    assert await alt.input_value() == ALT
    assert await counter.inner_text() == f"{500 - len(words) - 23 - len('colour test')} left"
    await page.get_by_label("Add images", exact=True).set_input_files(str(png))
    await preview.wait_for(state="visible")

    await text.focus()
    await page.keyboard.press("Control+Enter")
    await page.wait_for_url(re.compile(rf"{re.escape(base)}/@{user.username}/\d+$"))
    status_id = page.url.rsplit("/", 1)[1]

    st = (await server_api.call(user, "GET", f"/api/v1/statuses/{status_id}")).json()
    assert st["spoiler_text"] == "colour test" and st["visibility"] == "unlisted"
    assert st["media_attachments"][0]["description"] == ALT
    # the thread page (statuses area) shows the picture with its alt text; before that page
    # exists on this branch, the author's home timeline does
    if await page.locator("main article").count() == 0:
        await page.goto(f"{base}/home")
    await page.locator("main details.cw summary").first.click()
    img = page.locator(f'main img[alt="{ALT}"]').first
    await img.wait_for(state="visible")

    # posted: the draft is gone
    await page.goto(f"{base}/compose")
    assert await page.get_by_label("What's on your mind?").input_value() == ""


async def test_suggest_alt_text_fills_the_field(page, browser_server, server_api, tmp_path):
    user = await server_api.user("describer")
    await sign_in(page, browser_server.url, user, "/compose")
    await page.get_by_role("heading", name="New post").wait_for()
    png = tmp_path / "blue.png"
    Image.new("RGB", (64, 48), (20, 60, 220)).save(png)
    await page.get_by_label("Add images", exact=True).set_input_files(str(png))
    await page.locator("#composer-new [data-preview]").first.wait_for(state="visible")
    await page.get_by_role("button", name="Suggest alt text for image 1").click()
    alt = page.get_by_label("Alt text for image 1")
    await expect(alt).to_have_value("A plain blue image.", timeout=60_000)
    assert await page.locator("#composer-new [data-post]").is_enabled()  # nothing was posted
    assert page.url.endswith("/compose")
