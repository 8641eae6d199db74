"""Web app test helpers: the CSRF token of a page, signing in through /login."""

from __future__ import annotations

import re

import pytest

PASSWORD = "correct horse battery"  # tests/factories.py's default


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no csrf_token in the page"
    return m.group(1)


async def sign_in(api, person, password: str = PASSWORD):  # noqa: ANN001, ANN201
    """Sign `person` in on the `api` client (its cookie jar keeps the session)."""
    page = await api.get("/login")
    r = await api.post("/login", data={"csrf_token": csrf_of(page.text),
                                       "login": person.account.username, "password": password})
    assert r.status_code == 303, r.text
    return r


@pytest.fixture
def web_sign_in():
    return sign_in
