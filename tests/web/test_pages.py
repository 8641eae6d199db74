"""The web app's foundation through HTTP: pages, sign-in, CSRF, headers, static assets, escaping,
the web 404, and a fixed query count per timeline page."""

from __future__ import annotations

import re

from roost.web import assets
from tests.querycount import counting_queries
from tests.web.conftest import csrf_of, sign_in


async def test_pages_render_for_anonymous(api, make):
    alice = await make.account("alice", display_name="Alice A")
    await make.post(alice, "hello from the local timeline")
    for path in ("/", "/local", "/public", "/login"):
        r = await api.get(path)
        assert r.status_code == 200, (path, r.text)
        assert r.headers["content-type"].startswith("text/html")
        assert '<main id="main"' in r.text
    front = await api.get("/")
    assert "hello from the local timeline" in front.text
    assert 'href="/login"' in front.text and 'href="/signup"' in front.text
    assert "Alice A" in front.text and "@alice" in front.text


async def test_pages_render_signed_in(api, make):
    alice, bob = await make.account("alice"), await make.account("bob")
    await make.follow(alice, bob)
    await make.post(bob, "bob says hi")
    await sign_in(api, alice)
    for path in ("/", "/home", "/local", "/public"):
        r = await api.get(path)
        assert r.status_code == 200, (path, r.text)
        assert "bob says hi" in r.text, path
        assert 'action="/logout"' in r.text and 'href="/compose"' in r.text
    home = await api.get("/home")
    # the action bar: forms posting to the status's actions, with stable names
    post_id = re.search(r'action="/statuses/(\d+)/favourite"', home.text).group(1)
    for verb, name in (("reblog", "Repost"), ("favourite", "Like"), ("bookmark", "Bookmark")):
        assert f'action="/statuses/{post_id}/{verb}"' in home.text
        assert f'aria-label="{name}"' in home.text
    assert 'aria-label="Reply"' in home.text


async def test_liked_status_shows_unlike(api, make):
    alice, bob = await make.account(), await make.account()
    post = await make.post(bob, "like me")
    r = await api.post(f"/api/v1/statuses/{post.id}/favourite", headers=alice.headers)
    assert r.status_code == 200
    await sign_in(api, alice)
    page = await api.get("/local")
    assert f'action="/statuses/{post.id}/unfavourite"' in page.text
    assert 'aria-label="Unlike"' in page.text


async def test_home_signed_out_redirects_to_login(api):
    r = await api.get("/home")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/home"


async def test_login_goes_to_next_and_keeps_session(api, make):
    alice = await make.account("alice")
    page = await api.get("/login?next=/local")
    assert 'name="next" value="/local"' in page.text
    r = await api.post("/login", data={"csrf_token": csrf_of(page.text), "login": "alice",
                                       "password": "correct horse battery", "next": "/local"})
    assert r.status_code == 303 and r.headers["location"] == "/local"
    cookie = r.headers["set-cookie"]
    assert "roost_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = await api.get("/home")
    assert home.status_code == 200 and f"@{alice.account.username}" in home.text
    # already signed in: /login sends you on
    again = await api.get("/login?next=/public")
    assert again.status_code == 303 and again.headers["location"] == "/public"


async def test_login_next_must_stay_on_site(api, make):
    await make.account("alice")
    page = await api.get("/login")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        r = await api.post("/login", data={"csrf_token": csrf_of(page.text), "login": "alice",
                                           "password": "correct horse battery", "next": evil})
        assert r.status_code == 303 and r.headers["location"] == "/", evil
        api.cookies.delete("roost_session")


async def test_login_failure_shows_the_form_again(api, make):
    await make.account("alice")
    page = await api.get("/login")
    r = await api.post("/login", data={"csrf_token": csrf_of(page.text), "login": "alice",
                                       "password": "wrong"})
    assert r.status_code == 401 and "Invalid email or password" in r.text
    assert 'value="alice"' in r.text and "roost_session=" not in r.headers.get("set-cookie", "")
    assert (await api.get("/home")).status_code == 303


