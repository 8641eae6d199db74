"""AI in the web app through HTTP, on the real sketch generator and moderation models: the
composer's "Create image" without JavaScript (start, the refreshing page, pick, post), the panel
fragments app.js uses, refused prompts, the quota line, "Made with AI" wherever posts render,
sensitive outputs, remix and the remix family page, and a fixed query count."""

from __future__ import annotations

import html
import re

import pytest

from sqlalchemy import update

from roost.models import Candidate
from tests.ai.generations import PROMPT, post_ai
from tests.querycount import counting_queries
from tests.web.conftest import csrf_of, sign_in

FRAGMENT = {"X-Roost-Fragment": "1"}
LABEL = "Roost built-in sketch generator"


async def _generate(api, **fields):  # noqa: ANN001, ANN003, ANN202
    page = await api.get("/compose")
    return await api.post("/compose/generate", data={"csrf_token": csrf_of(page.text),
                                                     "prompt": PROMPT, "n": "2", **fields})


async def _candidates(api, gen_path: str) -> list[str]:  # noqa: ANN001
    page = await api.get(gen_path)
    assert page.status_code == 200, page.text
    return re.findall(r'name="candidate_ids\[\]" value="(\d+)"', page.text)


async def test_create_pick_and_post_without_javascript(api, make, run_jobs):
    alice = await make.account("alice")
    await sign_in(api, alice)
    compose = await api.get("/compose")
    assert "Create image with AI" in compose.text
    assert "50 of 50 image generations left today" in compose.text
    for style in ("flat", "watercolour", "line-art", "pixel", "poster"):
        assert f'<option value="{style}"' in compose.text

    r = await _generate(api, style="watercolour", aspect_ratio="4:3", seed="7",
                        status="my text so far")
    assert r.status_code == 303, r.text
    gen_path = r.headers["location"]
    assert re.fullmatch(r"/compose/generations/\d+\?text=my\+text\+so\+far", gen_path)

    waiting = await api.get(gen_path)
    assert waiting.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in waiting.text
    assert "Waiting for the image generator" in waiting.text
    assert "/cancel" in waiting.text

    await run_jobs()
    done = await api.get(gen_path)
    assert "http-equiv" not in done.text
    assert "Choose one or more images for your post" in done.text
    assert "49 of 50 image generations left today" in done.text
    ids = await _candidates(api, gen_path)
    assert len(ids) == 2
    for cid in ids:  # each checkbox has its own label
        assert f'<label for="cand-{cid}">' in done.text

    r = await api.post(gen_path.split("?")[0] + "/pick", data={
        "csrf_token": csrf_of(done.text), "candidate_ids[]": [ids[1]], "status": "my text so far"})
    assert r.status_code == 303, r.text
    back = r.headers["location"]
    media_id = re.search(r"attach=(\d+)", back).group(1)
    assert "text=my+text+so+far" in back

    composer = await api.get(back)
    assert composer.status_code == 200
    assert f'name="media_ids[]" value="{media_id}" checked' in composer.text
    assert "my text so far</textarea>" in composer.text
    alt = re.search(rf'name="media_description_{media_id}"[^>]*>([^<]*)</textarea>', composer.text)
    assert PROMPT in html.unescape(alt.group(1)) and LABEL in html.unescape(alt.group(1))

    r = await api.post("/compose", files={"csrf_token": (None, csrf_of(composer.text)),
                                          "status": (None, "my first AI picture"),
                                          "media_ids[]": (None, media_id),
                                          f"media_description_{media_id}": (None, "A fox, edited")})
    assert r.status_code == 303, r.text
    thread = await api.get(r.headers["location"])
    assert "my first AI picture" in thread.text
    assert "Made with AI" in thread.text and LABEL in thread.text
    assert 'alt="A fox, edited"' in thread.text
    assert f"<dd>{html.escape(PROMPT)}</dd>" in thread.text
    assert "<dd>watercolour</dd>" in thread.text and "<dd>4:3</dd>" in thread.text
    assert "<dd>8</dd>" in thread.text  # candidate 2's seed: the generation's seed + 1
    status_id = r.headers["location"].rsplit("/", 1)[1]
    assert f'href="/compose?remix_of={status_id}"' in thread.text
    for path in ("/home", "/@alice", "/local"):
        page = await api.get(path)
        assert "Made with AI" in page.text and LABEL in page.text, path


