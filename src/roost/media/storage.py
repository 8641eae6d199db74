"""Where media files live. One small interface (save, delete, scan, local_file) with a local-disk
implementation under settings.media_dir; an object store can implement the same methods later.

Paths are relative, '/'-separated, and carry a random part so that a URL cannot be guessed from an
id: attachments/ab/cd/<media id>-<random>.jpg (its thumbnail: ...-<random>-small.jpg),
avatars/ab/cd/<account id>-<random>.png, headers/ab/cd/<account id>-<random>.jpg."""

from __future__ import annotations

import asyncio
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from roost import runtime

PREFIXES = ("attachments", "avatars", "headers")
TMP_PREFIX = ".tmp-"


@dataclass
class StoredFile:
    path: str
    modified_at: datetime


class Storage(Protocol):
    async def save(self, path: str, data: bytes) -> None: ...

    async def delete(self, path: str) -> None: ...

    async def scan(self, prefix: str) -> list[StoredFile]: ...

    async def delete_any(self, path: str) -> None: ...

    def local_file(self, path: str) -> Path | None: ...


def _random_dirs() -> tuple[str, str]:
    token = secrets.token_hex(8)
    return f"{token[:2]}/{token[2:4]}", token


def attachment_paths(media_id: int, ext: str, thumb_ext: str) -> tuple[str, str]:
    dirs, token = _random_dirs()
    base = f"attachments/{dirs}/{media_id}-{token}"
    return f"{base}.{ext}", f"{base}-small.{thumb_ext}"


def profile_path(kind: str, account_id: int, ext: str) -> str:
    dirs, token = _random_dirs()
    return f"{kind}s/{dirs}/{account_id}-{token}.{ext}"


def owner_id(path: str) -> int | None:
    """The media or account id a stored file's name starts with."""
    name = path.rsplit("/", 1)[-1]
    head = name.split("-", 1)[0]
    return int(head) if head.isdigit() and len(head) <= 19 else None


def clean(path: str) -> str | None:
    """A safe relative path, or None: no absolute paths, no '..', no hidden or empty parts."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return None
    return "/".join(parts)


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _full(self, path: str) -> Path:
        safe = clean(path)
        if safe is None:
            raise ValueError(f"unsafe media path {path!r}")
        return self.root / safe

    def _write(self, path: str, data: bytes) -> None:
        full = self._full(path)
        full.parent.mkdir(parents=True, exist_ok=True)
        tmp = full.parent / f"{TMP_PREFIX}{secrets.token_hex(6)}"
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
            os.replace(tmp, full)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    async def save(self, path: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, path, data)

    async def delete(self, path: str) -> None:
        try:
            full = self._full(path)
        except ValueError:
            return
        await asyncio.to_thread(full.unlink, missing_ok=True)

    def _scan(self, prefix: str) -> list[StoredFile]:
        out: list[StoredFile] = []
        stack = [(self.root / prefix, prefix)]
        while stack:
            directory, rel = stack.pop()
            try:
                entries = list(os.scandir(directory))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), f"{rel}/{entry.name}"))
                    continue
                try:
                    mtime = entry.stat(follow_symlinks=False).st_mtime
                except FileNotFoundError:
                    continue
                out.append(StoredFile(f"{rel}/{entry.name}", datetime.fromtimestamp(mtime, tz=UTC)))
        return out

    async def scan(self, prefix: str) -> list[StoredFile]:
        """Every file under `prefix` (temporary ones included), for the orphan sweep."""
        return await asyncio.to_thread(self._scan, prefix)

    def _delete_raw(self, path: str) -> None:
        # The sweep also removes leftover temporary files, which clean() refuses.
        full = self.root / path
        if ".." not in path.split("/") and full.resolve().is_relative_to(self.root.resolve()):
            full.unlink(missing_ok=True)

    async def delete_any(self, path: str) -> None:
        await asyncio.to_thread(self._delete_raw, path)

    def local_file(self, path: str) -> Path | None:
        """The file to serve for a URL path, or None when it is unsafe or missing."""
        safe = clean(path)
        if safe is None:
            return None
        root = self.root.resolve()
        full = (root / safe).resolve()
        if not full.is_relative_to(root) or not full.is_file():
            return None
        return full


def get_storage() -> Storage:
    return LocalStorage(runtime.settings().media_dir)
