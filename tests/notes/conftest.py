from __future__ import annotations

import pytest


@pytest.fixture
def notes_api(api):
    """Small helpers around the notes endpoints."""

    class Notes:
        async def add(self, person, status_id, text="Context: the photo is from 2019."):  # noqa: ANN001
            return await api.post(f"/api/v1/roost/statuses/{status_id}/notes", json={"text": text},
                                  headers=person.headers)

        async def list(self, status_id, person=None):  # noqa: ANN001
            return await api.get(f"/api/v1/roost/statuses/{status_id}/notes",
                                 headers=person.headers if person else {})

        async def rate(self, person, note_id, helpful, reason=None):  # noqa: ANN001
            body = {"helpful": helpful} if reason is None else {"helpful": helpful, "reason": reason}
            return await api.post(f"/api/v1/roost/notes/{note_id}/rating", json=body,
                                  headers=person.headers)

    return Notes()
