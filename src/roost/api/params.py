"""Read request parameters the way Mastodon clients send them: JSON, urlencoded or multipart
forms, or the query string, with `name[]` arrays and `name[key]` nesting."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from roost.kit.errors import BadRequest

_BRACKETS = re.compile(r"\[([^\]]*)\]")


def _assign(out: dict, key: str, value: Any) -> None:
    if "[" not in key:
        out[key] = value
        return
    head = key[: key.index("[")]
    parts = [head] + _BRACKETS.findall(key[len(head):])
    cur: Any = out
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt_is_list = not last and parts[i + 1] == ""
        if part == "":
            if not isinstance(cur, list):
                return
            if last:
                cur.append(value)
            elif cur and isinstance(cur[-1], dict) and parts[i + 1] not in cur[-1]:
                cur = cur[-1]  # as Rails: a[][x]=1&a[][y]=2 is one object, [{x: 1, y: 2}]
            else:
                cur.append({})
                cur = cur[-1]
            continue
        if not isinstance(cur, dict):
            return
        if last:
            cur[part] = value
        else:
            if part not in cur or not isinstance(cur[part], (dict, list)):
                cur[part] = [] if nxt_is_list else {}
            cur = cur[part]


def _to_dict_lists(value: Any) -> Any:
    # {"0": {...}, "1": {...}} -> list (fields_attributes style)
    if isinstance(value, dict):
        value = {k: _to_dict_lists(v) for k, v in value.items()}
        if value and all(k.isascii() and k.isdigit() for k in value):
            return [value[k] for k in sorted(value, key=int)]
    return value


async def read_params(request: Request) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in request.query_params.multi_items():
        _assign(out, k, v)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if ctype == "application/json":
            body = await request.body()
            if body.strip():
                try:
                    data = json.loads(body)
                except (ValueError, UnicodeDecodeError) as exc:
                    raise BadRequest("Request body is not valid JSON") from exc
                if not isinstance(data, dict):
                    raise BadRequest("Request body must be a JSON object")
                for k, v in data.items():
                    if k.endswith("[]"):
                        k = k[:-2]
                    out[k] = v
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                form = await request.form(max_files=8, max_fields=200)
            except Exception as exc:  # noqa: BLE001
                raise BadRequest("Could not read the form body") from exc
            for k, v in form.multi_items():
                _assign(out, k, v)
    return {_drop_nul(k): _to_dict_lists(_drop_nul(v)) for k, v in out.items()}


def _drop_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL: no string read from a request carries one."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_drop_nul(v) for v in value]
    if isinstance(value, dict):
        return {_drop_nul(k): _drop_nul(v) for k, v in value.items()}
    return value


TRUE_WORDS, FALSE_WORDS = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def as_strict_bool(value: Any) -> Any:
    """true/false from JSON or a form; anything else is handed back unchanged, for the caller to
    refuse (where a wrong guess matters, as with consent, "maybe" must not read as false)."""
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    return value


def as_bool(value: Any, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    return str(value).strip().lower() in ("1", "true", "t", "yes", "on")


def as_str(value: Any, default: str | None = None) -> str | None:
    if value is None:
        return default
    if isinstance(value, UploadFile):
        raise BadRequest("Expected text, got a file")
    if isinstance(value, (list, dict)):
        raise BadRequest("Expected text")
    return str(value).replace("\x00", "")  # PostgreSQL text cannot hold NUL


def as_list(value: Any) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [value]


MAX_OFFSET = (1 << 63) - 1  # the largest OFFSET SQLite and PostgreSQL take; nothing lies past it
_INTEGER = re.compile(r"([+-]?)0*(\d+)", re.ASCII)


def _whole_number(value: Any) -> int | None:
    """An ASCII whole number; any of more than 19 digits counts as 2**63 (past every row)."""
    if value is None:
        return None
    match = _INTEGER.fullmatch(str(value).strip())
    if match is None:
        return None
    sign, digits = match.groups()
    n = int(digits) if len(digits) <= 19 else 1 << 63
    return -n if sign == "-" else n


def as_limit(value: Any, default: int, maximum: int) -> int:
    """Mastodon's `limit`: clamped to 1..maximum; the default when missing or not a number."""
    n = _whole_number(value)
    return default if n is None else max(1, min(n, maximum))


def as_offset(value: Any) -> int:
    """Mastodon's `offset`: clamped to 0..MAX_OFFSET; 0 when missing or not a number."""
    n = _whole_number(value)
    return 0 if n is None else max(0, min(n, MAX_OFFSET))


def as_int(value: Any, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise BadRequest("Expected a whole number") from exc


class DropNulFromQuery:
    """PostgreSQL text cannot hold NUL: drop it from every query string before any route reads it
    (read_params drops it from bodies)."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        query = scope.get("query_string", b"")
        if b"%00" in query:
            scope = dict(scope, query_string=query.replace(b"%00", b""))
        await self.app(scope, receive, send)
