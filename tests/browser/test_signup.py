"""Signing up and editing the profile in a real browser: from the front page's "Sign up" to the
home timeline, then the profile settings (with the picture preview of app.js)."""

from __future__ import annotations

import io

from PIL import Image

from tests.browser.conftest import PASSWORD, screenshot, unique_name


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (120, 120), "orange").save(buf, "PNG")
    return buf.getvalue()


async def test_sign_up_then_edit_the_profile(page, context, browser_server):
    name = unique_name("newbie")
    await page.goto(f"{browser_server.url}/")
    await page.get_by_role("link", name="Sign up").first.click()
    await page.get_by_role("heading", name="Sign up").wait_for()

    await page.get_by_label("Username").fill(name)
    await page.get_by_label("Email").fill(f"{name}@example.com")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Confirm password").fill(PASSWORD)
    await page.get_by_label("I have read the rules").check()
    for path in await screenshot(page, "signup"):
        assert path.stat().st_size > 1000
    await page.get_by_role("button", name="Sign up").click()

    await page.wait_for_url("**/home?welcome=1")
    await page.get_by_role("heading", name="Welcome to").wait_for()
    assert f"@{name}" in await page.locator(".sidebar").inner_text()
    session = [c for c in await context.cookies() if c["name"] == "roost_session"]
    assert session and session[0]["httpOnly"]

    await page.get_by_role("link", name="Set up your profile").click()
    await page.wait_for_url("**/settings/profile")
    await page.get_by_label("Display name").fill("New Bird")
    await page.get_by_label("Bio").fill("Just hatched. Likes #seeds.")
    await page.get_by_label("Profile picture").set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": png()}])
    preview = await page.locator("#avatar-preview").get_attribute("src")
    assert preview.startswith("blob:")  # app.js shows the chosen picture before saving
    await page.get_by_role("button", name="Save profile").click()

    await page.wait_for_url("**/settings/profile?saved=1")
    await page.get_by_role("status").wait_for()
    assert "Saved" in await page.get_by_role("status").inner_text()
    assert await page.get_by_label("Display name").input_value() == "New Bird"
    assert await page.get_by_label("Bio").input_value() == "Just hatched. Likes #seeds."
    avatar = await page.locator("#avatar-preview").get_attribute("src")
    assert "/media/" in avatar or "avatar-missing" not in avatar
    assert "New Bird" in await page.locator(".sidebar").inner_text()
    for path in await screenshot(page, "settings"):
        assert path.stat().st_size > 1000
