"""Instance metadata, db-backed site settings, and the discovery documents."""

from __future__ import annotations


import pytest
from sqlalchemy import select

from roost import MASTODON_API_VERSION, __version__
from roost.instance.service import update_site
from roost.kit.errors import Invalid
from roost.models import Event
from tests.openapi import check_schema



async def test_v2_instance_shape(api, make):
    await make.account("admin1", role="admin")
    r = await api.get("/api/v2/instance")
    assert r.status_code == 200
    body = r.json()
    check_schema("Instance", body)
    assert body["domain"] == "roost.test" and body["title"] == "Roost"
    assert body["version"] == f"{MASTODON_API_VERSION}+roost-{__version__}"
    conf = body["configuration"]
    assert conf["statuses"] == {"max_characters": 500, "max_media_attachments": 4,
                                "characters_reserved_per_url": 23}
    assert conf["urls"]["streaming"] == "ws://roost.test"
    assert conf["media_attachments"]["video_size_limit"] == 0
    assert "image/png" in conf["media_attachments"]["supported_mime_types"]
    assert conf["translation"] == {"enabled": False}
    assert body["registrations"]["enabled"] is True and body["registrations"]["approval_required"] is False
    assert body["api_versions"] == {"mastodon": 2}
    assert body["contact"]["account"]["username"] == "admin1"
    assert body["usage"]["users"]["active_month"] >= 0 and body["rules"] == []


@pytest.mark.parametrize("settings_overrides", [{"max_post_chars": 1000, "registrations": "approval",
                                                 "contact_email": "ops@roost.test", "https": True}])
async def test_v1_instance_and_trailing_slash(api, make):
    await make.account()
    await make.post(await make.account(), "one")
    a = await api.get("/api/v1/instance")
    b = await api.get("/api/v1/instance/")
    assert a.status_code == b.status_code == 200
    assert a.json() == b.json()
    body = a.json()
    check_schema("V1Instance", body)
    assert body["uri"] == "roost.test" and body["email"] == "ops@roost.test"
    assert body["configuration"]["statuses"]["max_characters"] == 1000
    assert body["registrations"] is True and body["approval_required"] is True
    assert body["urls"]["streaming_api"] == "wss://roost.test"
    assert body["stats"]["user_count"] >= 2 and body["stats"]["status_count"] >= 1
    assert body["contact_account"] is None or isinstance(body["contact_account"], dict)


async def test_contact_email_is_configured_else_the_oldest_admins(api, make, db):
    # found by the schema-conformance run: an unset contact email was "", which is not an email
    nobody = await api.get("/api/v2/instance")
    assert nobody.json()["contact"]["email"] == ""  # as Mastodon when none is set
    await make.account("plain")
    await make.account("Chief", role="admin")
    await make.account("second", role="admin")
    for path, pick in (("/api/v2/instance", lambda b: b["contact"]["email"]),
                       ("/api/v1/instance", lambda b: b["email"])):
        assert pick((await api.get(path)).json()) == "chief@example.com"
    async with db.unit_of_work() as s:
        await update_site(s, {"contact_email": "desk@roost.test"})
    assert (await api.get("/api/v2/instance")).json()["contact"]["email"] == "desk@roost.test"
    assert (await api.get("/api/v1/instance")).json()["email"] == "desk@roost.test"


@pytest.mark.parametrize("settings_overrides", [{"contact_email": "ops@roost.test"}])
async def test_configured_contact_email_wins_over_admins(api, make):
    await make.account("boss2", role="admin")
    assert (await api.get("/api/v2/instance")).json()["contact"]["email"] == "ops@roost.test"


