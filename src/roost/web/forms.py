"""Small helpers for web forms that a service validates: read a field, turn a service's
validation error into messages per field, and undo a failed write before the form comes back."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from roost.db import rollback
from roost.kit.errors import RoostError

PREFIX = "Validation failed: "


def text(form: dict[str, Any], name: str) -> str:
    """A text field ("" when missing or not text)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def checked(form: dict[str, Any], name: str) -> bool:
    """A checkbox: sent (with any value but "0") means on."""
    return text(form, name) not in ("", "0")


def upload(form: dict[str, Any], name: str) -> Any:
    """A chosen file, or None when the file input was left empty (browsers still send a part
    with an empty name). Anything else that is not text is handed on for the service to refuse."""
    value = form.get(name)
    if isinstance(value, UploadFile):
        return None if not value.filename and not value.size else value
    return None if value in (None, "") else value


def message(exc: RoostError) -> str:
    text_ = exc.message.removeprefix(PREFIX)
    return text_[:1].upper() + text_[1:]


def field_errors(exc: RoostError, fields: dict[str, str]) -> dict[str, str]:
    """{form field: message} from a service error's `details` (whose keys are the API's
    parameter names; `fields` maps them to the form's); "_form" when no field is named."""
    for key in exc.details or {}:
        if key in fields:
            return {fields[key]: message(exc)}
    return {"_form": message(exc)}


async def undo(session: AsyncSession, *rows: Any) -> None:
    """Roll back what a failed service call may have half-written, and reload `rows` (the page
    about to be rendered reads them)."""
    await rollback(session)
    for row in rows:
        if row is not None:
            await session.refresh(row)
