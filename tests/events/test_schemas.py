"""Every event type in the registry: a well-formed name, string ids, and data that survives the
trip through the log (dumped to JSON, validated back by its own schema)."""

from __future__ import annotations

import json
import re
import subprocess
import types
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roost.main  # noqa: F401 - import every domain, so the registry is complete
from roost.events.schemas import REGISTRY, EventData
from tests.jobs.jobsite import REPO

ALL = sorted(REGISTRY.items())


def test_registry_is_not_empty_and_names_are_domain_dot_verb():
    assert len(REGISTRY) >= 20
    for name, cls in ALL:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", name), name
        assert cls.type == name and issubclass(cls, EventData)


def _strings(annotation) -> bool:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return all(_strings(a) for a in args if a is not type(None))
    if typing.get_origin(annotation) is list:
        return _strings(args[0])
    return annotation is str


@pytest.mark.parametrize(("name", "cls"), ALL, ids=[n for n, _ in ALL])
def test_ids_travel_as_strings(name, cls):
    for field, info in cls.model_fields.items():
        if field.endswith("_id") or field.endswith("_ids"):
            assert _strings(info.annotation), f"{name}.{field} must be a string id"


@pytest.mark.parametrize(("name", "cls"), ALL, ids=[n for n, _ in ALL])
def test_unknown_fields_are_refused(name, cls):
    assert cls.model_config.get("extra") == "forbid"
    assert cls.model_config.get("frozen") is True


def _instances(cls):
    return st.builds(cls, **{f: st.from_type(i.annotation) for f, i in cls.model_fields.items()})


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([cls for _, cls in ALL]).flatmap(_instances))
def test_every_event_validates_its_own_data(data):
    stored = json.loads(json.dumps(data.model_dump(mode="json")))
    assert REGISTRY[data.type].model_validate(stored) == data


def test_list_events_prints_every_type_as_a_markdown_table():
    out = subprocess.run([str(REPO / "scripts" / "list-events")], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    assert out.startswith("| type |")
    for name, cls in ALL:
        line = next(line for line in out.splitlines() if line.startswith(f"| `{name}` |"))
        for field in cls.model_fields:
            assert f"`{field}`" in line
