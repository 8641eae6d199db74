"""The dataset kinds, one module each, registered by name.

A kind says which events reveal its items (`types`, and `keys` turns one event into item ids),
and builds the rows for a list of item ids (`rows`): new items from the events after the base
build, and the base build's items carried forward, all checked again against consent now."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from roost.datasets.context import Config, Context, Row
from roost.models import Event


@dataclass(frozen=True)
class Kind:
    name: str
    needs: str            # the consent level every person in a row must allow: public_posts | all
    summary: str
    consent: str          # the consent basis, in words, for the dataset card
    types: tuple[str, ...]
    configs: tuple[Config, ...]
    keys: Callable[[Event], list[str]]
    rows: Callable[[Context, list[str], int], Awaitable[list[Row]]]  # (ctx, item ids, to_seq)
    task_categories: tuple[str, ...] = ()
    deduplicated: bool = False


def registry() -> dict[str, Kind]:
    from roost.datasets.kinds import (conversations, engagement, image_preferences, image_text,
                                      notes, posts)

    kinds = [image_preferences.KIND, conversations.KIND, posts.KIND, image_text.KIND,
             engagement.KIND, notes.KIND]
    return {k.name: k for k in kinds}


NAMES = ("image-preferences", "conversations", "posts", "image-text", "engagement", "notes")
