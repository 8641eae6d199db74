"""Mastodon's streaming WebSocket (/api/v1/streaming) with a real client (the `websockets`
package) against a real server, and Mastodon.py's stream_user / stream_public."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
import websockets
from mastodon import Mastodon, StreamListener

from tests.browser.conftest import Api
from tests.compat.conftest import start_live_server, stop_live_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_live_server(tmp_path_factory.mktemp("streaming-ws"))
    yield live
    stop_live_server(live)


@pytest.fixture(scope="module")
def api(server) -> Api:
    return Api(server)


def ws_url(server, query: str = "") -> str:
    return server.url.replace("http://", "ws://") + "/api/v1/streaming" + query


async def post(api: Api, user, text: str, **fields) -> str:
    r = await api.call(user, "POST", "/api/v1/statuses", data={"status": text, **fields})
    return r.json()["id"]


async def receive(ws, timeout: float = 10.0, skip: str | None = None) -> dict:
    """The next message, passing over updates of status `skip` (a post made before the socket
    opened: its fan-out job may announce it after)."""
    while True:
        m = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if skip is None or m.get("event") != "update" or json.loads(m["payload"])["id"] != skip:
            return m


async def settle(ws, skip: str | None = None) -> None:
    """Wait until the server handled our subscription: an invalid message is answered in order,
    after every message sent before it."""
    await ws.send("not json")
    assert (await receive(ws, skip=skip))["status"] == 400


async def test_subscribe_receive_and_unsubscribe(server, api):
    alice, bob = await api.user("alice"), await api.user("bob")
    await api.call(alice, "POST", f"/api/v1/accounts/{bob.id}/follow")
    mine = await post(api, alice, "like me")
    async with websockets.connect(ws_url(server, f"?access_token={alice.token}&stream=user")) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "Otters"}))
        await settle(ws, mine)
        sid = await post(api, bob, "look #otters")
        got = [await receive(ws, skip=mine), await receive(ws, skip=mine)]
        by_stream = {tuple(m["stream"]): m for m in got}
        assert set(by_stream) == {("user",), ("hashtag", "otters")}
        for m in got:
            assert m["event"] == "update"
            assert isinstance(m["payload"], str)  # a JSON-encoded string, as Mastodon sends
            assert json.loads(m["payload"])["id"] == sid

        await api.call(bob, "POST", f"/api/v1/statuses/{mine}/favourite")
        m = await receive(ws, skip=mine)
        assert m["stream"] == ["user"] and m["event"] == "notification"
        assert json.loads(m["payload"])["type"] == "favourite"

        await ws.send(json.dumps({"type": "unsubscribe", "stream": "hashtag", "tag": "otters"}))
        await settle(ws, mine)
        again = await post(api, bob, "more #otters")
        m = await receive(ws)
        assert m["stream"] == ["user"] and json.loads(m["payload"])["id"] == again
        with pytest.raises(TimeoutError):
            await receive(ws, timeout=0.5)  # not again on the hashtag stream


async def test_token_in_the_protocol_header_and_refusals(server, api):
    alice, eve = await api.user("alice"), await api.user("eve")
    await api.call(alice, "POST", f"/api/v1/accounts/{eve.id}/block")
    async with websockets.connect(ws_url(server), subprotocols=[alice.token]) as ws:
        assert ws.subprotocol == alice.token
        await ws.send(json.dumps({"type": "subscribe", "stream": "public:local"}))
        await ws.send(json.dumps({"type": "subscribe", "stream": "nonsense"}))
        assert await receive(ws) == {"error": "Unknown stream type", "status": 404}
        await post(api, eve, "alice blocked me")
        last = await post(api, alice, "public and mine")
        m = await receive(ws)
        assert m["stream"] == ["public:local"] and json.loads(m["payload"])["id"] == last
    async with websockets.connect(ws_url(server)) as anon:  # anonymous: public streams only
        await anon.send(json.dumps({"type": "subscribe", "stream": "user"}))
        assert (await receive(anon))["status"] == 401
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        async with websockets.connect(ws_url(server, "?access_token=wrong")) as ws:
            await ws.recv()
    assert refused.value.response.status_code == 401  # the upgrade refused, as Mastodon does
    assert b"error" in refused.value.response.body


def test_mastodon_py_stream_user_and_stream_public(server, api):
    async def scene():
        return await api.user("alice"), await api.user("bob")

    alice, bob = asyncio.run(scene())
    client = Mastodon(access_token=alice.token, api_base_url=server.url)
    bob_client = Mastodon(access_token=bob.token, api_base_url=server.url)
    client.account_follow(bob.id)
    mine = client.status_post("alice's own post")

    class Listener(StreamListener):
        def __init__(self) -> None:
            self.updates, self.notifications = [], []
            self.got = threading.Event()

        def on_update(self, status) -> None:  # noqa: ANN001
            self.updates.append(status)
            self.got.set()

        def on_notification(self, notification) -> None:  # noqa: ANN001
            self.notifications.append(notification)
            self.got.set()

    home, public = Listener(), Listener()
    user_handle = client.stream_user(home, run_async=True, timeout=2,
                                   reconnect_async=True, reconnect_async_wait_sec=0.5)
    public_handle = client.stream_public(public, run_async=True, timeout=2,
                                   reconnect_async=True, reconnect_async_wait_sec=0.5)
    try:
        for handle in (user_handle, public_handle):
            for _ in range(100):
                if handle.is_receiving():
                    break
                threading.Event().wait(0.05)
        threading.Event().wait(0.3)  # the connection is open; the server subscribes before ":)"
        status = bob_client.status_post("hello alice")
        bob_client.status_favourite(mine["id"])
        def ids(listener: Listener) -> list[str]:
            return [str(s["id"]) for s in listener.updates]

        sid = str(status["id"])
        for _ in range(200):  # alice's own post may come too: its fan-out job runs meanwhile
            if sid in ids(home) and home.notifications and sid in ids(public):
                break
            threading.Event().wait(0.05)
        bobs = [s for s in home.updates if str(s["id"]) == sid]
        assert bobs and bobs[0]["account"]["acct"] == bob.username
        assert bobs[0]["content"].startswith("<p>hello alice")
        assert home.notifications[0]["type"] == "favourite"
        assert str(home.notifications[0]["status"]["id"]) == str(mine["id"])
        assert sid in ids(public)
    finally:
        user_handle.close()
        public_handle.close()


async def test_list_stream_follows_the_list_and_only_its_owner_may_open_it(server, api):
    alice, bob, carol = await api.user("alice"), await api.user("bob"), await api.user("carol")
    for other in (bob, carol):
        await api.call(alice, "POST", f"/api/v1/accounts/{other.id}/follow")
    lst = (await api.call(alice, "POST", "/api/v1/lists", data={"title": "friends"})).json()
    await api.call(alice, "POST", f"/api/v1/lists/{lst['id']}/accounts",
                   data={"account_ids[]": [bob.id]})
    async with websockets.connect(ws_url(server, f"?access_token={alice.token}")) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": "list", "list": lst["id"]}))
        await settle(ws)
        await post(api, carol, "not on the list")
        sid = await post(api, bob, "on the list")
        m = await receive(ws)
        assert m["stream"] == ["list", lst["id"]] and m["event"] == "update"
        assert json.loads(m["payload"])["id"] == sid
        with pytest.raises(TimeoutError):
            await receive(ws, timeout=0.5)
    async with websockets.connect(ws_url(server, f"?access_token={carol.token}")) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": "list", "list": lst["id"]}))
        assert (await receive(ws))["status"] == 404


async def test_a_socket_holds_a_bounded_number_of_streams(server):
    from roost.api.mastodon.streaming import MAX_SUBSCRIPTIONS

    async with websockets.connect(ws_url(server)) as ws:
        for i in range(MAX_SUBSCRIPTIONS + 1):
            await ws.send(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": f"t{i}"}))
        assert await receive(ws) == {"error": "Too many streams on this connection", "status": 429}
        await ws.send(json.dumps({"type": "unsubscribe", "stream": "hashtag", "tag": "t0"}))
        await ws.send(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "again"}))
        await settle(ws)  # no error before the settling one: room again after unsubscribing
