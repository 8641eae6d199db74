"""`roost demo`: a small, lively community seeded into a fresh data directory."""

from __future__ import annotations

from collections.abc import Callable

from roost.config import Settings
from roost.db import Database
from roost.demo.seed import DEMO_PASSWORD, DemoResult, seed_community

__all__ = ["DEMO_PASSWORD", "DemoResult", "seed_demo"]


async def seed_demo(settings: Settings, *, seed: int = 7, echo: Callable[[str], None] = print) -> DemoResult:
    """Create the database in `settings.data_dir`, migrate it and seed the community."""
    import roost.tasks  # noqa: F401 - the services enqueue jobs by name
    from roost import runtime
    from roost.services import prepare_storage

    db = Database(settings.effective_database_url)
    try:
        echo(f"Seeding a demo community in {settings.data_dir} (seed {seed})...")
        await prepare_storage(settings, db, migrate=True)
        runtime.bind(db=db, redis=None, settings=settings)
        result = await seed_community(db, seed=seed, echo=echo)
        c = result.counts
        echo(f"Seeded {c['accounts']} accounts, {c['follows']} follows, {c['posts']} posts "
             f"({c['replies']} replies, {c['pictures']} pictures), {c['likes']} likes, "
             f"{c['reposts']} reposts in {result.seconds:.1f} s.")
        return result
    finally:
        await db.dispose()

