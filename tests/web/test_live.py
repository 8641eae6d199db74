"""GET /live against a real server (uvicorn on a loopback port, jobs in its process): what a
viewer's stream says, and what it never says; the unread count (ending on shutdown: test_live_shutdown.py)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from tests.browser.conftest import Api
from tests.compat.conftest import start_live_server, stop_live_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_live_server(tmp_path_factory.mktemp("live-sse"))
    yield live
    stop_live_server(live)


@pytest.fixture(scope="module")
def api(server) -> Api:
    return Api(server)


@asynccontextmanager
async def web_client(server, user) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client signed in to the web app through /login (the session cookie)."""
    async with httpx.AsyncClient(base_url=server.url, timeout=20) as client:
        page = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = await client.post("/login", data={"csrf_token": token, "login": user.username,
                                              "password": user.password})
        assert r.status_code == 303, r.text
        yield client


class Stream:
    """An open /live response, read event by event (a task reads it, so a wait that times out
    leaves the response intact)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.events: asyncio.Queue = asyncio.Queue()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        name, data = None, None
        try:
            async for line in self.response.aiter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
                elif line == "" and name is not None:
                    self.events.put_nowait((name, data))
                    name, data = None, None
        except httpx.HTTPError:
            pass
        self.events.put_nowait(None)

    async def event(self, timeout: float = 10.0) -> tuple[str, dict]:
        item = await asyncio.wait_for(self.events.get(), timeout)
        assert item is not None, "the stream ended"
        return item

    async def updates(self, expected: set[str], grace: float = 1.5,
                      timeout: float = 15.0) -> set[str]:
        """The update ids received until every one of `expected` came (jobs run concurrently,
        so in any order), and for `grace` seconds more."""
        ids: set[str] = set()
        deadline = time.monotonic() + timeout
        while not expected <= ids:
            name, data = await self.event(max(0.1, deadline - time.monotonic()))
            if name == "update":
                ids.add(data["id"])
        try:
            while True:
                name, data = await self.event(grace)
                if name == "update":
                    ids.add(data["id"])
        except TimeoutError:
            pass
        return ids


class open_stream:
    def __init__(self, client: httpx.AsyncClient, timeline: str) -> None:
        self.client, self.timeline = client, timeline

    async def __aenter__(self) -> Stream:
        self.cm = self.client.stream("GET", f"/live?timeline={self.timeline}",
                                     headers={"Accept": "text/event-stream"})
        response = await self.cm.__aenter__()
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        self.stream = stream = Stream(response)
        assert await stream.event() == ("ready", {"timeline": self.timeline})
        return stream

    async def __aexit__(self, *exc) -> None:
        self.stream.reader.cancel()
        await asyncio.gather(self.stream.reader, return_exceptions=True)
        await self.cm.__aexit__(*exc)


async def post(api: Api, user, text: str, **fields) -> str:
    r = await api.call(user, "POST", "/api/v1/statuses", data={"status": text, **fields})
    return r.json()["id"]


async def test_home_and_local_say_only_what_the_viewer_may_see(server, api):
    alice, bob, dora, eve = (await api.user("alice"), await api.user("bob"),
                             await api.user("dora"), await api.user("eve"))
    await api.call(alice, "POST", f"/api/v1/accounts/{bob.id}/follow")
    await api.call(alice, "POST", f"/api/v1/accounts/{eve.id}/block")
    async with web_client(server, alice) as client, open_stream(client, "home") as home, \
            open_stream(client, "local") as local:
        followed = await post(api, bob, "hello followers and world")
        secret = await post(api, dora, "for my followers", visibility="private")
        blocked = await post(api, eve, "you blocked me", visibility="public")
        quiet = await post(api, bob, "quietly", visibility="unlisted")
        private = await post(api, bob, "only followers", visibility="private")
        last = await post(api, bob, "the last one")

        assert await home.updates({followed, quiet, private, last}) == {
            followed, quiet, private, last}  # not dora's (not followed), not eve's (blocked)
        # public only (not unlisted, not followers-only), and not eve's
        assert await local.updates({followed, last}, grace=0.5) == {followed, last}


async def test_a_like_sends_the_new_unread_count(server, api):
    alice, bob = await api.user("alice"), await api.user("bob")
    status_id = await post(api, alice, "like this")
    async with web_client(server, alice) as client:
        async with open_stream(client, "notifications") as stream:
            await api.call(bob, "POST", f"/api/v1/statuses/{status_id}/favourite")
            assert await stream.event() == ("notification", {"count": 1})
        page = await client.get("/local")
        assert re.search(r'class="badge-count" data-unread="1"', page.text)


async def test_deleted_post_is_announced(server, api):
    alice, bob = await api.user("alice"), await api.user("bob")
    await api.call(alice, "POST", f"/api/v1/accounts/{bob.id}/follow")
    async with web_client(server, alice) as client, open_stream(client, "home") as home:
        sid = await post(api, bob, "soon gone")
        assert await home.updates({sid}, grace=0.1) == {sid}
        await api.call(bob, "DELETE", f"/api/v1/statuses/{sid}")
        assert await home.event() == ("delete", {"id": sid})


async def test_refusals(server, api):
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as anon:
        assert (await anon.get("/live?timeline=home")).status_code == 401
        assert (await anon.get("/live?timeline=notifications")).status_code == 401
        assert (await anon.get("/live?timeline=nonsense")).status_code == 404
    alice = await api.user("alice")
    async with web_client(server, alice) as client:
        streams = [open_stream(client, "local") for _ in range(4)]
        for s in streams:
            await s.__aenter__()
        too_many = await client.get("/live?timeline=local")
        assert too_many.status_code == 429
        for s in streams:
            await s.__aexit__(None, None, None)
        for _ in range(50):  # the server notices the closed streams
            async with client.stream("GET", "/live?timeline=local") as again:
                if again.status_code == 200:
                    break
            await asyncio.sleep(0.1)
        assert again.status_code == 200


async def test_hide_filters_apply_to_the_stream(server, api):
    alice, bob = await api.user("alice"), await api.user("bob")
    await api.call(alice, "POST", f"/api/v1/accounts/{bob.id}/follow")
    await api.call(alice, "POST", "/api/v2/filters", data={
        "title": "no spoilers", "context[]": "home", "filter_action": "hide",
        "keywords_attributes[][keyword]": "spoilers"})
    async with web_client(server, alice) as client, open_stream(client, "home") as home:
        hidden = await post(api, bob, "big spoilers ahead")
        shown = await post(api, bob, "nothing to hide")
        got = await home.updates({shown})
        assert shown in got and hidden not in got


async def test_anonymous_streams_of_public_timelines(server, api):
    bob = await api.user("bob")
    async with httpx.AsyncClient(base_url=server.url, timeout=20) as one, \
            httpx.AsyncClient(base_url=server.url, timeout=20) as two:
        async with open_stream(one, "local") as a, open_stream(two, "local") as b, \
                open_stream(two, "tag:Birds") as tag:
            plain = await post(api, bob, "no tag here")
            tagged = await post(api, bob, "look #birds")
            hidden = await post(api, bob, "#birds for followers", visibility="private")
            assert await a.updates({plain, tagged}, grace=0.5) == {plain, tagged}
            assert await b.updates({plain, tagged}, grace=0.1) == {plain, tagged}
            assert await tag.updates({tagged}, grace=0.5) == {tagged}
