"""The instance's signing key and the small HMAC helpers built on it.

ROOST_SECRET_KEY wins; without it a key is generated once and kept in `data_dir/secret_key`
(mode 600), so cookies and CSRF tokens stay valid across restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from roost.config import Settings

_cache: dict[Path, str] = {}


def secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = (settings.data_dir / "secret_key").resolve()
    if path in _cache:
        return _cache[path]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
    else:
        key = secrets.token_urlsafe(48)
        with os.fdopen(fd, "w") as f:
            f.write(key + "\n")
    if not key:
        raise RuntimeError(f"{path} is empty; delete it or set ROOST_SECRET_KEY")
    _cache[path] = key
    return key


def mac(settings: Settings, purpose: str, value: str) -> str:
    """A keyed MAC of `value`, separated per purpose so one token never passes as another."""
    key = hashlib.sha256(f"{purpose}:{secret_key(settings)}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def sign(settings: Settings, purpose: str, value: str) -> str:
    return f"{value}.{mac(settings, purpose, value)}"


def unsign(settings: Settings, purpose: str, signed: str | None) -> str | None:
    """The value if the signature holds, else None."""
    if not signed or "." not in signed:
        return None
    value, _, sig = signed.rpartition(".")
    return value if hmac.compare_digest(sig.encode(), mac(settings, purpose, value).encode()) else None
