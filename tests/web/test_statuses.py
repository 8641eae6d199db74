"""Status pages and actions through HTTP: the thread page, the actions with and without the
fragment header, delete with its confirmation page, the More menu, /bookmarks and /favourites."""

from __future__ import annotations

import re

import pytest

from tests.querycount import counting_queries
from tests.web.conftest import csrf_of, sign_in

FRAGMENT = {"X-Roost-Fragment": "1"}


async def _form(api, path: str = "/local") -> str:  # noqa: ANN001
    return csrf_of((await api.get(path)).text)


async def _status(api, person, post_id) -> dict:  # noqa: ANN001
    r = await api.get(f"/api/v1/statuses/{post_id}", headers=person.headers)
    return r.json() if r.status_code == 200 else {}


# ---- the thread page --------------------------------------------------------------------------

async def test_thread_shows_ancestors_focal_and_replies_in_order(api, make):
    alice, bob = await make.account("alice", display_name="Alice"), await make.account("bob")
    root = await make.post(alice, "the root post")
    mid = await make.post(bob, "a reply in the middle", in_reply_to_id=str(root.id))
    leaf = await make.post(alice, "the focal reply", in_reply_to_id=str(mid.id))
    r1 = await make.post(bob, "first answer", in_reply_to_id=str(leaf.id))
    r2 = await make.post(alice, "answer to the answer", in_reply_to_id=str(r1.id))
    r3 = await make.post(bob, "second answer", in_reply_to_id=str(leaf.id))
    r = await api.get(f"/@alice/{leaf.id}")
    assert r.status_code == 200, r.text
    text = r.text[r.text.index("<main"):]
    order = [text.index(s) for s in ("the root post", "a reply in the middle", "the focal reply",
                                     "first answer", "answer to the answer", "second answer")]
    assert order == sorted(order)
    assert 'class="status focal"' in text and f'id="s-{leaf.id}"' in text
    # replies indented: a reply to a reply one level more
    assert re.search(rf'class="reply depth-0">\s*<article class="status" id="s-{r1.id}"', text)
    assert re.search(rf'class="reply depth-1">\s*<article class="status" id="s-{r2.id}"', text)
    assert re.search(rf'class="reply depth-0">\s*<article class="status" id="s-{r3.id}"', text)
    assert "<title>Alice: \u201cthe focal reply\u201d" in r.text
    assert f'href="/@alice/{leaf.id}/favourites"' in text and f'href="/@alice/{leaf.id}/reblogs"' in text
    # anonymous: "sign in to reply"
    assert f'href="/login?next=/%40alice/{leaf.id}">Sign in</a> to reply' in text


