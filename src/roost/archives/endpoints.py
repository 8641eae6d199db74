"""The archive API (/api/v1/roost/archive): ask for an archive of one's data, list them, download."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from roost import runtime
from roost.api.deps import DbSession, user
from roost.api.mastodon import serializers as ser
from roost.archives import repository as repo
from roost.archives import service
from roost.auth.actor import Actor
from roost.models import Account, AccountArchive

router = APIRouter(prefix="/api/v1/roost", tags=["archive"])

ARCHIVE_SCHEMA = {"type": "object", "required": ["id", "state", "created_at"], "properties": {
    "id": {"type": "string"},
    "state": {"type": "string", "enum": list(service.STATES)},
    "created_at": {"type": "string", "format": "date-time"},
    "finished_at": {"type": ["string", "null"], "format": "date-time"},
    "expires_at": {"type": ["string", "null"], "format": "date-time"},
    "size": {"type": ["integer", "null"]},
    "error": {"type": ["string", "null"]},
    "download_url": {"type": ["string", "null"]}}}
ONE_DOC = {200: {"description": "The archive", "content": {"application/json": {
    "schema": ARCHIVE_SCHEMA}}}}
LIST_DOC = {200: {"description": "The caller's archives, newest first", "content": {
    "application/json": {"schema": {"type": "array", "items": ARCHIVE_SCHEMA}}}}}
ZIP_DOC = {200: {"description": "The archive, a ZIP file",
                 "content": {"application/zip": {"schema": {"type": "string",
                                                            "format": "binary"}}}}}


def archive_json(a: AccountArchive) -> dict:
    ready = a.state == "done"
    return {"id": str(a.id), "state": a.state, "created_at": ser.iso(a.created_at),
            "finished_at": ser.iso(a.finished_at), "expires_at": ser.iso(service.expires_at(a)),
            "size": a.size, "error": a.error,
            "download_url": (f"{runtime.public_base_url()}/api/v1/roost/archive/{a.id}/download"
                             if ready else None)}


def download_name(account: Account, archive: AccountArchive) -> str:
    return f"roost-{account.username}-{archive.created_at:%Y-%m-%d}.zip"


@router.post("/archive", summary="Ask for an archive of everything the caller has on this server",
             responses=ONE_DOC)
async def request_archive(session: DbSession, actor: Actor = user("write:accounts")) -> dict:
    return archive_json(await service.request_archive(session, actor.account))


@router.get("/archive", summary="The caller's archives, newest first, with their state",
            responses=LIST_DOC)
async def list_archives(session: DbSession, actor: Actor = user("read:accounts")) -> list[dict]:
    return [archive_json(a) for a in await repo.of_account(session, actor.account.id)]


@router.get("/archive/{archive_id}/download", summary="Download one of the caller's archives",
            responses=ZIP_DOC, response_class=FileResponse)
async def download_archive(archive_id: str, session: DbSession,
                           actor: Actor = user("read:accounts")) -> FileResponse:
    archive, path = await service.file_for_owner(session, actor.account, archive_id)
    return zip_response(path, download_name(actor.account, archive))


def zip_response(path, filename: str) -> FileResponse:  # noqa: ANN001
    return FileResponse(path, media_type="application/zip", filename=filename,
                        headers={"Cache-Control": "private, no-store",
                                 "X-Content-Type-Options": "nosniff"})
