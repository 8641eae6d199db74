"""The search page, hashtag pages (timeline, follow / unfollow) and the Discover column
(trending tags, who to follow)."""

from __future__ import annotations

import re

from roost import jobs
from tests.querycount import counting_queries
from tests.web.conftest import csrf_of, sign_in


async def _post(api, person, text, **extra) -> str:  # noqa: ANN001
    r = await api.post("/api/v1/statuses", json={"status": text, **extra}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def _main(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


async def _refresh_trends(db, run_jobs) -> None:  # noqa: ANN001
    async with db.unit_of_work() as session:
        jobs.enqueue(session, "trends.refresh")
    await run_jobs()


async def test_search_finds_accounts_tags_and_posts_as_the_api_does(api, make):
    alice = await make.account("alice")
    gardener = await make.account("gardener", display_name="Green Thumb")
    await _post(api, gardener, "tomatoes are up #gardening")
    mine = await _post(api, alice, "my own gardening notes")
    liked = await _post(api, gardener, "the gardening club meets today")
    assert (await api.post(f"/api/v1/statuses/{liked}/favourite", headers=alice.headers)).status_code == 200
    await _post(api, gardener, "gardening secrets nobody liked")

    await sign_in(api, alice)
    page = (await api.get("/search", params={"q": "garden"})).text
    api_result = (await api.get("/api/v2/search", params={"q": "garden"}, headers=alice.headers)).json()
    assert [a["acct"] for a in api_result["accounts"]] == ["gardener"]
    assert 'href="/@gardener"' in page and "Green Thumb" in page and ">Follow</a>" in page
    assert 'href="/tags/gardening"' in page and "1 post this week" in page
    # posts: her own and the one she liked, as the API finds them; not a stranger's post
    assert {s["id"] for s in api_result["statuses"]} == {mine, liked}
    assert f'id="s-{mine}"' in page and f'id="s-{liked}"' in page
    assert "gardening secrets" not in page
    # the tabs narrow the search; "#" and "@" choose the tab themselves
    tags_tab = _main((await api.get("/search", params={"q": "#gard"})).text)
    assert 'aria-current="page">Hashtags' in tags_tab and "#gardening" in tags_tab
    assert 'href="/@gardener"' not in tags_tab
    people = (await api.get("/search", params={"q": "@garden"})).text
    assert 'aria-current="page">People' in people and 'href="/@gardener"' in people
    posts = _main((await api.get("/search", params={"q": "garden", "type": "statuses"})).text)
    assert f'id="s-{mine}"' in posts and "Green Thumb</bdi> <span class=\"acct\">@gardener</span></span></a>\n" not in posts
    assert 'aria-label="Follow @gardener"' not in posts


async def test_search_signed_out_empty_and_no_results(api, make, db, run_jobs):
    bob, carol = await make.account("bob"), await make.account("carol")
    await _post(api, bob, "hello #roosting")
    await _post(api, carol, "me too #roosting")
    await _refresh_trends(db, run_jobs)
    empty = await api.get("/search")
    assert empty.status_code == 200 and 'id="search-q"' in empty.text
    assert "Trending hashtags" in empty.text and 'href="/tags/roosting"' in empty.text
    nothing = (await api.get("/search", params={"q": "zzqx"})).text
    assert "Nothing found for “zzqx”" in nothing
    # signed out: people and tags, and a note that post search needs signing in
    out = (await api.get("/search", params={"q": "bo"})).text
    assert 'href="/@bob"' in out and "Sign in</a> to search the posts" in out
    # user input is escaped
    evil = (await api.get("/search", params={"q": "<script>x</script>"})).text
    assert "<script>x</script>" not in evil and "&lt;script&gt;" in evil


async def test_tag_page_lists_public_posts_and_hides_followers_only(api, make):
    alice, stranger = await make.account("alice"), await make.account("stranger")
    public = await _post(api, alice, "sunny #Weather today")
    private = await _post(api, alice, "only friends #weather", visibility="private")
    page = await api.get("/tags/weather")
    assert page.status_code == 200 and "<h1>#Weather</h1>" in page.text
    assert f'id="s-{public}"' in page.text and f'id="s-{private}"' not in page.text
    assert "1 post in the last 7 days" in page.text
    await sign_in(api, stranger)
    page = (await api.get("/tags/weather")).text
    assert f'id="s-{private}"' not in page and "Follow hashtag" in page
    # hashtag links in post content point here
    assert 'href="http://roost.test/tags/weather"' in page or 'href="/tags/weather"' in page
    # a tag never used, or not a tag at all: an empty page, not a 404
    unused = await api.get("/tags/nobodyusesthis")
    assert unused.status_code == 200 and "No posts with #nobodyusesthis yet" in unused.text
    invalid = await api.get("/tags/123")
    assert invalid.status_code == 200 and "That is not a hashtag" in invalid.text


async def test_tag_page_load_more(api, make):
    alice = await make.account("alice")
    for i in range(22):
        await _post(api, alice, f"number {i} #counting")
    first = (await api.get("/tags/counting")).text
    assert first.count('class="status"') == 20
    more = re.search(r'href="(/tags/counting\?max_id=\d+)"[^>]*data-more', first).group(1)
    fragment = await api.get(more, headers={"X-Roost-Fragment": "1"})
    assert fragment.text.count('class="status"') == 2 and "<html" not in fragment.text


async def test_follow_tag_round_trip(api, make):
    alice = await make.account("alice")
    await sign_in(api, alice)
    page = (await api.get("/tags/birds")).text
    assert 'action="/tags/birds/follow"' in page
    r = await api.post("/tags/birds/follow", data={"csrf_token": csrf_of(page), "next": "/tags/birds"})
    assert r.status_code == 303 and r.headers["location"] == "/tags/birds"
    followed = (await api.get("/api/v1/followed_tags", headers=alice.headers)).json()
    assert [t["name"] for t in followed] == ["birds"]
    page = (await api.get("/tags/birds")).text
    assert "Unfollow hashtag" in page and 'action="/tags/birds/unfollow"' in page
    r = await api.post("/tags/birds/unfollow", data={"csrf_token": csrf_of(page)},
                       headers={"X-Roost-Fragment": "1"})
    assert r.status_code == 200 and "Follow hashtag" in r.text and "<html" not in r.text
    assert (await api.get("/api/v1/followed_tags", headers=alice.headers)).json() == []
    # without the CSRF token nothing changes; signed out goes to sign in
    r = await api.post("/tags/birds/follow", data={})
    assert r.status_code == 403
    assert (await api.get("/api/v1/followed_tags", headers=alice.headers)).json() == []


async def test_signed_out_follow_tag_goes_to_login(api, make):
    await make.account("alice")
    page = (await api.get("/tags/birds")).text
    assert "Sign in to follow" in page
    token = csrf_of((await api.get("/login")).text)
    r = await api.post("/tags/birds/follow", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


async def test_aside_shows_trends_and_who_to_follow(api, make, db, run_jobs):
    alice, bob, carol = await make.account("alice"), await make.account("bob"), await make.account("carol")
    await _post(api, bob, "first #Roosting")
    await _post(api, carol, "me too #roosting")
    await _refresh_trends(db, run_jobs)
    page = (await api.get("/local")).text
    aside = page[page.index('<aside'):]
    assert "Trending tags" in aside and 'href="/tags/Roosting"' in aside and "2 posts" in aside
    assert "Who to follow" not in aside  # signed out
    await sign_in(api, alice)
    aside = (await api.get("/home")).text
    aside = aside[aside.index('<aside'):]
    assert "Who to follow" in aside and ('href="/@bob"' in aside or 'href="/@carol"' in aside)
    # once followed (here through the API, as another process would), no longer suggested
    for person in (bob, carol):
        await api.post(f"/api/v1/accounts/{person.account.id}/follow", headers=alice.headers)
    aside = (await api.get("/home")).text
    aside = aside[aside.index('<aside'):]
    assert 'href="/@bob"' not in aside and 'href="/@carol"' not in aside
    # fragments (Load more, actions) carry no aside
    fragment = (await api.get("/local?max_id=1", headers={"X-Roost-Fragment": "1"})).text
    assert "Trending tags" not in fragment


async def test_aside_costs_no_query_once_cached(api, make, app, db, run_jobs):
    alice, bob, carol = await make.account("alice"), await make.account("bob"), await make.account("carol")
    await _post(api, bob, "first #cached")
    await _post(api, carol, "me too #cached")
    await _refresh_trends(db, run_jobs)
    await sign_in(api, alice)
    with counting_queries(app) as cold:
        await api.get("/search")
    with counting_queries(app) as warm:
        r = await api.get("/search")
    assert "#cached" in r.text
    assert warm.n <= cold.n - 3, (cold.n, warm.n)  # trends (2) and suggestions (1-2) were cached


async def test_search_tab_loads_more_for_a_signed_in_viewer(api, make):
    alice = await make.account("alice")
    for i in range(22):
        await make.account(f"walker{i:02d}")
    await sign_in(api, alice)
    first = (await api.get("/search", params={"q": "walker", "type": "accounts"})).text
    assert first.count('class="result-row"') == 20
    more = re.search(r'href="(/search\?[^"]+)"[^>]*data-more', first).group(1).replace("&amp;", "&")
    assert "offset=20" in more and "type=accounts" in more
    fragment = await api.get(more, headers={"X-Roost-Fragment": "1"})
    assert fragment.text.count('class="result-row"') == 2 and "<html" not in fragment.text
    assert "You have reached the end" in fragment.text


async def test_tag_page_query_count_is_fixed(api, make, app):
    alice, bob = await make.account("alice"), await make.account("bob")
    for i in range(3):
        await _post(api, alice if i % 2 else bob, f"few {i} #counted")
    await sign_in(api, alice)
    await api.get("/tags/counted")  # warm the per-process caches
    with counting_queries(app) as few:
        r = await api.get("/tags/counted")
    assert r.text.count('class="status"') == 3
    for i in range(12):
        await _post(api, alice if i % 2 else bob, f"many {i} #counted")
    await api.get("/tags/counted")
    with counting_queries(app) as many:
        r = await api.get("/tags/counted")
    assert r.text.count('class="status"') == 15
    assert many.n == few.n, (few.n, many.n)
