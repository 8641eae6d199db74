"""Writing one archive: a ZIP file, each JSON file streamed in batches (see contents.py), the media
copied from the store in chunks. Written to a temporary name and renamed when complete, so a
crashed build never leaves a half archive under its final name."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from roost import runtime
from roost.archives import contents as c
from roost.db import Database
from roost.kit.clock import utcnow
from roost.media import storage
from roost.models import Account, Bookmark, Favourite

README = """\
Your data from {site}: @{username}
Archive made on {made} (UTC).

This archive holds what you have on {site}. Every .json file is UTF-8 JSON; ids are strings and
times are ISO 8601 in UTC.

  account.json      your profile, your sign-in details less their secrets (no password, no
                    sessions, no app tokens), and your preferences
  posts.json        your posts, replies and reposts (not the deleted ones): text, visibility,
                    language, tags, polls, attached media (with the prompt and provenance of
                    AI-made pictures) and every earlier version of edited posts
  outbox.json       the same posts as an ActivityStreams OrderedCollection (Create and Announce
                    activities), the format of Mastodon's archives
  media/            the files you uploaded or picked, exactly as stored; media/profile/ your
                    profile picture and header; media/generations/ the pictures generated for you
                    that are still kept. posts.json and generations.json name each file.
  follows.json      the accounts you follow
  followers.json    the accounts that follow you
  likes.json        the posts you liked
  bookmarks.json    the posts you bookmarked
  blocks.json       the accounts you block
  mutes.json        the accounts you mute
  lists.json        your lists and who is in them
  generations.json  your AI image generations: prompt, parameters, model, and each candidate shown
                    to you, with the one you picked
  notes.json        the notes you wrote to add context to posts
  feedback.json     your ratings of notes and of the assistant's answers, and the posts you asked
                    to see more or less like
  consent.json      your training-data consent now, every change you made to it, and the posts you
                    excluded one by one

Files that were missing from storage when the archive was made are left out.
"""


class ZipWriter:
    """A ZIP being written; every disk write runs in a thread."""

    def __init__(self, path: Path) -> None:
        self.zf = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.names: set[str] = set()

    async def text(self, name: str, text: str) -> None:
        await asyncio.to_thread(self.zf.writestr, name, text)

    async def json(self, name: str, value: Any) -> None:
        await self.text(name, json.dumps(value, ensure_ascii=False, indent=1) + "\n")

    async def array(self, name: str, batches: AsyncIterator[list], *, head: str = "",
                    tail: str = "") -> int:
        """A JSON array from batches of items, one batch in memory at a time. `head` and `tail`
        wrap it (to stream an array that is one member of an object). How many items."""
        stream = await asyncio.to_thread(self.zf.open, name, "w", force_zip64=True)
        count = 0
        try:
            await asyncio.to_thread(stream.write, f"{head}[".encode())
            async for batch in batches:
                chunk = "".join(("," if count + i else "") + "\n" + json.dumps(item, ensure_ascii=False)
                                for i, item in enumerate(batch))
                count += len(batch)
                await asyncio.to_thread(stream.write, chunk.encode())
            await asyncio.to_thread(stream.write, f"\n]{tail}\n".encode())
        finally:
            await asyncio.to_thread(stream.close)
        return count

    async def file(self, source: Path, name: str) -> None:
        if name not in self.names:  # a picked candidate's copy is its own file; names never clash
            self.names.add(name)
            await asyncio.to_thread(self.zf.write, source, name)

    async def close(self) -> None:
        await asyncio.to_thread(self.zf.close)


async def write_archive(db: Database, account_id: int, directory: Path, archive_id: int) -> tuple[str, int]:
    """Write the account's archive under `directory`; (file name, size in bytes)."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{archive_id}-{secrets.token_hex(8)}.zip"
    tmp = directory / f".tmp-{name}"
    try:
        await _write(db, account_id, tmp)
        os.replace(tmp, directory / name)
    finally:
        tmp.unlink(missing_ok=True)
    return name, (directory / name).stat().st_size


async def _write(db: Database, account_id: int, path: Path) -> None:
    profile = await c.account(db, account_id)
    username = profile["username"]
    out = ZipWriter(path)
    try:
        await out.text("README.txt", README.format(
            site=runtime.settings().domain, username=username,
            made=utcnow().strftime("%Y-%m-%d %H:%M")))
        await out.json("account.json", profile)
        await out.array("posts.json", c.posts(db, account_id, username))
        actor = f"{c.base_url()}/@{username}"
        await out.array("outbox.json", c.outbox(db, account_id, username), head=json.dumps({
            "@context": "https://www.w3.org/ns/activitystreams", "id": f"{actor}/outbox",
            "type": "OrderedCollection"})[:-1] + ', "orderedItems": ', tail="}")
        await out.array("follows.json", c.follows(db, account_id))
        await out.array("followers.json", c.follows(db, account_id, followers=True))
        await out.array("likes.json", c.reactions(db, account_id, Favourite))
        await out.array("bookmarks.json", c.reactions(db, account_id, Bookmark))
        await out.array("blocks.json", c.blocks(db, account_id))
        await out.array("mutes.json", c.mutes(db, account_id))
        await out.array("lists.json", c.lists(db, account_id))
        await out.array("generations.json", c.generations(db, account_id))
        await out.array("notes.json", c.notes(db, account_id))
        await out.array("feedback.json", c.feedback(db, account_id))
        head = json.dumps({"training": profile["training_consent"],
                           "history": await c.consent_history(db, account_id)})
        await out.array("consent.json", c.excluded_posts(db, account_id),
                        head=head[:-1] + ', "excluded_posts": ', tail="}")
        await _media(db, account_id, out)
    finally:
        await out.close()


async def _media(db: Database, account_id: int, out: ZipWriter) -> None:
    store = storage.get_storage()
    async with db.read_session() as s:
        a = await s.get(Account, account_id)
        own = [(p, c.profile_name(p)) for p in (a.avatar_path, a.header_path) if a and p]
    for stored, name in own:
        if (local := store.local_file(stored)) is not None:
            await out.file(local, name)
    async for batch in c.media_paths(db, account_id):
        for stored, name in batch:
            if (local := store.local_file(stored)) is not None:
                await out.file(local, name)