async def test_thread_signed_in_has_reply_button_and_counts(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    post = await make.post(alice, "count me")
    await api.post(f"/api/v1/statuses/{post.id}/favourite", headers=bob.headers)
    await api.post(f"/api/v1/statuses/{post.id}/reblog", headers=bob.headers)
    await sign_in(api, bob)
    r = await api.get(f"/@alice/{post.id}")
    # the reply box under the post: replying to it, @alice prefilled, back to this thread after
    assert f'name="in_reply_to_id" value="{post.id}"' in r.text
    assert "@alice " in r.text and f'name="next" value="/@alice/{post.id}"' in r.text
    assert "<strong>1</strong> like</a>" in r.text and "<strong>1</strong> repost</a>" in r.text
    assert 'aria-label="Unlike"' in r.text and 'aria-label="Undo repost"' in r.text
    assert "No replies yet." in r.text
    liked = await api.get(f"/@alice/{post.id}/favourites")
    assert liked.status_code == 200 and "@bob" in liked.text and "Liked by" in liked.text
    reposted = await api.get(f"/@alice/{post.id}/reblogs")
    assert reposted.status_code == 200 and "@bob" in reposted.text


async def test_thread_wrong_username_redirects_unknown_is_404(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    post = await make.post(alice, "mine")
    r = await api.get(f"/@bob/{post.id}")
    assert r.status_code == 301 and r.headers["location"] == f"/@alice/{post.id}"
    missing = await api.get("/@alice/999999999")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert (await api.get(f"/@alice/{post.id}/favourites?x")).status_code == 200
    assert (await api.get(f"/@bob/{post.id}/favourites")).status_code == 301


async def test_followers_only_thread_is_404_for_non_followers(api, make):
    alice, bob, carol = await make.account("alice"), await make.account("bob"), await make.account()
    await make.follow(bob, alice)
    post = await make.post(alice, "for my followers", visibility="private")
    anon = await api.get(f"/@alice/{post.id}")
    assert anon.status_code == 404 and "for my followers" not in anon.text
    await sign_in(api, carol)
    r = await api.get(f"/@alice/{post.id}")
    assert r.status_code == 404 and "for my followers" not in r.text
    api.cookies.clear()
    await sign_in(api, bob)
    assert "for my followers" in (await api.get(f"/@alice/{post.id}")).text


async def test_blocked_authors_thread_and_replies_are_hidden(api, make):
    alice, bob, carol = await make.account("alice"), await make.account("bob"), await make.account("carol")
    post = await make.post(alice, "alice speaks")
    await make.post(carol, "carol answers", in_reply_to_id=str(post.id))
    bobs = await make.post(bob, "bob speaks")
    await make.post(carol, "carol answers bob", in_reply_to_id=str(bobs.id))
    r = await api.post(f"/api/v1/accounts/{carol.id}/block", headers=bob.headers)
    assert r.status_code == 200
    r = await api.post(f"/api/v1/accounts/{alice.id}/block", headers=bob.headers)
    assert r.status_code == 200
    await sign_in(api, bob)
    assert (await api.get(f"/@alice/{post.id}")).status_code == 404
    # a blocked person's reply is left out of one's own threads
    page = await api.get(f"/@bob/{bobs.id}")
    assert "bob speaks" in page.text and "carol answers bob" not in page.text


async def test_thread_query_count_is_fixed(api, make, app):
    alice, bob = await make.account("alice"), await make.account("bob")
    await sign_in(api, bob)

    async def thread_of(n: int):  # noqa: ANN202
        root = await make.post(alice, "root")
        parent = root
        for i in range(n):  # a chain above, and as many replies below
            parent = await make.post(bob if i % 2 else alice, f"up {i}", in_reply_to_id=str(parent.id))
        focal = parent
        assert focal.account_id == bob.account.id
        for i in range(n):
            await make.post(bob, f"down {i}", in_reply_to_id=str(focal.id))
        return focal

    small, big = await thread_of(2), await thread_of(10)
    for warm in (small, big):  # the content parts cache
        await api.get(f"/@bob/{warm.id}")
    with counting_queries(app) as few:
        r = await api.get(f"/@bob/{small.id}")
    assert r.text.count('class="status"') == 2 + 2  # ancestors and replies (the focal apart)
    with counting_queries(app) as many:
        r = await api.get(f"/@bob/{big.id}")
    assert r.text.count('class="status"') == 10 + 10
    assert many.n == few.n


# ---- actions ------------------------------------------------------------------------------

@pytest.mark.parametrize("verb,undo,field,label", [
    ("favourite", "unfavourite", "favourited", "Unlike"),
    ("reblog", "unreblog", "reblogged", "Undo repost"),
    ("bookmark", "unbookmark", "bookmarked", "Remove bookmark"),
])
async def test_action_without_js_redirects_to_next(api, make, verb, undo, field, label):
    alice, bob = await make.account(), await make.account()
    post = await make.post(alice, "act on me")
    await sign_in(api, bob)
    token = await _form(api)
    r = await api.post(f"/statuses/{post.id}/{verb}", data={"csrf_token": token, "next": "/local",
                                                            "card": str(post.id)})
    assert r.status_code == 303 and r.headers["location"] == "/local"
    assert (await _status(api, bob, post.id))[field] is True
    page = await api.get("/local")
    assert f'aria-label="{label}"' in page.text
    r = await api.post(f"/statuses/{post.id}/{undo}", data={"csrf_token": token, "next": "//evil.example"})
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert (await _status(api, bob, post.id))[field] is False


@pytest.mark.parametrize("verb,label,count", [
    ("favourite", "Unlike", "1"), ("reblog", "Undo repost", "1"), ("bookmark", "Remove bookmark", None),
])
async def test_action_with_fragment_answers_the_bar(api, make, verb, label, count):
    alice, bob = await make.account(), await make.account()
    post = await make.post(alice, "act on me")
    await sign_in(api, bob)
    token = await _form(api)
    r = await api.post(f"/statuses/{post.id}/{verb}", headers=FRAGMENT,
                       data={"csrf_token": token, "next": "/local", "card": "abc123"})
    assert r.status_code == 200, r.text
    assert "<html" not in r.text
    assert 'id="actions-abc123"' in r.text and f'aria-label="{label}"' in r.text
    assert 'name="next" value="/local"' in r.text  # the re-rendered bar still goes back there
    if count:
        assert re.search(rf'aria-label="{label}">.*?<span class="count" aria-hidden="true">{count}</span>',
                         r.text, re.S)
    # undo, in the focal bar of a thread: the counts above the buttons come back too
    undo = {"favourite": "unfavourite", "reblog": "unreblog", "bookmark": "unbookmark"}[verb]
    r = await api.post(f"/statuses/{post.id}/{undo}", headers=FRAGMENT,
                       data={"csrf_token": token, "card": str(post.id), "focal": "1"})
    assert r.status_code == 200 and 'class="focal-bar"' in r.text
    assert "<strong>0</strong> likes" in r.text and "<strong>0</strong> reposts" in r.text


async def test_bad_card_id_is_not_echoed(api, make):
    alice, bob = await make.account(), await make.account()
    post = await make.post(alice)
    await sign_in(api, bob)
    r = await api.post(f"/statuses/{post.id}/favourite", headers=FRAGMENT,
                       data={"csrf_token": await _form(api), "card": '"><script>'})
    assert f'id="actions-{post.id}"' in r.text and "<script>" not in r.text


async def test_actions_need_csrf_and_sign_in(api, make):
    alice, bob = await make.account(), await make.account()
    post = await make.post(alice)
    anon = await api.post(f"/statuses/{post.id}/favourite", data={"csrf_token": "x"})
    assert anon.status_code == 303 and anon.headers["location"].startswith("/login")
    await sign_in(api, bob)
    for verb in ("favourite", "reblog", "bookmark", "delete", "pin"):
        r = await api.post(f"/statuses/{post.id}/{verb}", data={"next": "/"})
        assert r.status_code == 403 and "This form has expired" in r.text, verb
        r = await api.post(f"/statuses/{post.id}/{verb}", data={"csrf_token": "forged"})
        assert r.status_code == 403, verb
    assert (await _status(api, bob, post.id))["favourited"] is False


async def test_errors_are_clear_pages(api, make):
    alice, bob = await make.account("alice"), await make.account()
    await make.follow(bob, alice)
    private = await make.post(alice, "followers only", visibility="private")
    public = await make.post(alice, "public")
    await sign_in(api, bob)
    token = await _form(api)
    r = await api.post(f"/statuses/{private.id}/reblog", data={"csrf_token": token})
    assert r.status_code == 403 and "cannot be reposted" in r.text
    assert (await _status(api, bob, private.id))["reblogged"] is False
    r = await api.post("/statuses/424242424242/favourite", data={"csrf_token": token})
    assert r.status_code == 404 and "Page not found" in r.text
    # someone else's post: no pin, no delete, nothing changed
    for verb in ("pin", "delete"):
        r = await api.post(f"/statuses/{public.id}/{verb}", data={"csrf_token": token})
        assert r.status_code == 403, verb
        r = await api.post(f"/statuses/{public.id}/{verb}", headers=FRAGMENT, data={"csrf_token": token})
        assert r.status_code == 403, verb
    assert (await api.get(f"/statuses/{public.id}/delete")).status_code == 403
    got = await _status(api, alice, public.id)
    assert got["pinned"] is False and "public" in got["content"]


async def test_pin_and_unpin_own_post(api, make):
    alice = await make.account("alice")
    post = await make.post(alice, "pin me")
    await sign_in(api, alice)
    page = await api.get(f"/@alice/{post.id}")
    assert f'action="/statuses/{post.id}/pin"' in page.text and "Pin to profile" in page.text
    token = csrf_of(page.text)
    r = await api.post(f"/statuses/{post.id}/pin", headers=FRAGMENT,
                       data={"csrf_token": token, "card": str(post.id), "next": f"/@alice/{post.id}"})
    assert r.status_code == 200 and f'action="/statuses/{post.id}/unpin"' in r.text and ">Unpin<" in r.text
    assert (await _status(api, alice, post.id))["pinned"] is True
    r = await api.post(f"/statuses/{post.id}/unpin", data={"csrf_token": token, "next": "/home"})
    assert r.status_code == 303 and r.headers["location"] == "/home"
    assert (await _status(api, alice, post.id))["pinned"] is False
    # followers-only posts are not offered a pin
    private = await make.post(alice, "quiet", visibility="private")
    page = await api.get(f"/@alice/{private.id}")
    assert f"/statuses/{private.id}/pin" not in page.text


async def test_more_menu_for_own_and_others_posts(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    mine, theirs = await make.post(alice, "mine"), await make.post(bob, "theirs")
    await sign_in(api, alice)
    page = (await api.get("/local")).text
    assert page.count('<details class="menu">') == 2
    assert f'data-copy="http' in page and f'/@bob/{theirs.id}"' in page
    assert f'href="/statuses/{mine.id}/delete?next=/local"' in page
    assert f"/statuses/{theirs.id}/delete" not in page
    # mute opens its options, block its confirmation (app.js asks with confirm() and posts)
    assert f'href="/accounts/{bob.id}/mute?next=/local"' in page
    assert f'href="/accounts/{bob.id}/block?next=/local"' in page and "data-confirm-post=" in page
    assert f'href="/accounts/{bob.id}/report?status_id={theirs.id}"' in page
    assert f"/accounts/{alice.id}/block" not in page


# ---- delete -------------------------------------------------------------------------------

async def test_delete_confirmation_page_then_delete(api, make):
    alice = await make.account("alice")
    post = await make.post(alice, "soon gone")
    await sign_in(api, alice)
    page = await api.get(f"/statuses/{post.id}/delete?next=/local")
    assert page.status_code == 200 and "soon gone" in page.text and ">Delete</button>" in page.text
    assert 'name="next" value="/local"' in page.text
    r = await api.post(f"/statuses/{post.id}/delete", data={"csrf_token": csrf_of(page.text), "next": "/local"})
    assert r.status_code == 303 and r.headers["location"] == "/local"
    assert (await api.get(f"/api/v1/statuses/{post.id}", headers=alice.headers)).status_code == 404
    assert (await api.get(f"/@alice/{post.id}")).status_code == 404


async def test_delete_from_its_own_thread_goes_to_the_profile(api, make):
    alice = await make.account("alice")
    one, two = await make.post(alice, "one"), await make.post(alice, "two")
    await sign_in(api, alice)
    token = await _form(api, f"/@alice/{one.id}")
    r = await api.post(f"/statuses/{one.id}/delete", data={"csrf_token": token, "next": f"/@alice/{one.id}"})
    assert r.status_code == 303 and r.headers["location"] == "/@alice"
    # with the fragment header: the same redirect (app.js navigates)
    r = await api.post(f"/statuses/{two.id}/delete", headers=FRAGMENT,
                       data={"csrf_token": token, "next": f"/@alice/{two.id}", "card": str(two.id)})
    assert r.status_code == 303 and r.headers["location"] == "/@alice"


async def test_delete_with_fragment_answers_a_tombstone(api, make):
    alice = await make.account("alice")
    post = await make.post(alice, "gone in place")
    await sign_in(api, alice)
    r = await api.post(f"/statuses/{post.id}/delete", headers=FRAGMENT,
                       data={"csrf_token": await _form(api), "next": "/local", "card": str(post.id)})
    assert r.status_code == 200 and f'id="s-{post.id}"' in r.text and "This post was deleted." in r.text
    assert "gone in place" not in (await api.get("/local")).text


# ---- bookmarks and likes ------------------------------------------------------------------

async def test_bookmarks_and_likes_pages(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    posts = [await make.post(alice, f"post number {i}") for i in range(25)]
    for p in posts[:3]:
        await api.post(f"/api/v1/statuses/{p.id}/favourite", headers=bob.headers)
    # bookmarked newest-bookmark-first: the oldest post bookmarked last comes first
    for p in [*posts[3:], posts[0]]:
        await api.post(f"/api/v1/statuses/{p.id}/bookmark", headers=bob.headers)
    await sign_in(api, bob)
    likes = await api.get("/favourites")
    assert likes.status_code == 200 and likes.text.count('class="status"') == 3
    assert "<h1>Likes</h1>" in likes.text and "post number 3" not in likes.text
    first = await api.get("/bookmarks")
    assert first.text.count('class="status"') == 20
    assert first.text.index("post number 0<") < first.text.index("post number 24<")
    more = re.search(r'href="(/bookmarks\?max_id=\d+)"', first.text).group(1)
    second = await api.get(more.replace("&amp;", "&"))
    assert second.text.count('class="status"') == 3  # 23 bookmarks in all
    seen = set(re.findall(r"post number (\d+)<", first.text + second.text))
    assert seen == {str(i) for i in [0, *range(3, 25)]}
    frag = await api.get(more, headers=FRAGMENT)
    assert frag.text.count('class="status"') == 3 and "<html" not in frag.text


async def test_bookmarks_and_likes_empty_states_and_sign_in(api, make):
    alice = await make.account()
    for path in ("/bookmarks", "/favourites"):
        r = await api.get(path)
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={path}"
    await sign_in(api, alice)
    assert "No bookmarks yet" in (await api.get("/bookmarks")).text
    assert "No likes yet" in (await api.get("/favourites")).text


async def test_bookmarks_leave_out_what_the_viewer_can_no_longer_read(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    post = await make.post(alice, "bookmarked then blocked")
    await api.post(f"/api/v1/statuses/{post.id}/bookmark", headers=bob.headers)
    await api.post(f"/api/v1/accounts/{bob.id}/block", headers=alice.headers)
    await sign_in(api, bob)
    assert "bookmarked then blocked" not in (await api.get("/bookmarks")).text