async def test_refused_prompt_shows_the_reason_and_keeps_the_fields(api, make):
    alice = await make.account()
    await sign_in(api, alice)
    r = await _generate(api, prompt="you are a fucking idiot", style="pixel")
    assert r.status_code == 422
    assert "This prompt was refused:" in r.text and 'role="alert"' in r.text
    assert "you are a fucking idiot</textarea>" in r.text
    assert '<option value="pixel" selected>' in r.text
    assert "<details class=\"composer-ai\" data-ai open>" in r.text
    r = await _generate(api, n="9")
    assert r.status_code == 422 and "n must be between 1 and 8" in r.text
    r = await _generate(api, seed="abc")
    assert r.status_code == 422 and "seed must be a whole number" in r.text


@pytest.mark.parametrize("settings_overrides", [{"ai_daily_generations": 1}])
async def test_the_quota_runs_out(api, make, run_jobs):
    alice = await make.account()
    await sign_in(api, alice)
    assert "1 of 1 image generations left today" in (await api.get("/compose")).text
    assert (await _generate(api)).status_code == 303
    compose = await api.get("/compose")
    assert "0 of 1 image generations left today" in compose.text
    assert re.search(r"data-ai-generate disabled", compose.text)
    r = await _generate(api)
    assert r.status_code == 429
    assert "You have used your 1 image generations for today" in r.text


async def test_admins_have_no_quota_line_limit(api, make):
    admin = await make.account(role="admin")
    await sign_in(api, admin)
    assert "Unlimited image generations" in (await api.get("/compose")).text


async def test_fragments_for_javascript(api, make, run_jobs):
    alice = await make.account()
    await sign_in(api, alice)
    page = await api.get("/compose")
    token = csrf_of(page.text)
    r = await api.post("/compose/generate", data={"csrf_token": token, "prompt": PROMPT,
                                                  "n": "1"}, headers=FRAGMENT)
    assert r.status_code == 202, r.text
    assert "<html" not in r.text and 'data-state="queued"' in r.text
    poll = re.search(r'data-poll="(/compose/generations/\d+)"', r.text).group(1)
    assert "49 of 50 image generations left today" in r.text

    await run_jobs()
    r = await api.get(poll, headers=FRAGMENT)
    assert 'data-state="done"' in r.text and "data-poll" not in r.text
    [cid] = re.findall(r'name="candidate_ids\[\]" value="(\d+)"', r.text)
    r = await api.post(f"{poll}/pick", data={"csrf_token": token, "candidate_ids[]": [cid],
                                             "composer": "composer-new"}, headers=FRAGMENT)
    assert r.status_code == 200, r.text
    assert 'name="media_ids[]"' in r.text and 'id="composer-new-attach-' in r.text

    r = await api.post(f"{poll}/regenerate", data={"csrf_token": token}, headers=FRAGMENT)
    assert r.status_code == 202 and 'data-state="queued"' in r.text
    again = re.search(r'data-poll="(/compose/generations/\d+)"', r.text).group(1)
    assert again != poll
    r = await api.post(f"{again}/cancel", data={"csrf_token": token}, headers=FRAGMENT)
    assert r.status_code == 200 and 'data-state="cancelled"' in r.text

    r = await api.post("/compose/generate", data={"csrf_token": token,
                                                  "prompt": "you are a fucking idiot"},
                       headers=FRAGMENT)
    assert r.status_code == 422 and "This prompt was refused" in r.text


async def test_someone_elses_generation_is_404(api, make, run_jobs):
    alice, bob = await make.account(), await make.account()
    await sign_in(api, alice)
    r = await _generate(api)
    gen_path = r.headers["location"].split("?")[0]
    await run_jobs()
    ids = await _candidates(api, gen_path)
    await api.post("/logout", data={"csrf_token": csrf_of((await api.get("/home")).text)})
    await sign_in(api, bob)
    assert (await api.get(gen_path)).status_code == 404
    token = csrf_of((await api.get("/compose")).text)
    r = await api.post(f"{gen_path}/pick", data={"csrf_token": token, "candidate_ids[]": ids})
    assert r.status_code == 404


