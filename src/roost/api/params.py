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
        if value and all(k.isdigit() for k in value):
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
    return {k: _to_dict_lists(v) for k, v in out.items()}


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


def as_int(value: Any, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise BadRequest("Expected a whole number") from exc
