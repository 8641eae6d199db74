"""Opaque secrets (tokens, codes, client secrets): random, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    return same(digest(secret), stored_digest)


def same(a: str, b: str) -> bool:
    """Constant-time equality for any text (compare_digest refuses non-ASCII str)."""
    return hmac.compare_digest(a.encode(), b.encode())