async def test_sensitive_output_makes_the_post_sensitive(api, make, run_jobs, db):
    """Image moderation flagged the candidate sensitive: the post is marked sensitive even when
    made through the API without `sensitive`, and the web shows it behind the warning."""
    alice = await make.account()
    original = run_jobs

    async def run_and_flag() -> None:
        await original()
        async with db.unit_of_work() as session:
            await session.execute(update(Candidate).values(sensitive=True))

    status = await post_ai(api, alice, run_and_flag, "flagged")
    assert status["sensitive"] is True
    assert status["media_attachments"][0]["roost"]["sensitive"] is True
    plain = await post_ai(api, alice, original, "fine")
    assert plain["sensitive"] is False
    thread = await api.get(f"/@{alice.account.username}/{status['id']}")
    assert '<details class="sensitive"><summary>Sensitive media</summary>' in thread.text
    assert "Made with AI" in thread.text


async def test_remix_prefills_the_composer_and_links_the_family(api, make, run_jobs):
    alice, bob = await make.account("alice"), await make.account("bob")
    first = await post_ai(api, alice, run_jobs, "the original", style="poster",
                          aspect_ratio="16:9")
    await sign_in(api, bob)
    r = await api.get(f"/compose?remix_of={first['id']}")
    assert r.status_code == 200
    assert f'name="remix_of" value="{first["id"]}"' in r.text
    assert f"{PROMPT}</textarea>" in r.text
    assert '<option value="poster" selected>' in r.text
    assert '<option value="16:9" selected>' in r.text
    assert "Remix of" in r.text and "the original" in r.text

    r = await _generate(api, n="1", remix_of=first["id"])
    gen_path = r.headers["location"]
    await run_jobs()
    [cid] = await _candidates(api, gen_path)
    token = csrf_of((await api.get(gen_path)).text)
    r = await api.post(f"{gen_path}/pick", data={"csrf_token": token, "candidate_ids[]": [cid]})
    media_id = re.search(r"attach=(\d+)", r.headers["location"]).group(1)
    r = await api.post("/compose", data={"csrf_token": token, "status": "my remix",
                                         "media_ids[]": media_id})
    assert r.status_code == 303, r.text
    remix_id = r.headers["location"].rsplit("/", 1)[1]
    thread = await api.get(r.headers["location"])
    assert f'Remix of <a href="/@alice/{first["id"]}">@alice</a>' in thread.text

    family = await api.get(f"/@alice/{first['id']}/remixes")
    assert family.status_code == 200
    assert "Remix family" in family.text and f'id="s-{remix_id}"' in family.text
    assert "This post is an original" in family.text
    family = await api.get(f"/@bob/{remix_id}/remixes")
    assert f'id="s-{first["id"]}"' in family.text and "No remixes yet" in family.text
    assert (await api.get(f"/@bob/{first['id']}/remixes")).status_code == 301

    plain = await make.post(alice, "no picture")
    assert (await api.get(f"/@alice/{plain.id}/remixes")).status_code == 404
    assert (await api.get(f"/compose?remix_of={plain.id}")).status_code == 422


async def test_a_page_of_ai_posts_costs_a_fixed_number_of_queries(api, make, run_jobs, app):
    alice = await make.account("alice")
    for i in range(2):
        await post_ai(api, alice, run_jobs, f"picture {i}")
    await api.get("/@alice")  # warm the per-process caches
    with counting_queries(app) as few:
        r = await api.get("/@alice")
    assert r.text.count("Made with AI") == 2
    for i in range(4):
        await post_ai(api, alice, run_jobs, f"more {i}")
    await api.get("/@alice")  # the new statuses' parts are cached on first render
    with counting_queries(app) as many:
        r = await api.get("/@alice")
    assert r.text.count("Made with AI") == 6
    assert many.n == few.n, (few.n, many.n)


async def test_live_inserted_posts_carry_the_label(api, make, run_jobs):
    """app.js inserts new posts from the page's fragment with ?since_id= (web/live.py)."""
    alice = await make.account()
    older = await make.post(alice, "before")
    await post_ai(api, alice, run_jobs, "fresh picture")
    r = await api.get(f"/local?since_id={older.id}", headers=FRAGMENT)
    assert r.status_code == 200 and "<html" not in r.text
    assert "fresh picture" in r.text and "Made with AI" in r.text and LABEL in r.text
