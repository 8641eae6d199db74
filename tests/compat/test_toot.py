"""toot, a real Mastodon command-line client, against a real Roost server."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from PIL import Image

TOOT = str(Path(sys.executable).parent / "toot")


@pytest.fixture(scope="module")
def toot_env(live_server, tmp_path_factory):
    home = tmp_path_factory.mktemp("toot")
    env = {**os.environ, "XDG_CONFIG_HOME": str(home), "HOME": str(home), "NO_COLOR": "1",
           "COLUMNS": "120"}
    # sign up through the API the way an app would
    app = httpx.post(f"{live_server.url}/api/v1/apps",
                     json={"client_name": "signup", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                           "scopes": "read write follow"}).json()
    tok = httpx.post(f"{live_server.url}/oauth/token", data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": "read write follow"}).json()["access_token"]
    for name in ("toot_alice", "toot_bob"):
        r = httpx.post(f"{live_server.url}/api/v1/accounts",
                       headers={"Authorization": f"Bearer {tok}"},
                       json={"username": name, "email": f"{name}@example.com",
                             "password": "a long enough password", "agreement": True,
                             "locale": "en"})
        assert r.status_code == 200, r.text
    return env


def toot(env: dict, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([TOOT, *args], env=env, input=input, capture_output=True, text=True,
                          timeout=60)


def test_toot_login_post_and_read(live_server, toot_env, tmp_path):
    r = toot(toot_env, "login_cli", "-i", live_server.url, "-e", "toot_alice@example.com",
             input="a long enough password\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Successfully logged in" in r.stdout

    r = toot(toot_env, "whoami")
    assert r.returncode == 0, r.stderr
    assert "toot_alice" in r.stdout

    img = tmp_path / "pic.png"
    Image.new("RGB", (32, 32), (200, 80, 40)).save(img)
    r = toot(toot_env, "post", "hello from toot #cli", "--media", str(img), "--description",
             "an orange square")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Toot posted" in r.stdout

    r = toot(toot_env, "timeline", "--once")
    assert r.returncode == 0, r.stderr
    assert "hello from toot" in r.stdout

    r = toot(toot_env, "follow", "toot_bob")
    assert r.returncode == 0, r.stdout + r.stderr
    r = toot(toot_env, "following", "toot_alice")
    assert r.returncode == 0, r.stderr
    assert "toot_bob" in r.stdout

    r = toot(toot_env, "instance", live_server.url)
    assert r.returncode == 0, r.stderr
    assert "Roost" in r.stdout
