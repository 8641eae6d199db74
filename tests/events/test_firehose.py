"""The public firehose against a real server (uvicorn on a loopback port): NDJSON over HTTP and
WebSocket, resuming from a cursor exactly once, filters, tombstones, and what never appears."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets

from tests.browser.conftest import Api
from tests.compat.conftest import start_live_server, stop_live_server

PATH = "/api/v1/roost/firehose"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_live_server(tmp_path_factory.mktemp("firehose"), firehose_heartbeat_seconds=0.5,
                             firehose_poll_seconds=0.2)
    yield live
    stop_live_server(live)


@pytest.fixture(scope="module")
def api(server) -> Api:
    return Api(server)


async def post(api: Api, user, text: str, **fields) -> str:
    r = await api.call(user, "POST", "/api/v1/statuses", data={"status": text, **fields})
    return r.json()["id"]


async def read_http(server, query: str, *, until_seq: int | None = None, count: int | None = None,
                    timeout: float = 10.0) -> list[dict]:
    """Lines of the NDJSON stream (heartbeats included) until an event with seq >= until_seq
    (or `count` events) arrived, or until a heartbeat reaches until_seq."""
    out: list[dict] = []
    events = 0
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout) as client:
        async with client.stream("GET", f"{PATH}?{query}") as r:
            assert r.status_code == 200, await r.aread()
            assert r.headers["content-type"].startswith("application/x-ndjson")

            async def go() -> None:
                nonlocal events
                async for line in r.aiter_lines():
                    if not line:
                        continue
                    msg = json.loads(line)
                    out.append(msg)
                    if msg["type"] != "heartbeat":
                        events += 1
                    if count is not None and events >= count:
                        return
                    if until_seq is not None and msg.get("seq", 0) >= until_seq:
                        return

            await asyncio.wait_for(go(), timeout)
    return out


def only_events(lines: list[dict]) -> list[dict]:
    return [m for m in lines if m["type"] not in ("heartbeat", "disconnect")]


async def head(server) -> int:
    """The current position, from the first heartbeat of a stream that starts now."""
    lines = await read_http(server, "", count=0, until_seq=0)
    assert lines[0]["type"] == "heartbeat"
    return lines[0]["seq"]


async def test_public_events_in_order_with_accounts_and_nothing_private(server, api):
    alice, bob = await api.user("alice"), await api.user("bob")
    start = await head(server)
    public = await post(api, alice, "hello firehose")
    await post(api, alice, "only for followers", visibility="private")
    await post(api, alice, "a direct word @" + bob.username, visibility="direct")
    await api.call(bob, "POST", f"/api/v1/statuses/{public}/favourite")
    await api.call(bob, "POST", f"/api/v1/statuses/{public}/bookmark")
    await api.call(bob, "POST", f"/api/v1/accounts/{alice.id}/follow")
    last = await post(api, bob, "the end")

    lines = await read_http(server, f"cursor={start}", until_seq=None, count=4)
    got = only_events(lines)
    assert [m["type"] for m in got] == ["post.created", "post.liked", "graph.followed",
                                        "post.created"]
    assert [m["seq"] for m in got] == sorted(m["seq"] for m in got)
    assert all(m["seq"] > start for m in got)
    first = got[0]
    assert first["data"]["status_id"] == public and first["data"]["text"] == "hello firehose"
    assert first["account"] == {"id": alice.id, "username": alice.username,
                                "acct": alice.username}
    assert first["created_at"].endswith("Z")
    assert got[1]["account"]["id"] == bob.id
    assert got[3]["data"]["status_id"] == last
    text = json.dumps(lines)
    assert "only for followers" not in text and "a direct word" not in text
    assert "post.bookmarked" not in text


async def test_resume_from_cursor_gets_each_event_once(server, api):
    carol = await api.user("carol")
    start = await head(server)
    ids = [await post(api, carol, f"numbered {i}") for i in range(6)]
    first = only_events(await read_http(server, f"cursor={start}", count=2))
    assert [m["data"]["status_id"] for m in first] == ids[:2]
    resumed = only_events(await read_http(server, f"cursor={first[-1]['seq']}", count=4))
    assert [m["data"]["status_id"] for m in resumed] == ids[2:]
    seqs = [m["seq"] for m in first + resumed]
    assert len(set(seqs)) == len(seqs) == 6


async def test_live_tail_delivers_new_events(server, api):
    dora = await api.user("dora")
    start = await head(server)
    reader = asyncio.create_task(read_http(server, f"cursor={start}", count=3))
    await asyncio.sleep(0.3)
    ids = [await post(api, dora, f"live {i}") for i in range(3)]
    got = only_events(await reader)
    assert [m["data"]["status_id"] for m in got] == ids


async def test_filters_by_type_and_account(server, api):
    erin, fred = await api.user("erin"), await api.user("fred")
    start = await head(server)
    e1 = await post(api, erin, "erin one")
    f1 = await post(api, fred, "fred one")
    await api.call(fred, "POST", f"/api/v1/statuses/{e1}/favourite")
    e2 = await post(api, erin, "erin two")
    await api.call(erin, "POST", f"/api/v1/statuses/{f1}/favourite")

    by_erin = only_events(await read_http(server, f"cursor={start}&account_id={erin.id}",
                                          count=3))
    assert [(m["type"], m["data"]["status_id"]) for m in by_erin] == [
        ("post.created", e1), ("post.created", e2), ("post.liked", f1)]
    likes = only_events(await read_http(server, f"cursor={start}&types=post.liked", count=2))
    assert [m["account"]["id"] for m in likes] == [fred.id, erin.id]
    lines = await read_http(server, f"cursor={start}&types=post.liked&account_id={fred.id}",
                            count=1)
    assert only_events(lines)[0]["data"]["status_id"] == e1


async def test_bad_filters_are_refused(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        r = await client.get(f"{PATH}?types=post.nonsense")
        assert r.status_code == 422 and "post.nonsense" in r.json()["error"]
        r = await client.get(f"{PATH}?cursor=abc")
        assert r.status_code == 422


async def test_deletion_is_a_tombstone_and_old_text_is_withheld(server, api):
    gina = await api.user("gina")
    start = await head(server)
    doomed = await post(api, gina, "regrettable words")
    await api.call(gina, "DELETE", f"/api/v1/statuses/{doomed}")
    lines = await read_http(server, f"cursor={start}", count=2)
    created, deleted = only_events(lines)
    assert created["type"] == "post.created" and created["data"]["status_id"] == doomed
    assert created["data"]["text"] == ""
    assert deleted["type"] == "post.deleted"
    assert deleted["tombstone"] == {"kind": "status", "id": doomed}
    assert "regrettable" not in json.dumps(lines)


async def test_websocket_sends_the_same_messages(server, api):
    hank = await api.user("hank")
    start = await head(server)
    ids = [await post(api, hank, f"ws {i}") for i in range(2)]
    ws_url = server.url.replace("http://", "ws://") + f"{PATH}?cursor={start}"
    got: list[dict] = []
    async with websockets.connect(ws_url) as ws:
        while len(got) < 3:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if msg["type"] != "heartbeat":
                got.append(msg)
                if len(got) == 2:
                    ids.append(await post(api, hank, "ws live"))
    assert [m["data"]["status_id"] for m in got] == ids
    http = only_events(await read_http(server, f"cursor={start}", count=3))
    assert http == got


async def test_generated_pictures_in_a_public_post_bring_their_generation_and_pick(server, api):
    hana = await api.user("hana")
    start = await head(server)
    gen = await api.generated(hana, "a lighthouse at night", n="3", seed="7")
    shown = [c["id"] for c in gen["candidates"]]
    media = (await api.call(hana, "POST", f"/api/v1/roost/generations/{gen['id']}/pick",
                            data={"candidate_ids[]": shown[:2]})).json()
    status = await post(api, hana, "my lighthouse", **{"media_ids[]": media[0]["id"]})
    lines = await read_http(server, f"cursor={start}&types=ai.generation_posted", count=1)
    [msg] = only_events(lines)
    assert msg["account"]["id"] == hana.id
    data = msg["data"]
    assert (data["status_id"], data["generation_id"], data["prompt"]) == (
        status, gen["id"], "a lighthouse at night")
    assert (data["shown"], data["picked"], data["posted"]) == (shown, shown[:2], shown[:1])
    assert data["media_ids"] == [media[0]["id"]] and data["seed"] == 7
    assert data["provider"] and data["model"] and data["aspect_ratio"]
    # the generation's own events stay private: nothing was public before the post
    everything = only_events(await read_http(server, f"cursor={start}", until_seq=msg["seq"]))
    assert {m["type"] for m in everything} == {"post.created", "ai.generation_posted"}
    # deleted: replayed, the prompt is withheld as the text is
    await api.call(hana, "DELETE", f"/api/v1/statuses/{status}")
    [again] = only_events(await read_http(server, f"cursor={start}&types=ai.generation_posted",
                                          count=1))
    assert again["data"]["prompt"] == "" and "lighthouse" not in json.dumps(again)
