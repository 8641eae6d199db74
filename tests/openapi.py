"""The Mastodon OpenAPI document in ../shared (beside the checkout), and a shape check against it."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import jsonschema_rs

_CANDIDATES = [
    Path(__file__).resolve().parents[2] / "shared" / "mastodon-openapi" / "schema.json",
    Path("/work/shared/mastodon-openapi/schema.json"),
]


def schema_path() -> Path:
    """ROOST_MASTODON_OPENAPI, else shared/ beside the checkout."""
    if os.environ.get("ROOST_MASTODON_OPENAPI"):
        return Path(os.environ["ROOST_MASTODON_OPENAPI"])
    for candidate in _CANDIDATES:
        if candidate.exists():
            return candidate
    raise FileNotFoundError("shared/mastodon-openapi/schema.json not found beside the checkout; "
                            "set ROOST_MASTODON_OPENAPI")


@cache
def schema() -> dict:
    return json.loads(schema_path().read_text())


def check_schema(name: str, data: object) -> None:
    """Assert `data` has the shape of components/schemas/`name`."""
    validator = jsonschema_rs.validator_for({"$ref": f"#/components/schemas/{name}",
                                             "components": schema()["components"]})
    errors = [e.message for e in validator.iter_errors(data)]
    assert not errors, errors
