"""The whole journey with JavaScript off: every page is a plain server-rendered form, so a person
can sign up, follow, like, reply, post a picture with alt text and read notifications without
any script (app.js only enhances)."""

from __future__ import annotations

import io

from PIL import Image

from tests.browser.conftest import PASSWORD, screenshot, unique_name


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (160, 120), (30, 140, 90)).save(out, "PNG")
    return out.getvalue()


async def test_journey_without_javascript(nojs_context, browser_server, server_api):
    base = browser_server.url
    bob = await server_api.user("bob")
    bobs = (await server_api.call(bob, "POST", "/api/v1/statuses",
                                  data={"status": "Who else is up for the river walk?"})).json()
    page = await nojs_context.new_page()

    # sign up from the front page
    name = unique_name("plain")
    await page.goto(f"{base}/")
    await page.get_by_role("link", name="Sign up").first.click()
    await page.get_by_label("Username").fill(name)
    await page.get_by_label("Email").fill(f"{name}@example.com")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Confirm password").fill(PASSWORD)
    await page.get_by_label("I have read the rules").check()
    await page.get_by_role("button", name="Sign up").click()
    await page.wait_for_url("**/home?welcome=1")

    # follow bob from his profile: the page comes back saying so
    await page.goto(f"{base}/@{bob.username}")
    await page.locator("main").get_by_role("button", name=f"Follow @{bob.username}", exact=True).click()
    await page.wait_for_url(f"**/@{bob.username}")
    await page.locator("main").get_by_role("button", name=f"Unfollow @{bob.username}").wait_for()

    # his post is on home; like it (the page reloads with "Unlike")
    await page.goto(f"{base}/home")
    card = page.locator(f"#s-{bobs['id']}")
    await card.get_by_role("button", name="Like").click()
    await page.wait_for_url("**/home")
    await page.locator(f"#s-{bobs['id']}").get_by_role("button", name="Unlike").wait_for()

    # reply from the thread's reply box
    await page.goto(f"{base}/@{bob.username}/{bobs['id']}")
    await page.get_by_label("Your reply").fill(f"@{bob.username} count me in!")
    await page.locator(".thread-reply").get_by_role("button", name="Reply").click()
    await page.wait_for_url(f"**/@{bob.username}/{bobs['id']}")
    assert "count me in!" in await page.locator(".thread").inner_text()

    # a picture with alt text from /compose (the image slots sit in "Add images")
    await page.goto(f"{base}/compose")
    await page.get_by_label("What's on your mind?").fill("The river at dawn")
    box = page.locator("details[data-media-box]")
    if await box.get_attribute("open") is None:
        await box.locator("summary").click()
    await page.get_by_label("Image 1", exact=True).set_input_files(
        files=[{"name": "river.png", "mimeType": "image/png", "buffer": png()}])
    await page.get_by_label("Alt text for image 1").fill("A green river under a pale sky")
    await page.get_by_role("button", name="Post").click()
    await page.wait_for_url(f"**/@{name}/*")
    assert await page.locator('img[alt="A green river under a pale sky"]').count() >= 1

    # bob likes it (through the API): the notification is on the page
    mine = page.url.rsplit("/", 1)[1]
    await server_api.call(bob, "POST", f"/api/v1/statuses/{mine}/favourite")
    for _ in range(40):  # notifications are made by a background job: allow it a moment
        await page.goto(f"{base}/notifications")
        text = await page.locator("main").inner_text()
        if "liked your post" in text:
            break
        await page.wait_for_timeout(250)
    assert "liked your post" in text and "The river at dawn" in text
    assert "followed you" not in text  # bob did not follow back: nothing made up
    for path in await screenshot(page, "journey-nojs-notifications"):
        assert path.stat().st_size > 1000
