"""Avatars and headers: cropped, stripped, stored, swapped (the accounts API calls these)."""

from __future__ import annotations

import io

import pytest
from starlette.datastructures import UploadFile

from roost.api.mastodon import serializers as ser
from roost.kit.errors import Invalid
from roost.media import service
from roost.models import Account
from tests.media import images


async def store(db, person, data: bytes, kind: str) -> tuple[str, dict]:
    async with db.unit_of_work() as s:
        acc = await s.get(Account, person.account.id)
        path = await service.store_profile_image(s, acc, UploadFile(io.BytesIO(data)), kind=kind)
        return path, ser.account(acc)


async def test_avatar_and_header_are_cropped_stripped_and_served(api, app, db, make):
    alice = await make.account()
    photo = images.jpeg_with_gps(orientation=6, size=(1200, 700))
    avatar_path, shown = await store(db, alice, photo, "avatar")
    header_path, shown = await store(db, alice, photo, "header")
    assert avatar_path.startswith("avatars/") and header_path.startswith("headers/")
    assert shown["avatar"] == f"http://roost.test/media/{avatar_path}"
    assert shown["header"] == f"http://roost.test/media/{header_path}"

    for path, size in ((avatar_path, (400, 400)), (header_path, (1500, 500))):
        r = await api.get(f"/media/{path}")
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        assert b"SpyCam" not in r.content and b"Exif" not in r.content
        im = images.open_bytes(r.content)
        assert im.size == size and not im.getexif()


async def test_replacing_an_avatar_removes_the_old_file_after_commit(app, db, make):
    alice = await make.account()
    first, _ = await store(db, alice, images.png_with_text(alpha=True), "avatar")
    assert first.endswith(".png")  # transparency kept
    old_file = app.state.settings.media_dir / first
    assert old_file.exists()
    second, _ = await store(db, alice, images.gif(1), "avatar")
    assert second != first and not old_file.exists()
    assert (app.state.settings.media_dir / second).exists()

    async with db.unit_of_work() as s:
        acc = await s.get(Account, alice.account.id)
        await service.clear_profile_image(s, acc, kind="avatar")
        assert ser.account(acc)["avatar"] == "http://roost.test/static/avatar-missing.png"
    assert not (app.state.settings.media_dir / second).exists()


async def test_a_failed_update_keeps_the_old_avatar(app, db, make):
    alice = await make.account()
    first, _ = await store(db, alice, images.gif(1), "avatar")
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as s:
            acc = await s.get(Account, alice.account.id)
            await service.store_profile_image(s, acc, UploadFile(io.BytesIO(images.webp())))
            raise RuntimeError("rolled back")
    assert (app.state.settings.media_dir / first).exists()
    async with db.session() as s:
        assert (await s.get(Account, alice.account.id)).avatar_path == first


async def test_profile_images_refuse_non_images_and_bombs(db, make):
    alice = await make.account()
    for data in (b"plain text", images.bomb_png(50_000, 50_000)):
        with pytest.raises(Invalid):
            await store(db, alice, data, "header")
