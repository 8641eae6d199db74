"""The ceiling: a bare Starlette app with one JSON endpoint, served by uvicorn the way
`roost serve` serves Roost (one process, uvicorn's automatic uvloop + httptools, the same
uvicorn.Config options). Whatever it reaches is the most a Python ASGI app can do here;
Roost's figures are read against it.

    .venv/bin/python benchmarks/ceiling.py --port 8100
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def hello(request: Request) -> JSONResponse:
    return JSONResponse({"id": "1", "content": "<p>Hello, world.</p>", "ok": True})


app = Starlette(routes=[Route("/", hello)])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8100)
    args = ap.parse_args()
    # as roost.cli.serving.serve_app configures uvicorn, with ROOST_LOG_LEVEL=warning
    config = uvicorn.Config(app, host=args.host, port=args.port, lifespan="on", proxy_headers=True,
                            log_level="warning", server_header=False)
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
