"""Redis home feeds (being written)."""

from __future__ import annotations


async def fan_out(session, redis, status_id: int) -> None:  # noqa: ANN001
    raise NotImplementedError


async def unfan(session, redis, status_id: int, account_id: int) -> None:  # noqa: ANN001
    raise NotImplementedError
