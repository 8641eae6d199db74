"""AI in the composer in a real browser (JavaScript on): create images, follow the progress, pick
two of the candidates (checkboxes), post them, see "Made with AI" with the prompt one click
away, then Remix: the composer prefilled, and the new post linked to its source. The composer
with its candidates is audited by axe-core and saved as a screenshot (compose-ai-*)."""

from __future__ import annotations

import re

from axe_playwright_python.async_playwright import Axe

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import RULES, describe

PROMPT = "a lighthouse by the sea at sunset"


async def _create(page, count: str) -> None:  # noqa: ANN001
    await page.get_by_role("button", name="Create images").click()
    await page.get_by_text("Choose one or more images for your post").wait_for(timeout=60_000)
    assert await page.locator("#composer-new .ai-check").count() == int(count)


async def test_create_pick_post_and_remix(page, browser_server, server_api):
    user = await server_api.user("painter")
    base = browser_server.url
    await sign_in(page, base, user, "/compose")
    quota = page.locator("#composer-new-quota")
    assert await quota.text_content() == "50 of 50 image generations left today"

    await page.get_by_text("Create image with AI").click()
    await page.get_by_label("Describe the image").fill(PROMPT)
    await page.get_by_label("Style").select_option("watercolour")
    await page.get_by_label("Images", exact=True).select_option("2")
    await _create(page, "2")
    assert await quota.text_content() == "49 of 50 image generations left today"
    assert page.url == f"{base}/compose"  # all in place, no navigation

    result = await Axe().run(page, options=RULES)
    assert not result.response["violations"], describe(result.response["violations"])
    saved = await screenshot(page, "compose-ai")
    assert all(p.stat().st_size > 1000 for p in saved)

    await page.get_by_role("checkbox", name=re.compile(r"^Image 1\b")).check()
    await page.get_by_role("checkbox", name=re.compile(r"^Image 2\b")).check()
    await page.get_by_role("button", name="Use selected images").click()
    await page.get_by_text("2 images added to your post").wait_for()
    attach = page.get_by_role("checkbox", name="Attach this generated image")
    assert await attach.count() == 2
    alt = page.get_by_label("Alt text for the generated image").first
    assert PROMPT in await alt.input_value()

    await page.get_by_label("What's on your mind?").fill("Two lighthouses")
    await page.get_by_role("button", name="Post", exact=True).click()
    await page.wait_for_url(re.compile(rf"{re.escape(base)}/@{user.username}/\d+$"))
    source_id = page.url.rsplit("/", 1)[1]
    st = (await server_api.call(user, "GET", f"/api/v1/statuses/{source_id}")).json()
    assert len(st["media_attachments"]) == 2

    focal = page.locator("main article.focal")
    await focal.get_by_text("Made with AI").click()
    prompt = focal.locator(".ai-facts dd").first
    await prompt.wait_for(state="visible")
    assert await prompt.inner_text() == PROMPT
    assert "watercolour" in await focal.locator(".ai-facts").inner_text()
    await screenshot(page, "post-ai")

    await focal.get_by_role("link", name="Remix", exact=True).click()
    await page.wait_for_url(f"{base}/compose?remix_of={source_id}")
    await page.get_by_role("heading", name="Remix").wait_for()
    assert await page.get_by_label("Describe the image").input_value() == PROMPT
    assert await page.get_by_label("Style").input_value() == "watercolour"
    await page.get_by_label("Images", exact=True).select_option("1")
    await page.get_by_label("Describe the image").fill(PROMPT + ", at night")
    await _create(page, "1")
    await page.get_by_role("checkbox", name=re.compile(r"^Image 1\b")).check()
    await page.get_by_role("button", name="Use selected images").click()
    await page.get_by_text("1 image added to your post").wait_for()
    await page.get_by_role("button", name="Post", exact=True).click()
    await page.wait_for_url(re.compile(rf"{re.escape(base)}/@{user.username}/\d+$"))
    remix = page.locator("main article.focal")
    link = remix.get_by_role("link", name=f"@{user.username}", exact=True).last
    assert await link.get_attribute("href") == f"/@{user.username}/{source_id}"

    await page.goto(f"{base}/@{user.username}/{source_id}/remixes")
    await page.get_by_role("heading", name="Remix family").wait_for()
    assert await page.locator("main article.status").count() == 2


async def test_create_and_post_without_javascript(nojs_context, browser_server, server_api):
    """JavaScript off: the generation page refreshes itself until the images are there."""
    page = await nojs_context.new_page()
    user = await server_api.user("nojs_painter")
    base = browser_server.url
    await sign_in(page, base, user, "/compose")
    await page.get_by_text("Create image with AI").click()
    await page.get_by_label("Describe the image").fill(PROMPT)
    await page.get_by_label("Images", exact=True).select_option("1")
    await page.get_by_label("What's on your mind?").fill("no script needed")
    await page.get_by_role("button", name="Create images").click()
    await page.wait_for_url(re.compile(rf"{re.escape(base)}/compose/generations/\d+\?text="))
    await page.get_by_text("Choose one or more images for your post").wait_for(timeout=60_000)
    await page.get_by_role("checkbox", name=re.compile(r"^Image 1\b")).check()
    await page.get_by_role("button", name="Use selected images").click()
    await page.wait_for_url(re.compile(rf"{re.escape(base)}/compose\?attach=\d+"))
    assert await page.get_by_label("What's on your mind?").input_value() == "no script needed"
    assert await page.get_by_role("checkbox", name="Attach this generated image").is_checked()
    await page.get_by_role("button", name="Post", exact=True).click()
    await page.wait_for_url(re.compile(rf"{re.escape(base)}/@{user.username}/\d+$"))
    await page.locator("main article.focal").get_by_text("Made with AI").wait_for()
