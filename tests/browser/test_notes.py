"""Notes on a post in a real browser: write a note from the thread page, others rate it helpful
by clicking, and it shows as "Readers added context" under the post (docs/subsystems/notes.md)."""

from __future__ import annotations

from tests.browser.conftest import screenshot, sign_in


async def test_write_and_rate_a_note(page, browser_server, server_api):
    base = browser_server.url
    author, writer = await server_api.user("claimer"), await server_api.user("noter")
    raters = [await server_api.user("rater") for _ in range(2)]
    post = (await server_api.call(author, "POST", "/api/v1/statuses",
                                  data={"status": "The old bridge opened in 1990."})).json()
    url = f"{base}/@{author.username}/{post['id']}"

    await sign_in(page, base, writer)
    await page.goto(url)
    await page.get_by_text("Add a note to give context").click()
    await page.get_by_label("Your note").fill("It opened in 1991: https://example.org/bridge")
    await page.get_by_role("button", name="Add note").click()
    await page.get_by_text("1 note needs ratings").wait_for()
    assert page.url.endswith("#notes")
    note = (await server_api.call(author, "GET", f"/api/v1/roost/statuses/{post['id']}/notes")).json()[0]

    for rater in raters:  # two through the API, the third in the browser
        await server_api.call(rater, "POST", f"/api/v1/roost/notes/{note['id']}/rating",
                              data={"helpful": "true"})
    await page.context.clear_cookies()
    await sign_in(page, base, author)  # the post's author may rate notes on it too
    await page.goto(url)
    await page.get_by_text("1 note needs ratings").click()
    card = page.locator(f"#note-{note['id']}")
    await card.get_by_label("Why helpful? (optional)").select_option("cites_sources")
    await card.get_by_role("button", name="Helpful", exact=True).click()
    await page.get_by_role("heading", name="Readers added context").wait_for()
    assert "You rated this helpful (Cites good sources)" in await card.inner_text()
    assert "3 helpful, 0 not helpful" in await card.inner_text()
    await screenshot(page, "thread-notes")