async def test_site_settings_override_environment(api, make, db):
    admin = await make.account("boss", role="admin")
    async with db.unit_of_work() as s:
        await update_site(s, {
            "title": "Nest", "description": "Birds only.",
            "rules": ["Be kind", {"text": "No spam", "hint": "Ads count"}],
            "registrations": "closed", "contact_username": "boss",
            "extended_description": "<p>About <script>alert(1)</script>us</p>",
        }, actor_id=admin.account.id)
    v2 = (await api.get("/api/v2/instance")).json()
    check_schema("Instance", v2)
    assert v2["title"] == "Nest" and v2["description"] == "Birds only."
    assert v2["registrations"]["enabled"] is False
    assert v2["contact"]["account"]["id"] == admin.id
    rules = (await api.get("/api/v1/instance/rules")).json()
    assert rules == [{"id": "1", "text": "Be kind", "hint": ""},
                     {"id": "2", "text": "No spam", "hint": "Ads count"}]
    for rule in rules:
        check_schema("Rule", rule)
    assert (await api.get("/api/v1/instance")).json()["rules"] == rules
    ext = (await api.get("/api/v1/instance/extended_description")).json()
    check_schema("ExtendedDescription", ext)
    assert "About" in ext["content"] and "<script>" not in ext["content"]
    async with db.session() as s:
        ev = (await s.execute(select(Event).where(Event.type == "site.settings_changed"))).scalars().all()
    assert ev and "rules" in ev[-1].data["keys"] and ev[-1].actor_id == admin.account.id

    # None clears a key back to the deployment default
    async with db.unit_of_work() as s:
        await update_site(s, {"title": None})
    assert (await api.get("/api/v2/instance")).json()["title"] == "Roost"


async def test_bad_site_settings_are_refused(db):
    for values in ({"nope": 1}, {"title": 3}, {"registrations": "sometimes"}, {"rules": [{"hint": "x"}]},
                   {"contact_email": "not an email"}):
        async with db.unit_of_work() as s:
            with pytest.raises(Invalid):
                await update_site(s, values)


async def test_small_instance_endpoints(api, make):
    assert (await api.get("/api/v1/instance/peers")).json() == []
    assert (await api.get("/api/v1/custom_emojis")).json() == []
    policy = await api.get("/api/v1/instance/privacy_policy")
    assert policy.status_code == 200
    check_schema("PrivacyPolicy", policy.json())
    await make.post(await make.account(), "counted")
    weeks = (await api.get("/api/v1/instance/activity")).json()
    assert len(weeks) == 12
    assert set(weeks[0]) == {"week", "statuses", "logins", "registrations"}
    assert int(weeks[0]["statuses"]) >= 1 and int(weeks[0]["registrations"]) >= 1
    assert all(isinstance(v, str) for w in weeks for v in w.values())
    assert int(weeks[0]["week"]) > int(weeks[1]["week"])


async def test_nodeinfo(api, make):
    await make.account()
    links = (await api.get("/.well-known/nodeinfo")).json()["links"]
    assert links[0]["href"] == "http://roost.test/nodeinfo/2.0"
    r = await api.get("/nodeinfo/2.0")
    body = r.json()
    assert body["software"] == {"name": "roost", "version": __version__}
    assert body["usage"]["users"]["total"] >= 1 and body["openRegistrations"] is True


async def test_webfinger(api, make):
    alice = await make.account("Alice")
    r = await api.get("/.well-known/webfinger", params={"resource": "acct:alice@roost.test"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/jrd+json")
    body = r.json()
    assert body["subject"] == "acct:Alice@roost.test"
    profile = next(link for link in body["links"] if link["rel"] == "http://webfinger.net/rel/profile-page")
    assert profile["href"] == "http://roost.test/@Alice"
    by_url = await api.get("/.well-known/webfinger", params={"resource": "http://roost.test/@Alice"})
    assert by_url.status_code == 200 and by_url.json()["subject"] == body["subject"]
    assert alice.id  # the account exists; unknown ones do not
    for resource in ("acct:nobody@roost.test", "acct:alice@elsewhere.example", "alice",
                     "https://elsewhere.example/@alice"):
        miss = await api.get("/.well-known/webfinger", params={"resource": resource})
        assert miss.status_code == 404, resource
        assert "error" in miss.json()
    assert (await api.get("/.well-known/webfinger")).status_code == 400


async def test_host_meta_and_health(api):
    r = await api.get("/.well-known/host-meta")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xrd+xml")
    assert 'template="http://roost.test/.well-known/webfinger?resource={uri}"' in r.text
    h = await api.get("/health")
    assert h.status_code == 200 and h.text == "OK"


async def test_unknown_instance_route_is_404(api):
    r = await api.get("/api/v1/instance/nope")
    assert r.status_code == 404 and r.json() == {"error": "Record not found"}
