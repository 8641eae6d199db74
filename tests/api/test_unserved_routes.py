"""Operations of the Mastodon schema that Roost does not serve (Mastodon 4.4 and later, admin
tools, streaming's own server) answer a clean Mastodon-shaped 404 or 405, never a server error."""

from __future__ import annotations

import json
import re

from fastapi import FastAPI

from tests.compat.test_schema_conformance import served_operations
from tests.openapi import schema_path


def _unserved(app: FastAPI) -> list[tuple[str, str]]:
    schema = json.loads(schema_path().read_text())
    served = set(served_operations(app, schema))
    return sorted((method.upper(), path) for path, item in schema["paths"].items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")
                  and f"{method.upper()} {path}" not in served)


async def test_unserved_schema_operations_answer_clean_errors(api, app, make):
    admin = await make.account(role="admin")
    unserved = _unserved(app)
    assert ("GET", "/api/v1/instance/terms_of_service") in unserved
    assert ("POST", "/api/v1/tags/{id}/feature") in unserved
    for method, path in unserved:
        if path.startswith("/api/v1/streaming"):
            continue  # the streaming endpoints (issue 5) live outside the API routes
        url = re.sub(r"\{[^}]*\}", "1", path)
        r = await api.request(method, url, headers=admin.headers)
        assert r.status_code in (404, 405), (method, path, r.status_code, r.text)
        assert "error" in r.json(), (method, path, r.text)
