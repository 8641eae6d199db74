"""Accessibility of the web app's pages, checked by axe-core (the engine behind Lighthouse's and
Deque's audits; bundled in the axe-playwright-python package, no download) in real Chromium:
WCAG 2.x A and AA rules, colour contrast included, in the light and the dark theme, at desktop
and phone widths. Every violation is listed with the elements it was found on."""

from __future__ import annotations

import pytest
from axe_playwright_python.async_playwright import Axe

from tests.browser.conftest import DESKTOP, PHONE

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
         "resultTypes": ["violations"]}
ANONYMOUS = ["/", "/local", "/public", "/login"]
SIGNED_IN = ["/home", "/local"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:4]]
        summary = v["nodes"][0].get("failureSummary", "").replace("\n", " ")[:200]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets} — {summary}")
    return "\n".join(lines)


async def audit(page, url: str) -> list[str]:  # noqa: ANN001
    problems = []
    await page.goto(url)
    for scheme in ("light", "dark"):
        await page.emulate_media(color_scheme=scheme)
        for size in (DESKTOP, PHONE):
            await page.set_viewport_size(size)
            result = await Axe().run(page, options=RULES)
            found = result.response["violations"]
            if found:
                problems.append(f"{url} [{scheme}, {size['width']}px]:\n{describe(found)}")
    return problems


async def sign_in_browser(page, base: str, user) -> None:  # noqa: ANN001
    await page.goto(f"{base}/login")
    await page.get_by_label("Email or username").fill(user.username)
    await page.get_by_label("Password").fill(user.password)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{base}/**")


@pytest.fixture
async def scene(server_api):
    """Two people who follow each other, with a post each (one with a content warning)."""
    alice, bob = await server_api.user("alice"), await server_api.user("bob")
    await server_api.call(alice, "POST", f"/api/v1/accounts/{bob.id}/follow")
    await server_api.call(bob, "POST", f"/api/v1/accounts/{alice.id}/follow")
    await server_api.call(bob, "POST", "/api/v1/statuses",
                          data={"status": "Hello #roost, a post to read https://example.com"})
    await server_api.call(alice, "POST", "/api/v1/statuses",
                          data={"status": "behind a warning", "spoiler_text": "spoilers"})
    return alice, bob


async def test_anonymous_pages_pass_axe(page, browser_server, scene):
    problems = []
    for path in ANONYMOUS:
        problems += await audit(page, browser_server.url + path)
    assert not problems, "\n\n".join(problems)


async def test_signed_in_pages_pass_axe(page, browser_server, scene):
    alice, _ = scene
    await sign_in_browser(page, browser_server.url, alice)
    problems = []
    for path in SIGNED_IN:
        problems += await audit(page, browser_server.url + path)
    assert not problems, "\n\n".join(problems)
