"""Notes on a post's page in the web app, through HTTP without JavaScript: the forms post and
come back to the notes."""

from __future__ import annotations

from tests.web.conftest import csrf_of, sign_in


async def test_adding_rating_and_deleting_notes_from_the_thread_page(api, make, notes_api):
    alice = await make.account("alice_n")
    bob, carol = await make.account("bob_n"), await make.account("carol_n")
    post = await make.post(alice, "The bridge opened in 1990")
    page_url = f"/@alice_n/{post.id}"

    anon = await api.get(page_url)
    assert anon.status_code == 200 and 'id="notes"' in anon.text
    assert "Add a note" not in anon.text and "/rate" not in anon.text

    await sign_in(api, alice)
    assert "Add a note" not in (await api.get(page_url)).text  # not on one's own post
    await api.post("/logout", data={"csrf_token": csrf_of((await api.get("/home")).text)})

    await sign_in(api, bob)
    page = await api.get(page_url)
    assert f'action="/statuses/{post.id}/notes"' in page.text
    r = await api.post(f"/statuses/{post.id}/notes", data={
        "csrf_token": csrf_of(page.text), "text": "It opened in 1991 <b>see</b> https://example.org",
        "next": page_url})
    assert r.status_code == 303 and r.headers["location"] == f"{page_url}#notes"
    page = await api.get(page_url)
    assert "1 note needs ratings" in page.text and "Readers added context" not in page.text
    assert "&lt;b&gt;see&lt;/b&gt;" in page.text and "<b>see</b>" not in page.text
    assert "Delete my note" in page.text and f'action="/statuses/{post.id}/notes"' not in page.text
    note = (await notes_api.list(post.id)).json()[0]["id"]
    assert f'/notes/{note}/rate"' not in page.text  # not one's own note

    r = await api.post(f"/statuses/{post.id}/notes", data={"csrf_token": csrf_of(page.text),
                                                           "text": "again", "next": page_url})
    assert r.status_code == 409 and "already have a note" in r.text
    r = await api.post(f"/notes/{note}/rate", data={"helpful": "1"})  # no CSRF token
    assert r.status_code in (400, 403)
    await api.post("/logout", data={"csrf_token": csrf_of(page.text)})

    # three people rate it helpful: it is shown as context under the post
    for person, reason in ((carol, "cites_sources"), (alice, ""),
                           (await make.account("dave_n"), "clear")):
        await sign_in(api, person)
        page = await api.get(page_url)
        assert f'action="/notes/{note}/rate"' in page.text
        r = await api.post(f"/notes/{note}/rate", data={
            "csrf_token": csrf_of(page.text), "helpful": "1", "reason": reason, "next": page_url})
        assert r.status_code == 303, r.text
        await api.post("/logout", data={"csrf_token": csrf_of(page.text)})
    page = await api.get(page_url)
    assert "Readers added context" in page.text and "needs ratings" not in page.text
    assert "3 helpful, 0 not helpful" in page.text

    await sign_in(api, carol)
    page = await api.get(page_url)
    assert "You rated this helpful (Cites good sources)" in page.text
    r = await api.post(f"/notes/{note}/rate", data={"csrf_token": csrf_of(page.text),
                                                   "helpful": "0", "reason": "clear"})
    assert r.status_code == 422  # "clear" is a reason to find it helpful
    r = await api.post(f"/notes/{note}/unrate", data={"csrf_token": csrf_of(page.text),
                                                     "next": page_url})
    assert r.status_code == 303
    got = (await notes_api.list(post.id, carol)).json()[0]
    assert got["own_rating"] is None and got["ratings"]["total"] == 2
    r = await api.post(f"/notes/{note}/delete", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 403
    await api.post("/logout", data={"csrf_token": csrf_of(page.text)})

    await sign_in(api, bob)
    page = await api.get(page_url)
    r = await api.post(f"/notes/{note}/delete", data={"csrf_token": csrf_of(page.text),
                                                     "next": page_url})
    assert r.status_code == 303 and r.headers["location"] == f"{page_url}#notes"
    assert (await notes_api.list(post.id)).json() == []
    assert f'action="/statuses/{post.id}/notes"' in (await api.get(page_url)).text


async def test_signed_out_forms_go_to_sign_in(api, make, notes_api):
    alice = await make.account()
    post = await make.post(alice, "claim")
    page = await api.get("/login")
    r = await api.post(f"/statuses/{post.id}/notes", data={"csrf_token": csrf_of(page.text),
                                                           "text": "x"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert (await notes_api.list(post.id)).json() == []


async def test_a_moderator_deletes_a_note_from_the_thread_page(api, make, notes_api):
    alice, bob = await make.account("alice_nm"), await make.account("bob_nm")
    mod = await make.account("mod_nm", role="moderator")
    post = await make.post(alice, "a claim")
    note = (await notes_api.add(bob, post.id)).json()["id"]
    page_url = f"/@alice_nm/{post.id}"

    await sign_in(api, alice)  # an ordinary reader gets no delete button for bob's note
    page = await api.get(page_url)
    assert f'action="/notes/{note}/delete"' not in page.text
    await api.post("/logout", data={"csrf_token": csrf_of(page.text)})

    await sign_in(api, mod)
    page = await api.get(page_url)
    assert "Delete this note (moderator)" in page.text
    r = await api.post(f"/notes/{note}/delete", data={"csrf_token": csrf_of(page.text),
                                                     "next": page_url})
    assert r.status_code == 303
    assert (await notes_api.list(post.id)).json() == []
