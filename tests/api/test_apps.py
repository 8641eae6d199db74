"""POST /api/v1/apps and GET /api/v1/apps/verify_credentials."""

from __future__ import annotations


from tests.openapi import check_schema



async def test_create_app_json_with_array(api):
    r = await api.post("/api/v1/apps", json={
        "client_name": "Tusky", "redirect_uris": ["https://a.example/cb", "myapp://oauth"],
        "scopes": "read write push", "website": "https://tusky.app"})
    assert r.status_code == 200, r.text
    body = r.json()
    check_schema("CredentialApplication", body)
    assert body["name"] == "Tusky" and body["website"] == "https://tusky.app"
    assert body["scopes"] == ["read", "write", "push"]
    assert body["redirect_uris"] == ["https://a.example/cb", "myapp://oauth"]
    assert body["redirect_uri"] == "https://a.example/cb\nmyapp://oauth"
    assert body["client_secret_expires_at"] == 0 and body["vapid_key"] == ""
    assert body["client_id"] and body["client_secret"] and body["client_id"] != body["client_secret"]
    assert isinstance(body["id"], str)


async def test_create_app_form_defaults_to_read(api):
    r = await api.post("/api/v1/apps", data={"client_name": "toot",
                                              "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})
    assert r.status_code == 200, r.text
    assert r.json()["scopes"] == ["read"] and r.json()["website"] is None
    assert r.json()["redirect_uris"] == ["urn:ietf:wg:oauth:2.0:oob"]
    r = await api.post("/api/v1/apps", data={"client_name": "two", "scopes": "read+write",
                                              "redirect_uris[]": ["https://x.example/a", "https://x.example/b"]})
    assert r.status_code == 200
    assert r.json()["scopes"] == ["read", "write"] and len(r.json()["redirect_uris"]) == 2


async def test_create_app_validation(api):
    cases = [
        {"redirect_uris": "https://a.example/cb"},                               # no name
        {"client_name": "x"},                                                    # no redirect
        {"client_name": "x", "redirect_uris": "not a uri"},
        {"client_name": "x", "redirect_uris": "https://a.example", "scopes": "read destroy"},
        {"client_name": "x" * 201, "redirect_uris": "https://a.example"},
        {"client_name": "x", "redirect_uris": "https://a.example", "website": "https://" + "w" * 600},
        {"client_name": "x", "redirect_uris": "https://a.example", "website": "javascript:alert(1)"},
    ]
    for case in cases:
        r = await api.post("/api/v1/apps", json=case)
        assert r.status_code == 422, (case, r.text)
        assert r.json()["error"].startswith("Validation failed")


async def test_verify_credentials_needs_a_token(api, make):
    r = await api.get("/api/v1/apps/verify_credentials")
    assert r.status_code == 401
    r = await api.get("/api/v1/apps/verify_credentials", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    alice = await make.account()
    r = await api.get("/api/v1/apps/verify_credentials", headers=alice.headers)
    assert r.status_code == 200
    body = r.json()
    check_schema("Application", body)
    assert body["name"] == "Test client" and "client_secret" not in body


async def test_verify_credentials_with_client_credentials(api):
    app = (await api.post("/api/v1/apps", json={"client_name": "Bot", "redirect_uris": "https://b.example",
                                                 "scopes": "read write"})).json()
    tok = (await api.post("/oauth/token", json={"grant_type": "client_credentials",
                                                "client_id": app["client_id"],
                                                "client_secret": app["client_secret"]})).json()
    assert tok["scope"] == "read"
    r = await api.get("/api/v1/apps/verify_credentials",
                      headers={"Authorization": f"Bearer {tok['access_token']}"})
    assert r.status_code == 200 and r.json()["id"] == app["id"]
    assert r.json()["scopes"] == ["read", "write"]
