"""`roost serve` and `roost worker`: the web server (uvicorn) and the job worker."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
import socket
from collections.abc import Callable, Iterator

import click
import uvicorn

from roost.cli.common import (Fail, configure_logging, data_dir_option, describe_database,
                              load_settings, mask_url, prepare, run)
from roost.config import Settings
from roost.db import Database
from roost.realtime.streams import Server as StreamsServer

WILDCARD_HOSTS = {"", "0.0.0.0", "::"}
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def local_domain(host: str, port: int) -> str:
    """The domain links use when ROOST_DOMAIN is not set: where this server listens."""
    name = "localhost" if host in WILDCARD_HOSTS else host
    if ":" in name:
        name = f"[{name}]"
    return name if port == 80 else f"{name}:{port}"


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind and listen before anything else, so a taken port is one clear line (and no race)."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise Fail(f"Cannot listen on {host!r}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise Fail(f"Port {port} on {host} is already in use: stop the program using it "
                       "or choose another port with --port") from None
        if exc.errno == errno.EACCES:
            raise Fail(f"Not allowed to listen on port {port}: ports below 1024 need privileges; "
                       "use a higher port behind a proxy") from None
        raise Fail(f"Cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def settings_for(host: str, port: int, settings: Settings) -> Settings:
    if "domain" in settings.model_fields_set:
        return settings
    return settings.model_copy(update={"domain": local_domain(host, port)})


class Server(StreamsServer):
    """uvicorn, plus our banner once it listens, and exit status 0 after a graceful stop (live
    streams are ended first: realtime/streams.py)."""

    def __init__(self, config: uvicorn.Config, banner: Callable[[], None]) -> None:
        super().__init__(config)
        self.banner = banner

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.banner()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Stop on SIGINT/SIGTERM through the event loop (woken at once, whichever thread the
        signal lands on), and exit normally afterwards instead of re-raising the signal."""
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in STOP_SIGNALS:
                loop.remove_signal_handler(sig)


def banner_lines(settings: Settings, workers: bool) -> list[str]:
    jobs = (f"in this process ({settings.worker_concurrency} at a time)" if workers
            else "not run here: start `roost worker`")
    return [
        "",
        f"Roost is running at {settings.base_url}",
        f"  Web app:       {settings.base_url}/  (open it in a browser: sign up or sign in)",
        f"  Mastodon API:  {settings.base_url}/api/v1/  (point any Mastodon app at {settings.base_url})",
        f"  Database:      {describe_database(settings)}",
        f"  Redis:         {mask_url(settings.redis_url) or 'not used'}",
        f"  Jobs:          {jobs}",
        "",
    ]


NEXT_STEPS = [
    "Next steps:",
    "  Create an admin:    roost admin create-user NAME --email YOU@example.com --admin",
    "  Connect an app:     see README.md, \"Connecting a Mastodon app\"",
    "  Try a demo:         roost demo   (a seeded community in ./roost-demo)",
    "Press Ctrl+C to stop.",
]


def serve_app(settings: Settings, *, host: str, port: int, workers: bool | None,
              extra: list[str] | None = None) -> None:
    from roost.main import create_app

    configure_logging(settings)
    sock = bind_socket(host, port)
    try:
        port = sock.getsockname()[1]  # the real one when --port 0
        settings = settings_for(host, port, settings)
        click.echo(f"Starting Roost on {settings.base_url} ({describe_database(settings)})")
        run(prepare(settings, click.echo))
        in_process = settings.workers_in_process if workers is None else workers
        app = create_app(settings, run_workers=in_process, migrate=False)
        config = uvicorn.Config(app, host=host, port=port, lifespan="on", proxy_headers=False,
                                log_level=settings.log_level.lower(), server_header=False,
                                limit_concurrency=settings.max_connections)
        lines = banner_lines(settings, in_process) + (extra if extra is not None else NEXT_STEPS)
        server = Server(config, banner=lambda: click.echo("\n".join(lines)))
        server.run(sockets=[sock])
    finally:
        sock.close()
    if not server.started:
        raise Fail("Roost could not start; the log above says why")
    click.echo("Roost stopped.")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@data_dir_option
@click.option("--workers/--no-workers", default=None,
              help="Run background jobs in this process [default: ROOST_WORKERS_IN_PROCESS, true].")
def serve(host: str, port: int, data_dir, workers: bool | None) -> None:  # noqa: ANN001
    """Run the web server (applies pending migrations first)."""
    serve_app(load_settings(data_dir), host=host, port=port, workers=workers)


async def _work(settings: Settings, concurrency: int, drain: bool) -> None:
    import roost.tasks  # noqa: F401 - register every job handler
    from roost import runtime
    from roost.jobs.worker import Worker
    from roost.services import connect_redis

    db = Database(settings.effective_database_url)
    redis = await connect_redis(settings.redis_url)
    from roost.realtime import make_broker

    broker = make_broker(redis)  # Redis: the web processes' streams hear this worker's posts
    runtime.bind(db=db, redis=redis, settings=settings, broker=broker)
    from roost.ai.assistant import account as assistant

    await assistant.start(db, settings)  # its id, for the hooks in the posts this worker makes
    from roost import idslots

    slot = await idslots.claim(db.engine, settings.data_dir)
    worker = Worker(db, concurrency=concurrency)
    try:
        if drain:
            done = await worker.drain()
            click.echo(f"Ran {done} job{'' if done == 1 else 's'}.")
            return
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, worker.stop)
        click.echo(f"Worker {worker.name} running up to {concurrency} jobs at a time. "
                   "Press Ctrl+C to stop.")
        await worker.run_forever()
        click.echo("Worker stopped.")
    finally:
        if slot is not None:
            await slot.release()
        await broker.close()
        if redis is not None:
            await redis.aclose()
        await db.dispose()


@click.command()
@click.option("--concurrency", type=click.IntRange(1, 64), default=None,
              help="Jobs run at once [default: ROOST_WORKER_CONCURRENCY].")
@click.option("--drain", is_flag=True, help="Run the jobs that are due now, then exit.")
@data_dir_option
def worker(concurrency: int | None, drain: bool, data_dir) -> None:  # noqa: ANN001
    """Run background jobs only (for deployments with several processes)."""
    settings = load_settings(data_dir)
    configure_logging(settings)
    if settings.effective_database_url.startswith("sqlite") and not drain:
        click.echo("Note: on SQLite, `roost serve` already runs the jobs in its own process; a "
                   "separate worker works too, but shares SQLite's single write lock.", err=True)
    click.echo(f"Jobs from {describe_database(settings)}")
    run(prepare(settings, click.echo))
    run(_work(settings, concurrency or settings.worker_concurrency, drain))
