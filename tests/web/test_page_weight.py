"""Page weight: a full page of the home timeline (20 statuses with mentions, tags, links and
content warnings, the composer, the Discover column) plus its stylesheet and script comes to
under 100 KB before images, as sent (gzip, web/compression.py). The figures themselves are
recorded in docs/performance.md ("The web app")."""

from __future__ import annotations

import re

from tests.web.conftest import sign_in

BUDGET = 100 * 1024
TEXT = ("Morning walk along the river with @{friend}: herons, two kingfishers and the first "
        "frost of the year. Photos later on https://example.com/blog/walks #birds #outdoors")


async def page_weight(api, path: str) -> tuple[dict[str, int], dict[str, int]]:  # noqa: ANN001
    """(bytes sent, bytes after decompression) of the page, its stylesheet and its script."""
    gzip = {"Accept-Encoding": "gzip"}
    page = await api.get(path, headers=gzip)
    assert page.status_code == 200, page.text
    assert page.headers["content-encoding"] == "gzip"
    sent, raw = {"html": page.num_bytes_downloaded}, {"html": len(page.content)}
    for url in re.findall(r'(?:href|src)="(/static/app\.[0-9a-f]{12}\.(?:css|js))"', page.text):
        asset = await api.get(url, headers=gzip)
        assert asset.status_code == 200 and asset.headers["content-encoding"] == "gzip"
        kind = url.rsplit(".", 1)[1]
        sent[kind], raw[kind] = asset.num_bytes_downloaded, len(asset.content)
    assert set(sent) == {"html", "css", "js"}, sent
    return sent, raw


async def test_home_page_weighs_under_100_kb_before_images(api, make):
    alice = await make.account("alice", display_name="Alice Liddell")
    bob = await make.account("bob", display_name="Bob the Birder")
    await make.follow(alice, bob)
    for i in range(25):
        await make.post(bob, TEXT.format(friend="alice") + f" ({i})",
                        spoiler_text="birds" if i % 5 == 0 else "")
    await sign_in(api, alice)
    sent, raw = await page_weight(api, "/home")
    home = (await api.get("/home")).text
    assert home.count('<article class="status"') == 20, home.count('<article class="status"')
    print(f"home page weight: sent {sum(sent.values())} {sent}, raw {sum(raw.values())} {raw}")
    assert sum(sent.values()) < BUDGET, (sent, raw)
    assert sent["html"] < raw["html"] / 4  # compressed indeed


async def test_api_and_live_stream_are_not_compressed(api, make):
    alice = await make.account("alice")
    for i in range(30):
        await make.post(alice, f"post number {i} " + "x" * 100)
    r = await api.get("/api/v1/timelines/public", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and len(r.content) > 1000
    assert "content-encoding" not in r.headers
