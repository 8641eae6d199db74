"""The capture endpoints are in the OpenAPI document, with their bodies and answers."""

from __future__ import annotations


async def test_the_capture_routes_are_documented(api):
    doc = (await api.get("/api/openapi.json")).json()
    base = "/api/v1/roost/statuses/{status_id}"
    paths = doc["paths"]
    assert set(paths[f"{base}/feedback"]) == {"get", "post", "delete"}
    assert set(paths[f"{base}/rating"]) == {"get", "post", "delete"}
    opened = paths[f"{base}/opened"]["post"]
    body = opened["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["what"]["enum"] == ["thread", "image"]
    assert "recorded" in opened["responses"]["200"]["content"]["application/json"]["schema"][
        "properties"]
    rating = paths[f"{base}/rating"]["post"]["requestBody"]["content"]
    assert rating["application/x-www-form-urlencoded"]["schema"]["required"] == ["rating"]
    regenerate = paths[f"{base}/regenerate"]["post"]
    assert "202" in regenerate["responses"] and regenerate["tags"] == ["capture"]
    assert not any(p.startswith("/statuses/") for p in paths)  # the web forms are not API
