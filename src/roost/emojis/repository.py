from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from roost.models import CustomEmoji

SHORTCODE_RE = re.compile(r"^[A-Za-z0-9_]{2,64}$")
IN_TEXT_RE = re.compile(r"(?<![A-Za-z0-9_:]):([A-Za-z0-9_]{2,64}):(?![A-Za-z0-9_])")


def shortcodes_in(*texts: str | None) -> set[str]:
    return {m.group(1) for t in texts if t for m in IN_TEXT_RE.finditer(t)}


async def listed(session: AsyncSession) -> list[CustomEmoji]:
    return list((await session.execute(
        select(CustomEmoji).where(CustomEmoji.disabled.is_(False))
        .order_by(CustomEmoji.category, CustomEmoji.shortcode))).scalars())


async def by_shortcodes(session: AsyncSession, codes: Iterable[str]) -> dict[str, CustomEmoji]:
    codes = list(set(codes))
    if not codes:
        return {}
    return {e.shortcode: e for e in (await session.execute(
        select(CustomEmoji).where(CustomEmoji.shortcode.in_(codes),
                                  CustomEmoji.disabled.is_(False)))).scalars()}


async def by_shortcode(session: AsyncSession, code: str) -> CustomEmoji | None:
    return (await session.execute(
        select(CustomEmoji).where(CustomEmoji.shortcode == code))).scalar_one_or_none()
