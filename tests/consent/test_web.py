"""The "Training data" settings page, through HTTP (no JavaScript)."""

from __future__ import annotations

from tests.web.conftest import csrf_of, sign_in


async def test_the_page_needs_a_signed_in_person(api):
    r = await api.get("/settings/training")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/settings/training"


async def test_choosing_a_level_saves_it_and_shows_the_history(api, make):
    alice = await make.account()
    await sign_in(api, alice)
    page = await api.get("/settings/training")
    assert page.status_code == 200
    assert 'value="none" checked' in page.text and "You have never changed it" in page.text
    assert "Unlisted, followers-only and direct posts are never used" in page.text

    r = await api.post("/settings/training", data={"csrf_token": csrf_of(page.text),
                                                   "training": "public_posts"})
    assert r.status_code == 303 and r.headers["location"] == "/settings/training?saved=1"
    page = await api.get("/settings/training?saved=1")
    assert 'value="public_posts" checked' in page.text and 'value="none" checked' not in page.text
    assert "It applies to every dataset built from now on" in page.text
    assert "My public posts</strong>" in page.text and "(web app)" in page.text

    got = (await api.get("/api/v1/roost/consent", headers=alice.headers)).json()
    assert got["training"] == "public_posts" and got["history"][0]["source"] == "web"


async def test_a_bad_choice_or_a_missing_token_changes_nothing(api, make):
    alice = await make.account()
    await sign_in(api, alice)
    page = await api.get("/settings/training")
    r = await api.post("/settings/training", data={"csrf_token": csrf_of(page.text),
                                                   "training": "everything"})
    assert r.status_code == 422 and "Choose one of the three options." in r.text
    r = await api.post("/settings/training", data={"training": "all"})
    assert r.status_code in (400, 403)
    got = (await api.get("/api/v1/roost/consent", headers=alice.headers)).json()
    assert got == {"training": "none", "updated_at": None, "history": []}


async def test_the_composer_and_the_post_menu_exclude_a_post(api, make):
    alice = await make.account("alice_tr")
    await sign_in(api, alice)
    page = await api.get("/compose")
    assert 'name="training_opt_out"' in page.text and "Exclude from training" in page.text
    r = await api.post("/compose", data={"csrf_token": csrf_of(page.text), "status": "mine only",
                                         "training_opt_out": "1"})
    assert r.status_code == 303, r.text
    sid = r.headers["location"].rsplit("/", 1)[1]
    st = (await api.get(f"/api/v1/statuses/{sid}", headers=alice.headers)).json()
    assert st["roost"]["training_opt_out"] is True

    thread = await api.get(f"/@alice_tr/{sid}")
    assert f'action="/statuses/{sid}/include_training"' in thread.text
    r = await api.post(f"/statuses/{sid}/include_training",
                       data={"csrf_token": csrf_of(thread.text), "next": f"/@alice_tr/{sid}"})
    assert r.status_code == 303 and r.headers["location"] == f"/@alice_tr/{sid}"
    st = (await api.get(f"/api/v1/statuses/{sid}", headers=alice.headers)).json()
    assert st["roost"]["training_opt_out"] is False
    thread = await api.get(f"/@alice_tr/{sid}")
    assert f'action="/statuses/{sid}/exclude_training"' in thread.text


async def test_someone_else_cannot_exclude_my_post(api, make):
    alice, bob = await make.account(), await make.account()
    post = await make.post(alice, "public")
    await sign_in(api, bob)
    page = await api.get("/home")
    r = await api.post(f"/statuses/{post.id}/exclude_training",
                       data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 403
    st = (await api.get(f"/api/v1/statuses/{post.id}", headers=alice.headers)).json()
    assert st["roost"]["training_opt_out"] is False
