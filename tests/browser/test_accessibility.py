"""Accessibility of the web app's pages, checked by axe-core (the engine behind Lighthouse's and
Deque's audits; bundled in the axe-playwright-python package, no download) in real Chromium:
WCAG 2.x A and AA rules, colour contrast included, in the light and the dark theme, at desktop
and phone widths. Every violation is listed with the elements it was found on."""

from __future__ import annotations

import io

import pytest
from axe_playwright_python.async_playwright import Axe

from tests.browser.conftest import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.render_only  # the same markup on either database: the SQLite run only

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
         "resultTypes": ["violations"]}
# {bob}, {alice}: usernames; {post}: bob's post (liked, replied to); {tag}: its hashtag
ANONYMOUS = ["/", "/local", "/public", "/login", "/signup", "/@{bob}", "/@{bob}/{post}",
             "/@{bob}/followers", "/tags/roost", "/search?q=roost", "/no-such-page",
             "/@{bob}/{ai}", "/@{bob}/{ai}/remixes"]
SIGNED_IN = ["/home", "/local", "/@{bob}/{post}", "/@{bob}", "/@{bob}/with_replies",
             "/@{bob}/media", "/@{bob}/following", "/@{bob}/{post}/favourites", "/compose",
             "/compose?in_reply_to={post}", "/notifications", "/notifications/mentions",
             "/search?q=roost", "/search?q=%23roost&type=hashtags", "/tags/roost", "/bookmarks",
             "/favourites", "/follow_requests", "/settings/profile", "/settings/password",
             "/settings/training", "/settings/data", "/settings/delete",
             "/accounts/{bob_id}/report", "/accounts/{bob_id}/block", "/accounts/{bob_id}/mute",
             "/statuses/{own}/delete", "/@{alice}", "/oauth/authorized_applications",
             # AI (web/generate.py): an AI post, its remix family, a remix in the composer,
             # a finished generation without JS, the composer with a picked image
             "/@{bob}/{ai}", "/@{bob}/{ai}/remixes", "/compose?remix_of={ai}",
             "/compose/generations/{gen}", "/compose?attach={picked}"]


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


@pytest.fixture
async def scene(server_api):
    """Two people who follow each other: bob's post (with a tag, a link and an image) that alice
    liked, bookmarked and answered, with two notes; alice's own post behind a content warning;
    notifications."""
    alice, bob = await server_api.user("alice"), await server_api.user("bob")
    await server_api.call(alice, "POST", f"/api/v1/accounts/{bob.id}/follow")
    await server_api.call(bob, "POST", f"/api/v1/accounts/{alice.id}/follow")
    media = await server_api.call(bob, "POST", "/api/v2/media", files={"file": ("p.png", png(), "image/png")},
                                  data={"description": "a blue square"})
    post = (await server_api.call(bob, "POST", "/api/v1/statuses", data={
        "status": f"Hello #roost @{alice.username}, a post to read https://example.com",
        "media_ids[]": media.json()["id"]})).json()
    for verb in ("favourite", "bookmark", "reblog"):
        await server_api.call(alice, "POST", f"/api/v1/statuses/{post['id']}/{verb}")
    await server_api.call(alice, "POST", "/api/v1/statuses",
                          data={"status": f"@{bob.username} a reply", "in_reply_to_id": post["id"]})
    own = (await server_api.call(alice, "POST", "/api/v1/statuses",
                                 data={"status": "behind a warning", "spoiler_text": "spoilers"})).json()
    await server_api.call(bob, "POST", f"/api/v1/statuses/{own['id']}/favourite")
    await _notes_scene(server_api, alice, bob, post["id"])
    ai_post, gen, picked = await _ai_scene(server_api, alice, bob)
    return alice, bob, {"alice": alice.username, "bob": bob.username, "bob_id": bob.id,
                        "post": post["id"], "own": own["id"], "ai": ai_post, "gen": gen,
                        "picked": picked}


async def _notes_scene(server_api, alice, bob, post_id: str) -> None:  # noqa: ANN001
    """Two notes on bob's post: carol's, rated helpful by three (alice among them), and dave's,
    still needing ratings (docs/subsystems/notes.md)."""
    carol, dave = await server_api.user("carol"), await server_api.user("dave")
    note = (await server_api.call(carol, "POST", f"/api/v1/roost/statuses/{post_id}/notes",
                                  data={"text": "Context: https://example.com/source"})).json()
    await server_api.call(dave, "POST", f"/api/v1/roost/statuses/{post_id}/notes",
                          data={"text": "A note that needs ratings"})
    for rater in (alice, bob, dave):
        await server_api.call(rater, "POST", f"/api/v1/roost/notes/{note['id']}/rating",
                              data={"helpful": "true", "reason": "cites_sources"})


async def _ai_scene(server_api, alice, bob) -> tuple[str, str, str]:  # noqa: ANN001
    """bob's AI post; alice's finished generation, and one of its images picked (unposted)."""
    gen = await server_api.generated(bob, n="1")
    media = (await server_api.call(bob, "POST", f"/api/v1/roost/generations/{gen['id']}/pick",
                                   data={"candidate_ids[]": [gen["candidates"][0]["id"]]})).json()
    ai_post = (await server_api.call(bob, "POST", "/api/v1/statuses", data={
        "status": "made with AI", "media_ids[]": media[0]["id"]})).json()
    own = await server_api.generated(alice, n="1", remix_of=ai_post["id"])
    picked = (await server_api.call(alice, "POST", f"/api/v1/roost/generations/{own['id']}/pick",
                                    data={"candidate_ids[]": [own["candidates"][0]["id"]]})).json()
    return ai_post["id"], own["id"], picked[0]["id"]


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 200)).save(out, "PNG")
    return out.getvalue()


async def test_anonymous_pages_pass_axe(page, browser_server, scene):
    names = scene[2]
    problems = []
    for path in ANONYMOUS:
        problems += await audit(page, browser_server.url + path.format(**names))
    assert not problems, "\n\n".join(problems)


async def test_signed_in_pages_pass_axe(page, browser_server, scene):
    alice, _, names = scene
    await sign_in(page, browser_server.url, alice)
    problems = []
    for path in SIGNED_IN:
        problems += await audit(page, browser_server.url + path.format(**names))
    assert not problems, "\n\n".join(problems)
