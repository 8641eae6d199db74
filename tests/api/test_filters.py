"""Content filters through the API: v2 filters, keywords and statuses, the v1 view of them,
scopes, ownership and the events each write records."""

from __future__ import annotations

from sqlalchemy import select

from roost.models import Event
from tests.openapi import check_schema


async def _events(db, type_: str) -> list[dict]:  # noqa: ANN001
    async with db.session() as s:
        return list((await s.execute(select(Event.data).where(Event.type == type_)
                                     .order_by(Event.seq))).scalars())


async def _create(api, person, **body) -> dict:  # noqa: ANN001
    body = {"title": "Spoilers", "context": ["home", "public"], **body}
    r = await api.post("/api/v2/filters", json=body, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


# ---- v2 filters ---------------------------------------------------------------------------------

async def test_create_filter_with_keywords(api, make, db):
    alice = await make.account()
    f = await _create(api, alice, filter_action="hide", keywords_attributes=[
        {"keyword": "dune", "whole_word": False}, {"keyword": "arrakis"},
        {"keyword": "skipped", "_destroy": True}])
    check_schema("Filter", f)
    assert f["title"] == "Spoilers" and f["context"] == ["home", "public"]
    assert f["filter_action"] == "hide" and f["expires_at"] is None and f["statuses"] == []
    assert [(k["keyword"], k["whole_word"]) for k in f["keywords"]] == [("dune", False),
                                                                        ("arrakis", True)]
    r = await api.get(f"/api/v2/filters/{f['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json() == f
    listed = await api.get("/api/v2/filters", headers=alice.headers)
    assert listed.json() == [f]

    created = await _events(db, "filter.created")
    assert [(e["filter_id"], e["action"], len(e["keyword_ids"])) for e in created] == [(f["id"], "hide", 2)]
    assert [e["keyword"] for e in await _events(db, "filter.keyword_added")] == ["dune", "arrakis"]


async def test_create_takes_form_encoded_keywords(api, make):
    alice = await make.account()
    body = "&".join(["title=t", "context[]=thread",
                     "keywords_attributes[][keyword]=a", "keywords_attributes[][whole_word]=false",
                     "keywords_attributes[][keyword]=b", "keywords_attributes[][whole_word]=true"])
    r = await api.post("/api/v2/filters", content=body, headers={
        **alice.headers, "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, r.text
    assert [(k["keyword"], k["whole_word"]) for k in r.json()["keywords"]] == [("a", False), ("b", True)]
    assert r.json()["filter_action"] == "warn"


async def test_create_filter_validation(api, make, db):
    alice = await make.account()
    bad = [
        {"title": "", "context": ["home"]},
        {"title": "x", "context": []},
        {"title": "x"},
        {"title": "x", "context": ["timeline"]},
        {"title": "x", "context": ["home"], "filter_action": "explode"},
        {"title": "x", "context": ["home"], "expires_in": "soon"},
        {"title": "x", "context": ["home"], "expires_in": -5},
        {"title": "x", "context": ["home"], "keywords_attributes": [{"keyword": "  "}]},
        {"title": "x", "context": ["home"], "keywords_attributes": ["word"]},
    ]
    for body in bad:
        r = await api.post("/api/v2/filters", json=body, headers=alice.headers)
        assert r.status_code == 422, (body, r.text)
        assert "error" in r.json()
    r = await api.post("/api/v2/filters", json={"title": "x", "context": ["home"],
                                                  "keywords_attributes": [{"id": "1", "keyword": "a"}]},
                       headers=alice.headers)
    assert r.status_code == 404
    assert (await api.get("/api/v2/filters", headers=alice.headers)).json() == []
    assert await _events(db, "filter.created") == []


async def test_expires_in_sets_and_clears_expiry(api, make):
    alice = await make.account()
    f = await _create(api, alice, expires_in=3600)
    assert f["expires_at"] is not None
    r = await api.put(f"/api/v2/filters/{f['id']}", json={"expires_in": ""}, headers=alice.headers)
    assert r.status_code == 200 and r.json()["expires_at"] is None


async def test_update_filter_fields_and_nested_keywords(api, make, db):
    alice = await make.account()
    f = await _create(api, alice, keywords_attributes=[{"keyword": "one"}, {"keyword": "two"}])
    one, two = f["keywords"]
    r = await api.put(f"/api/v2/filters/{f['id']}", headers=alice.headers, json={
        "title": "Renamed", "context": ["notifications"], "filter_action": "blur",
        "keywords_attributes": [
            {"id": one["id"], "keyword": "uno", "whole_word": False},
            {"id": two["id"], "_destroy": True},
            {"keyword": "three"}]})
    assert r.status_code == 200, r.text
    g = r.json()
    check_schema("Filter", g)
    assert (g["title"], g["context"], g["filter_action"]) == ("Renamed", ["notifications"], "blur")
    assert [(k["id"], k["keyword"], k["whole_word"]) for k in g["keywords"]][:1] == [(one["id"], "uno", False)]
    assert [k["keyword"] for k in g["keywords"]] == ["uno", "three"]

    updated = await _events(db, "filter.updated")
    assert updated[-1]["fields"] == ["title", "context", "filter_action"]
    assert [e["keyword_id"] for e in await _events(db, "filter.keyword_removed")] == [two["id"]]
    assert [e["keyword"] for e in await _events(db, "filter.keyword_updated")] == ["uno"]


async def test_update_with_a_keyword_of_another_filter_is_404_and_changes_nothing(api, make):
    alice = await make.account()
    f = await _create(api, alice, keywords_attributes=[{"keyword": "mine"}])
    other = await _create(api, alice, title="Other", keywords_attributes=[{"keyword": "theirs"}])
    r = await api.put(f"/api/v2/filters/{f['id']}", headers=alice.headers, json={
        "title": "Changed", "keywords_attributes": [{"id": other["keywords"][0]["id"], "_destroy": True}]})
    assert r.status_code == 404
    again = (await api.get(f"/api/v2/filters/{f['id']}", headers=alice.headers)).json()
    assert again["title"] == "Spoilers"
    assert len((await api.get(f"/api/v2/filters/{other['id']}", headers=alice.headers)).json()["keywords"]) == 1


async def test_delete_filter_removes_keywords_and_statuses(api, make, db):
    alice, bob = await make.account(), await make.account()
    post = await make.post(bob, "hi")
    f = await _create(api, alice, keywords_attributes=[{"keyword": "x"}])
    fs = (await api.post(f"/api/v2/filters/{f['id']}/statuses", json={"status_id": str(post.id)},
                         headers=alice.headers)).json()
    assert (await api.delete(f"/api/v2/filters/{f['id']}", headers=alice.headers)).json() == {}
    assert (await api.get(f"/api/v2/filters/{f['id']}", headers=alice.headers)).status_code == 404
    kw_id = f["keywords"][0]["id"]
    assert (await api.get(f"/api/v2/filters/keywords/{kw_id}", headers=alice.headers)).status_code == 404
    assert (await api.get(f"/api/v2/filters/statuses/{fs['id']}", headers=alice.headers)).status_code == 404
    assert [e["filter_id"] for e in await _events(db, "filter.deleted")] == [f["id"]]
    assert (await api.delete(f"/api/v2/filters/{f['id']}", headers=alice.headers)).status_code == 404


# ---- v2 keywords and statuses -------------------------------------------------------------------

async def test_keyword_endpoints(api, make):
    alice = await make.account()
    f = await _create(api, alice)
    r = await api.post(f"/api/v2/filters/{f['id']}/keywords", json={"keyword": "Dune", "whole_word": False},
                       headers=alice.headers)
    assert r.status_code == 200
    kw = r.json()
    check_schema("FilterKeyword", kw)
    assert (kw["keyword"], kw["whole_word"]) == ("Dune", False)
    listed = await api.get(f"/api/v2/filters/{f['id']}/keywords", headers=alice.headers)
    assert listed.json() == [kw]
    r = await api.put(f"/api/v2/filters/keywords/{kw['id']}", json={"keyword": "Arrakis"},
                      headers=alice.headers)
    assert r.json() == {"id": kw["id"], "keyword": "Arrakis", "whole_word": False}
    assert (await api.get(f"/api/v2/filters/keywords/{kw['id']}", headers=alice.headers)).json()["keyword"] == "Arrakis"
    r = await api.post(f"/api/v2/filters/{f['id']}/keywords", json={"keyword": ""}, headers=alice.headers)
    assert r.status_code == 422
    assert (await api.delete(f"/api/v2/filters/keywords/{kw['id']}", headers=alice.headers)).json() == {}
    assert (await api.get(f"/api/v2/filters/{f['id']}/keywords", headers=alice.headers)).json() == []


async def test_status_endpoints(api, make, db):
    alice, bob = await make.account(), await make.account()
    post = await make.post(bob, "a post")
    hidden = await make.post(bob, "followers only", visibility="private")
    f = await _create(api, alice)
    r = await api.post(f"/api/v2/filters/{f['id']}/statuses", json={"status_id": str(post.id)},
                       headers=alice.headers)
    assert r.status_code == 200
    fs = r.json()
    check_schema("FilterStatus", fs)
    assert fs["status_id"] == str(post.id)
    again = await api.post(f"/api/v2/filters/{f['id']}/statuses", json={"status_id": str(post.id)},
                           headers=alice.headers)
    assert again.status_code == 422
    for sid in (str(hidden.id), "12345", "nope"):
        r = await api.post(f"/api/v2/filters/{f['id']}/statuses", json={"status_id": sid},
                           headers=alice.headers)
        assert r.status_code == 422, sid
    assert (await api.get(f"/api/v2/filters/{f['id']}/statuses", headers=alice.headers)).json() == [fs]
    assert (await api.get(f"/api/v2/filters/statuses/{fs['id']}", headers=alice.headers)).json() == fs
    assert (await api.get(f"/api/v2/filters/{f['id']}", headers=alice.headers)).json()["statuses"] == [fs]
    r = await api.delete(f"/api/v2/filters/statuses/{fs['id']}", headers=alice.headers)
    assert r.status_code == 200 and r.json() == fs
    assert (await api.get(f"/api/v2/filters/{f['id']}/statuses", headers=alice.headers)).json() == []
    assert [e["status_id"] for e in await _events(db, "filter.status_added")] == [str(post.id)]
    assert [e["filter_status_id"] for e in await _events(db, "filter.status_removed")] == [fs["id"]]


# ---- who may ------------------------------------------------------------------------------------

async def test_other_peoples_filters_are_404(api, make):
    alice, mallory = await make.account(), await make.account()
    post = await make.post(alice, "hi")
    f = await _create(api, alice, keywords_attributes=[{"keyword": "x"}])
    fs = (await api.post(f"/api/v2/filters/{f['id']}/statuses", json={"status_id": str(post.id)},
                         headers=alice.headers)).json()
    kw = f["keywords"][0]["id"]
    h = mallory.headers
    calls = [
        api.get(f"/api/v2/filters/{f['id']}", headers=h),
        api.put(f"/api/v2/filters/{f['id']}", json={"title": "mine now"}, headers=h),
        api.delete(f"/api/v2/filters/{f['id']}", headers=h),
        api.get(f"/api/v2/filters/{f['id']}/keywords", headers=h),
        api.post(f"/api/v2/filters/{f['id']}/keywords", json={"keyword": "y"}, headers=h),
        api.get(f"/api/v2/filters/keywords/{kw}", headers=h),
        api.put(f"/api/v2/filters/keywords/{kw}", json={"keyword": "y"}, headers=h),
        api.delete(f"/api/v2/filters/keywords/{kw}", headers=h),
        api.get(f"/api/v2/filters/{f['id']}/statuses", headers=h),
        api.post(f"/api/v2/filters/{f['id']}/statuses", json={"status_id": str(post.id)}, headers=h),
        api.get(f"/api/v2/filters/statuses/{fs['id']}", headers=h),
        api.delete(f"/api/v2/filters/statuses/{fs['id']}", headers=h),
        api.get(f"/api/v1/filters/{kw}", headers=h),
        api.put(f"/api/v1/filters/{kw}", json={"phrase": "y", "context": ["home"]}, headers=h),
        api.delete(f"/api/v1/filters/{kw}", headers=h),
    ]
    for call in calls:
        r = await call
        assert r.status_code == 404, r.request.url
        assert r.json() == {"error": "Record not found"}
    assert (await api.get("/api/v2/filters", headers=h)).json() == []
    assert (await api.get("/api/v1/filters", headers=h)).json() == []
    assert (await api.get(f"/api/v2/filters/{f['id']}", headers=alice.headers)).json() == {
        **f, "statuses": [fs]}


async def test_scopes(api, make):
    alice = await make.account()
    f = await _create(api, alice)
    reader = {"Authorization": f"Bearer {await make.token(alice, ['read:filters'])}"}
    writer = {"Authorization": f"Bearer {await make.token(alice, ['write:filters'])}"}
    other = {"Authorization": f"Bearer {await make.token(alice, ['read:statuses', 'write:statuses'])}"}
    assert (await api.get("/api/v2/filters")).status_code == 401
    assert (await api.get("/api/v2/filters", headers=reader)).status_code == 200
    assert (await api.get("/api/v1/filters", headers=reader)).status_code == 200
    assert (await api.get("/api/v2/filters", headers=other)).status_code == 403
    assert (await api.get("/api/v2/filters", headers=writer)).status_code == 403
    body = {"title": "t", "context": ["home"]}
    assert (await api.post("/api/v2/filters", json=body, headers=reader)).status_code == 403
    assert (await api.post("/api/v2/filters", json=body, headers=other)).status_code == 403
    assert (await api.post("/api/v2/filters", json=body, headers=writer)).status_code == 200
    assert (await api.delete(f"/api/v2/filters/{f['id']}", headers=reader)).status_code == 403
    assert (await api.post("/api/v1/filters", json={"phrase": "p", "context": ["home"]},
                           headers=reader)).status_code == 403


# ---- v1 -----------------------------------------------------------------------------------------

async def test_v1_create_maps_onto_a_v2_filter(api, make):
    alice = await make.account()
    r = await api.post("/api/v1/filters", headers=alice.headers, json={
        "phrase": "Dune", "context": ["home", "thread"], "irreversible": True, "whole_word": False,
        "expires_in": 600})
    assert r.status_code == 200, r.text
    v1 = r.json()
    check_schema("V1Filter", v1)
    assert (v1["phrase"], v1["context"], v1["irreversible"], v1["whole_word"]) == (
        "Dune", ["home", "thread"], True, False)
    assert v1["expires_at"] is not None
    (v2,) = (await api.get("/api/v2/filters", headers=alice.headers)).json()
    assert (v2["title"], v2["filter_action"], v2["context"]) == ("Dune", "hide", ["home", "thread"])
    assert v2["keywords"] == [{"id": v1["id"], "keyword": "Dune", "whole_word": False}]
    assert (await api.get(f"/api/v1/filters/{v1['id']}", headers=alice.headers)).json() == v1
    assert (await api.get("/api/v1/filters", headers=alice.headers)).json() == [v1]

    for body in ({"phrase": "", "context": ["home"]}, {"phrase": "x", "context": []},
                 {"phrase": "x", "context": ["nowhere"]}):
        assert (await api.post("/api/v1/filters", json=body, headers=alice.headers)).status_code == 422


async def test_v1_lists_every_keyword_of_v2_filters(api, make):
    alice = await make.account()
    f = await _create(api, alice, filter_action="warn",
                      keywords_attributes=[{"keyword": "a"}, {"keyword": "b", "whole_word": False}])
    listed = (await api.get("/api/v1/filters", headers=alice.headers)).json()
    assert [(x["id"], x["phrase"], x["whole_word"], x["irreversible"], x["context"]) for x in listed] == [
        (f["keywords"][0]["id"], "a", True, False, ["home", "public"]),
        (f["keywords"][1]["id"], "b", False, False, ["home", "public"])]


async def test_v1_update(api, make, db):
    alice = await make.account()
    v1 = (await api.post("/api/v1/filters", json={"phrase": "old", "context": ["home"]},
                         headers=alice.headers)).json()
    assert v1["irreversible"] is False and v1["whole_word"] is True
    r = await api.put(f"/api/v1/filters/{v1['id']}", headers=alice.headers, json={
        "phrase": "new", "context": ["public"], "irreversible": True, "whole_word": False})
    assert r.status_code == 200, r.text
    assert (r.json()["phrase"], r.json()["context"], r.json()["irreversible"], r.json()["whole_word"]) == (
        "new", ["public"], True, False)
    (v2,) = (await api.get("/api/v2/filters", headers=alice.headers)).json()
    assert (v2["title"], v2["filter_action"]) == ("new", "hide")
    assert (await _events(db, "filter.updated"))[-1]["fields"] == ["title", "context", "filter_action"]


async def test_v1_cannot_change_a_filter_with_several_keywords(api, make):
    alice = await make.account()
    f = await _create(api, alice, keywords_attributes=[{"keyword": "a"}, {"keyword": "b"}])
    kw = f["keywords"][0]["id"]
    r = await api.put(f"/api/v1/filters/{kw}", json={"context": ["thread"]}, headers=alice.headers)
    assert r.status_code == 422
    assert "more than one filter keyword" in r.json()["error"]
    # the keyword alone may change
    r = await api.put(f"/api/v1/filters/{kw}", json={"whole_word": False}, headers=alice.headers)
    assert r.status_code == 200 and r.json()["whole_word"] is False
    assert (await api.get(f"/api/v2/filters/{f['id']}", headers=alice.headers)).json()["context"] == ["home", "public"]


async def test_v1_delete_removes_the_keyword_then_the_empty_filter(api, make, db):
    alice = await make.account()
    f = await _create(api, alice, keywords_attributes=[{"keyword": "a"}, {"keyword": "b"}])
    a, b = (k["id"] for k in f["keywords"])
    assert (await api.delete(f"/api/v1/filters/{a}", headers=alice.headers)).json() == {}
    assert [k["keyword"] for k in (await api.get(f"/api/v2/filters/{f['id']}", headers=alice.headers)).json()["keywords"]] == ["b"]
    assert (await api.delete(f"/api/v1/filters/{b}", headers=alice.headers)).json() == {}
    assert (await api.get(f"/api/v2/filters/{f['id']}", headers=alice.headers)).status_code == 404
    assert [e["filter_id"] for e in await _events(db, "filter.deleted")] == [f["id"]]
