"""Shared steps of the Mastodon.py live-server tests: sign up through the client, wait for jobs."""

from __future__ import annotations

import time

from mastodon import Mastodon

SCOPES = ["read", "write", "follow", "push"]


def create_app(live_server, name: str) -> tuple[str, str]:  # noqa: ANN001
    return Mastodon.create_app(name, api_base_url=live_server.url, scopes=SCOPES)


def register(live_server, client_app, name: str) -> Mastodon:  # noqa: ANN001
    """A new account signed up with the app's token, as a Mastodon client signed in as it."""
    cid, secret = client_app
    anon = Mastodon(client_id=cid, client_secret=secret, api_base_url=live_server.url)
    token = anon.create_account(name, "a long enough password", f"{name}@example.com",
                                agreement=True, scopes=SCOPES)
    return Mastodon(access_token=token, api_base_url=live_server.url)


def wait_for(fetch, ok, timeout: float = 10.0):  # noqa: ANN001, ANN201
    """fetch() until ok(value) or the timeout; the last value either way."""
    deadline = time.time() + timeout
    while True:
        value = fetch()
        if ok(value) or time.time() > deadline:
            return value
        time.sleep(0.1)
