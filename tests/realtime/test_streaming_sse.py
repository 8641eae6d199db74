"""Mastodon's streaming API as server-sent events, against a real server (uvicorn on a loopback
port, jobs in its process; Redis pub/sub when ROOST_TEST_REDIS_URL is set): the wire format,
payloads rendered per viewer, what is never delivered, and the refusals."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from tests.browser.conftest import Api
from tests.compat.conftest import start_live_server, stop_live_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_live_server(tmp_path_factory.mktemp("streaming-sse"))
    yield live
    stop_live_server(live)


@pytest.fixture(scope="module")
def api(server) -> Api:
    return Api(server)


class Events:
    """An open SSE response read by a task: (event, raw data) pairs, and the comments seen."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.queue: asyncio.Queue = asyncio.Queue()
        self.comments: list[str] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        name = data = None
        try:
            async for line in self.response.aiter_lines():
                if line.startswith(":"):
                    self.comments.append(line)
                    self.queue.put_nowait(("comment", line))
                elif line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and name is not None:
                    self.queue.put_nowait((name, data))
                    name = data = None
        except httpx.HTTPError:
            pass
        self.queue.put_nowait(None)

    async def next(self, timeout: float = 10.0) -> tuple[str, str]:
        while True:
            item = await asyncio.wait_for(self.queue.get(), timeout)
            assert item is not None, "the stream ended"
            if item[0] != "comment":
                return item

    async def until(self, event: str, timeout: float = 10.0) -> list[tuple[str, str]]:
        """Every event up to and including the first `event`."""
        seen = []
        while True:
            item = await self.next(timeout)
            seen.append(item)
            if item[0] == event:
                return seen