async def test_logout_needs_csrf(api, make):
    alice = await make.account()
    await sign_in(api, alice)
    r = await api.post("/logout")
    assert r.status_code == 403 and "form has expired" in r.text
    assert (await api.get("/home")).status_code == 200
    r = await api.post("/logout", data={"csrf_token": "0" * 64})
    assert r.status_code == 403
    page = await api.get("/home")
    r = await api.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert (await api.get("/home")).status_code == 303


async def test_login_post_without_csrf_is_403(api, make):
    await make.account("alice")
    await api.get("/login")
    r = await api.post("/login", data={"login": "alice", "password": "correct horse battery"})
    assert r.status_code == 403 and "roost_session" not in r.headers.get("set-cookie", "")
    assert r.headers["content-type"].startswith("text/html")


async def test_csrf_cookie_is_shared_with_oauth_pages(api):
    r = await api.get("/login")
    cookie = r.headers["set-cookie"]
    assert "roost_csrf=" in cookie and "Path=/;" in cookie and "HttpOnly" in cookie


async def test_security_headers(api):
    for path in ("/", "/login", "/no-such-page"):
        r = await api.get(path)
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
    page = (await api.get("/")).text
    assert "<script>" not in page and " style=" not in page and "<style" not in page


async def test_hashed_static_assets(api):
    page = (await api.get("/")).text
    css = re.search(r'href="(/static/app\.[0-9a-f]{12}\.css)"', page).group(1)
    js = re.search(r'src="(/static/app\.[0-9a-f]{12}\.js)"', page).group(1)
    r = await api.get(css)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert ":root" in r.text
    r = await api.get(js)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    wrong = await api.get("/static/app.000000000000.css")
    assert wrong.status_code == 404
    plain = await api.get("/static/app.css")
    assert plain.status_code == 302 and plain.headers["location"] == css
    assert (await api.get("/static/nothing.0123456789ab.css")).status_code == 404
    # files the API links by plain name are still served
    assert (await api.get("/static/avatar-missing.png")).status_code == 200
    assert assets.url("app.css") == css


async def test_user_text_is_escaped(api, make):
    alice = await make.account(display_name="<script>alert(1)</script>")
    await make.post(alice, "<b>bold?</b> <script>alert(2)</script>",
                    spoiler_text="<img src=x onerror=alert(3)>")
    page = (await api.get("/local")).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    assert '<details class="cw">' in page


async def test_home_query_count_is_fixed(api, make, app, run_jobs):
    alice, bob, carol = await make.account(), await make.account(), await make.account()
    await make.follow(alice, bob)
    await make.follow(alice, carol)
    for i in range(5):
        await make.post(bob if i % 2 else carol, f"post {i}")
    await run_jobs()
    await sign_in(api, alice)
    await api.get("/home")  # warm caches that are filled once per process
    with counting_queries(app) as few:
        r = await api.get("/home")
    assert r.text.count('class="status"') == 5
    for i in range(15):
        await make.post(bob if i % 2 else carol, f"more {i}")
    await run_jobs()
    await api.get("/home")  # the new statuses' rendered parts are cached on first render
    with counting_queries(app) as many:
        r = await api.get("/home")
    assert r.text.count('class="status"') == 20
    # with Redis, a short feed (5 posts) also asks the database for the rest: never more for 20
    assert many.n <= few.n, (few.n, many.n)


