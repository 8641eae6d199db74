"""Small real HTTP servers on loopback that answer like the OpenAI images and moderations APIs
and Automatic1111's txt2img, for the provider tests. They serve real PNGs (a colour from the
seed or the call count) and record every request; `mode` makes them fail on purpose."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import socket
import threading
import time
from dataclasses import dataclass, field

import uvicorn
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def png_b64(width: int, height: int, colour: tuple[int, int, int]) -> str:
    img = Image.new("RGB", (width, height), colour)
    img.putpixel((0, 0), (255 - colour[0], 255 - colour[1], 255 - colour[2]))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def colour_of(n: int) -> tuple[int, int, int]:
    return ((n * 67) % 256, (n * 131 + 40) % 256, (n * 29 + 90) % 256)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict


@dataclass
class FakeServer:
    """`mode`: "ok", "500" (HTTP 500 with an OpenAI-style error that echoes the API key), "401",
    "slow" (answers after `delay` seconds), "garbage" (200 with a body of the wrong shape)."""

    url: str = ""
    mode: str = "ok"
    delay: float = 2.0
    flag: set[str] = field(default_factory=set)  # words the moderation endpoint flags
    requests: list[Recorded] = field(default_factory=list)
    server: uvicorn.Server | None = None

    def reset(self) -> None:
        self.mode, self.requests, self.flag = "ok", [], set()

    def last(self, path: str) -> Recorded:
        return [r for r in self.requests if r.path == path][-1]

    async def _failure(self, request: Request) -> JSONResponse | None:
        if self.mode == "slow":
            await asyncio.sleep(self.delay)
        if self.mode == "500":
            key = request.headers.get("authorization", "").removeprefix("Bearer ")
            return JSONResponse({"error": {"message": f"model not loaded (key {key})",
                                           "type": "server_error"}}, status_code=500)
        if self.mode == "401":
            key = request.headers.get("authorization", "").removeprefix("Bearer ")
            return JSONResponse({"error": {"message": f"Incorrect API key provided: {key}",
                                           "type": "invalid_request_error"}}, status_code=401)
        if self.mode == "garbage":
            return JSONResponse({"unexpected": True})
        return None

    async def _record(self, request: Request) -> dict:
        body = json.loads(await request.body() or b"{}")
        self.requests.append(Recorded(request.url.path, dict(request.headers), body))
        return body

    async def images(self, request: Request) -> JSONResponse:
        body = await self._record(request)
        if (failed := await self._failure(request)) is not None:
            return failed
        w, h = (int(x) for x in body["size"].split("x"))
        calls = sum(1 for r in self.requests if r.path == request.url.path)
        data = [{"b64_json": png_b64(w, h, colour_of(calls * 10 + i)),
                 "revised_prompt": body["prompt"] + ", detailed"} for i in range(body["n"])]
        return JSONResponse({"created": int(time.time()), "data": data})

    async def txt2img(self, request: Request) -> JSONResponse:
        body = await self._record(request)
        if (failed := await self._failure(request)) is not None:
            return failed
        seeds = [body["seed"] + i for i in range(body["batch_size"])]
        images = [png_b64(body["width"], body["height"], colour_of(s)) for s in seeds]
        # A1111 sends a grid of the batch first when it makes one; this server does not.
        info = {"all_seeds": seeds, "seed": body["seed"], "sampler_name": "Euler a",
                "sd_model_name": "tiny-test-model", "sd_model_hash": "0123abcd"}
        return JSONResponse({"images": images, "parameters": body, "info": json.dumps(info)})

    async def moderations(self, request: Request) -> JSONResponse:
        body = await self._record(request)
        if (failed := await self._failure(request)) is not None:
            return failed
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        results = []
        for text in texts:
            hit = any(word in text.lower() for word in self.flag)
            results.append({"flagged": hit,
                            "categories": {"violence": hit, "harassment": False},
                            "category_scores": {"violence": 0.97 if hit else 0.01,
                                                "harassment": 0.02}})
        return JSONResponse({"id": "modr-1", "model": body.get("model", "default"),
                             "results": results})


def start() -> FakeServer:
    fake = FakeServer()
    app = Starlette(routes=[
        Route("/v1/images/generations", fake.images, methods=["POST"]),
        Route("/v1/moderations", fake.moderations, methods=["POST"]),
        Route("/sdapi/v1/txt2img", fake.txt2img, methods=["POST"]),
    ])
    port = free_port()
    fake.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                                log_level="warning", lifespan="off"))
    threading.Thread(target=fake.server.run, daemon=True).start()
    deadline = time.time() + 10
    while not fake.server.started:
        if time.time() > deadline:
            raise RuntimeError("the fake server did not start")
        time.sleep(0.02)
    fake.url = f"http://127.0.0.1:{port}"
    return fake


def stop(fake: FakeServer) -> None:
    if fake.server is not None:
        fake.server.should_exit = True