@asynccontextmanager
async def stream(server, path: str, token: str | None = None, *, query: bool = False,
                 ) -> AsyncIterator[Events]:
    headers = {"Accept": "text/event-stream"}
    params = {}
    if token and query:
        params["access_token"] = token
    elif token:
        headers["Authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient(base_url=server.url, timeout=20) as client, \
            client.stream("GET", path, headers=headers, params=params or None) as response:
        assert response.status_code == 200, (await response.aread())
        assert response.headers["content-type"].startswith("text/event-stream")
        events = Events(response)
        item = await asyncio.wait_for(events.queue.get(), 10)
        assert item == ("comment", ":)")  # sent once subscribed
        try:
            yield events
        finally:
            events.reader.cancel()
            await asyncio.gather(events.reader, return_exceptions=True)


async def post(api: Api, user, text: str, **fields) -> str:
    r = await api.call(user, "POST", "/api/v1/statuses", data={"status": text, **fields})
    return r.json()["id"]


async def test_health(server):
    r = httpx.get(f"{server.url}/api/v1/streaming/health")
    assert r.status_code == 200 and r.text == "OK"
    assert r.headers["content-type"].startswith("text/plain")


async def test_user_stream_sends_statuses_and_notifications_rendered_for_the_viewer(server, api):
    alice, bob = await api.user("alice"), await api.user("bob")
    await api.call(alice, "POST", f"/api/v1/accounts/{bob.id}/follow")
    mine = await post(api, alice, "hello from alice")
    async with stream(server, "/api/v1/streaming/user", alice.token) as user:
        sid = await post(api, bob, "hello followers #Birds")
        status = {"id": mine}
        while status["id"] == mine:  # alice's own post may come first: its fan-out job runs now
            status = json.loads((await user.until("update"))[-1][1])
        assert status["id"] == sid and status["account"]["id"] == bob.id
        assert "hello followers" in status["content"]
        assert status["favourited"] is False  # rendered for alice: viewer fields present
        assert status["tags"][0]["name"].lower() == "birds"

        await api.call(bob, "POST", f"/api/v1/statuses/{mine}/favourite")
        event, data = (await user.until("notification"))[-1]
        note = json.loads(data)
        assert note["type"] == "favourite" and note["account"]["id"] == bob.id
        assert note["status"]["id"] == mine

        await api.call(bob, "DELETE", f"/api/v1/statuses/{sid}")
        assert (await user.until("delete"))[-1] == ("delete", sid)  # the id as plain text


async def test_public_streams_with_a_token_in_the_query_and_anonymously(server, api):
    bob, carol = await api.user("bob"), await api.user("carol")
    async with stream(server, "/api/v1/streaming/public/local", carol.token, query=True) as local, \
            stream(server, "/api/v1/streaming/public") as public, \
            stream(server, "/api/v1/streaming/hashtag?tag=Otters") as tag, \
            stream(server, "/api/v1/streaming/public/remote") as remote:
        plain = await post(api, bob, "nothing tagged")
        tagged = await post(api, bob, "look #otters")
        for s in (local, public):
            got = [json.loads(d)["id"] for _, d in await s.until("update")]
            got += [json.loads((await s.next())[1])["id"]]
            # each post's fan-out job publishes it; two jobs may finish in either order
            assert sorted(got) == sorted([plain, tagged])
        assert json.loads((await tag.next())[1])["id"] == tagged
        with pytest.raises(TimeoutError):  # a single server has no remote posts
            await remote.next(timeout=0.5)


async def test_blocked_muted_and_private_posts_are_not_delivered(server, api):
    alice, bob, eve, mallory, dora = (await api.user("alice"), await api.user("bob"),
                                      await api.user("eve"), await api.user("mallory"),
                                      await api.user("dora"))
    for other in (bob, eve, mallory):
        await api.call(alice, "POST", f"/api/v1/accounts/{other.id}/follow")
    await api.call(alice, "POST", f"/api/v1/accounts/{eve.id}/block")
    await api.call(alice, "POST", f"/api/v1/accounts/{mallory.id}/mute")
    async with stream(server, "/api/v1/streaming/user", alice.token) as home, \
            stream(server, "/api/v1/streaming/public", alice.token) as public:
        await post(api, eve, "blocked")
        await post(api, mallory, "muted")
        await post(api, dora, "followers only, alice does not follow", visibility="private")
        unlisted = await post(api, bob, "unlisted", visibility="unlisted")
        last = await post(api, bob, "the last one")
        # each post's fan-out job publishes it, so they may come in any order: take the two
        # expected on home (one on public), then make sure nothing else follows
        home_ids = [json.loads(d)["id"] for e, d in await home.until("update")]
        while len(home_ids) < 2:
            home_ids.append(json.loads((await home.next())[1])["id"])
        public_ids = [json.loads(d)["id"] for e, d in await public.until("update")]
        assert sorted(home_ids) == sorted([unlisted, last])  # bob's two only
        assert public_ids == [last]
        for extra in await asyncio.gather(home.next(timeout=1.5), public.next(timeout=1.5),
                                          return_exceptions=True):
            assert isinstance(extra, TimeoutError), extra


async def test_refusals(server, api):
    alice = await api.user("alice")
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as anon:
        r = await anon.get("/api/v1/streaming/user")
        assert r.status_code == 401 and "error" in r.json()
        assert (await anon.get("/api/v1/streaming/user/notification")).status_code == 401
        assert (await anon.get("/api/v1/streaming/hashtag")).status_code == 400
        bad = await anon.get("/api/v1/streaming/public", params={"access_token": "nope"})
        assert bad.status_code == 401
    async with httpx.AsyncClient(base_url=server.url, timeout=20) as http:
        cid, secret = await api.client_app()
        r = await http.post("/oauth/token", data={"grant_type": "password", "client_id": cid,
                                                  "client_secret": secret, "username": alice.email,
                                                  "password": alice.password, "scope": "write"})
        assert r.status_code == 200, r.text
        write_only = {"Authorization": f"Bearer {r.json()['access_token']}"}
        assert (await http.get("/api/v1/streaming/user", headers=write_only)).status_code == 403
        r = await http.post("/oauth/token", data={"grant_type": "password", "client_id": cid,
                                                  "client_secret": secret, "username": alice.email,
                                                  "password": alice.password,
                                                  "scope": "read:notifications"})
        notes_only = {"Authorization": f"Bearer {r.json()['access_token']}"}
        assert (await http.get("/api/v1/streaming/user", headers=notes_only)).status_code == 403
        async with http.stream("GET", "/api/v1/streaming/user/notification",
                               headers=notes_only) as ok:
            assert ok.status_code == 200


async def test_an_edit_is_sent_as_status_update(server, api):
    alice, bob = await api.user("alice"), await api.user("bob")
    await api.call(alice, "POST", f"/api/v1/accounts/{bob.id}/follow")
    async with stream(server, "/api/v1/streaming/user", alice.token) as home, \
            stream(server, "/api/v1/streaming/public/local") as local:
        sid = await post(api, bob, "frist post")
        for s in (home, local):
            assert json.loads((await s.until("update"))[-1][1])["id"] == sid
        await api.call(bob, "PUT", f"/api/v1/statuses/{sid}", data={"status": "first post"})
        for s in (home, local):
            event, data = await s.next()
            edited = json.loads(data)
            assert event == "status.update" and edited["id"] == sid
            assert "first post" in edited["content"] and edited["edited_at"]


async def test_direct_stream_sends_conversations_to_their_participants_only(server, api):
    alice, bob, carol = await api.user("alice"), await api.user("bob"), await api.user("carol")
    async with stream(server, "/api/v1/streaming/direct", alice.token) as direct, \
            stream(server, "/api/v1/streaming/direct", carol.token) as other:
        sid = await post(api, bob, f"@{alice.username} just between us", visibility="direct")
        event, data = await direct.next()
        talk = json.loads(data)
        assert event == "conversation" and talk["unread"] is True
        assert talk["last_status"]["id"] == sid and talk["last_status"]["visibility"] == "direct"
        assert [a["id"] for a in talk["accounts"]] == [bob.id]
        listed = await api.call(alice, "GET", "/api/v1/conversations")
        assert listed.json()[0]["id"] == talk["id"]
        with pytest.raises(TimeoutError):
            await other.next(timeout=0.5)  # carol is not in it
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as anon:
        assert (await anon.get("/api/v1/streaming/direct")).status_code == 401


async def test_heartbeats_are_thump_comments(server, monkeypatch):
    from roost.api.mastodon import streaming

    monkeypatch.setattr(streaming, "HEARTBEAT", 0.2)  # the server runs in this process
    async with stream(server, "/api/v1/streaming/public") as public:
        for _ in range(50):
            if ":thump" in public.comments:
                break
            await asyncio.sleep(0.05)
        assert ":thump" in public.comments


async def test_filters_hide_or_mark_statuses_per_viewer(server, api):
    alice, bob = await api.user("alice"), await api.user("bob")
    await api.call(alice, "POST", f"/api/v1/accounts/{bob.id}/follow")
    for action, word in (("hide", "spoilers"), ("warn", "politics")):
        await api.call(alice, "POST", "/api/v2/filters", data={
            "title": word, "context[]": "home", "filter_action": action,
            "keywords_attributes[][keyword]": word})
    async with stream(server, "/api/v1/streaming/user", alice.token) as home:
        hidden = await post(api, bob, "big spoilers ahead")
        warned = await post(api, bob, "some politics")
        last = await post(api, bob, "nothing to filter")
        got: dict[str, dict] = {}
        while not {warned, last} <= set(got):
            status = json.loads((await home.until("update"))[-1][1])
            got[status["id"]] = status
        await asyncio.sleep(0.3)  # jobs run concurrently: give the hidden one time to show up
        while not home.queue.empty():
            item = home.queue.get_nowait()
            if item and item[0] == "update":
                got[json.loads(item[1])["id"]] = json.loads(item[1])
        assert hidden not in got
        assert got[warned]["filtered"][0]["filter"]["title"] == "politics"
        assert not got[last].get("filtered")