async def test_load_more_pages_and_fragment(api, make):
    alice = await make.account()
    posts = [await make.post(alice, f"number {i}") for i in range(25)]
    first = await api.get("/local")
    assert first.text.count('class="status"') == 20
    more = re.search(r'href="(/local\?max_id=\d+)"[^>]*data-more', first.text).group(1)
    assert more == f"/local?max_id={posts[5].id}"
    second = await api.get(more)
    assert second.status_code == 200 and second.text.count('class="status"') == 5
    fragment = await api.get(more, headers={"X-Roost-Fragment": "1"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.count('class="status"') == 5 and "number 0" in fragment.text


async def test_empty_states_say_what_to_do(api, make):
    page = await api.get("/local")
    assert "No posts here yet" in page.text and 'href="/signup"' in page.text
    alice = await make.account()
    await sign_in(api, alice)
    home = await api.get("/home")
    assert "Your home timeline is empty" in home.text and "Follow people" in home.text


async def test_unknown_web_path_is_an_html_404(api, make):
    r = await api.get("/no/such/page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Page not found" in r.text
    # the API and OAuth keep their own errors
    r = await api.get("/api/v1/no_such_endpoint")
    assert r.status_code == 404 and r.json() == {"error": "Record not found"}
    r = await api.get("/oauth/nothing")
    assert r.status_code == 404 and "error" in r.json()
    # signed in: the error page keeps the signed-in navigation
    alice = await make.account()
    await sign_in(api, alice)
    r = await api.get("/nothing-here")
    assert r.status_code == 404 and 'action="/logout"' in r.text


async def test_wrong_method_on_a_page_is_not_a_500(api):
    r = await api.post("/home")
    assert r.status_code == 405 and r.headers["content-type"].startswith("text/html")
    r = await api.get("/logout")
    assert r.status_code == 405


async def test_media_grid_with_alt_text_and_blurhash_placeholder(api, make):
    import io

    from PIL import Image

    alice = await make.account()
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buf, "PNG")
    media = (await api.post("/api/v2/media", files={"file": ("red.png", buf.getvalue(), "image/png")},
                            data={"description": "A red <square>"}, headers=alice.headers)).json()
    r = await api.post("/api/v1/statuses", json={"status": "look", "media_ids": [media["id"]]},
                       headers=alice.headers)
    assert r.status_code == 200, r.text
    page = (await api.get("/local")).text
    assert 'class="media media-1"' in page
    assert 'alt="A red &lt;square&gt;"' in page and "<summary" in page and ">ALT</summary>" in page
    if media["blurhash"]:
        assert 'class="placeholder" src="data:image/png;base64,' in page


def test_blurhash_decodes_to_its_average_colour():
    from roost.web import blurhash

    # 1x1 components: the DC value is the colour everywhere (here #ff0000, quantised max 0)
    pixels = blurhash.decode("00" + _b83(0xFF0000, 4))
    assert set(pixels) == {(255, 0, 0)}
    assert blurhash.data_uri("00" + _b83(0x336699, 4)).startswith("data:image/png;base64,")
    assert blurhash.data_uri("not a hash!") == "" and blurhash.data_uri(None) == ""


def _b83(value: int, length: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
    return "".join(digits[(value // 83 ** (length - 1 - i)) % 83] for i in range(length))


def test_relative_times():
    from datetime import UTC, datetime, timedelta

    from roost.web.render import reltime

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert reltime(now - timedelta(seconds=10), now) == "just now"
    assert reltime(now - timedelta(minutes=5), now) == "5m"
    assert reltime(now - timedelta(hours=3), now) == "3h"
    assert reltime(now - timedelta(days=2), now) == "2d"
    assert reltime(now - timedelta(days=20), now) == "Nov 5"
    assert reltime("2025-03-01T10:00:00.000Z", now) == "Mar 1, 2025"


async def test_pages_link_a_favicon_that_is_served(api):
    for path in ("/", "/login", "/oauth/authorize?client_id=x&response_type=code&redirect_uri=urn:ietf:wg:oauth:2.0:oob"):
        page = (await api.get(path)).text
        href = re.search(r'<link rel="icon" href="(/static/favicon\.[0-9a-f]{12}\.svg)"', page)
        assert href, path
    icon = await api.get(href.group(1))
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert "immutable" in icon.headers["cache-control"] and icon.content.startswith(b"<svg")
