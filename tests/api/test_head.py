"""HEAD answers as GET would, with the same status and headers and no body; never-ending
streams answer 405 rather than open a stream."""

from __future__ import annotations

from tests.datasets.helpers import set_consent


async def test_head_gives_the_headers_of_get_without_the_body(api, make):
    alice = await make.account()
    await set_consent(make, alice, "public_posts")
    await make.post(alice, "a public post")
    for path in (f"/@{alice.account.username}", "/api/v1/instance/", "/robots.txt", "/local"):
        got, head = await api.get(path), await api.head(path)
        assert got.status_code == head.status_code == 200, path
        assert head.content == b"", path
        for name in ("content-type", "content-length", "x-robots-tag", "cache-control"):
            assert head.headers.get(name) == got.headers.get(name), (path, name)
    # the consent signal reads the same to a crawler that asks HEAD first
    assert "x-robots-tag" not in (await api.head(f"/@{alice.account.username}")).headers
    assert (await api.head("/local")).headers["x-robots-tag"] == "noai, noimageai"


async def test_head_on_missing_pages_and_streams(api):
    assert (await api.head("/api/v1/no/such/route")).status_code == 404
    assert (await api.head("/@nobody-here")).status_code == 404
    for stream in ("/api/v1/roost/firehose", "/api/v1/streaming/public", "/live"):
        assert (await api.head(stream)).status_code == 405, stream
