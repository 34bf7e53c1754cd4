"""Secrets handed to people and systems (session ids, resume links, API tokens), and the one
hash kept in their place, so a copy of the database opens nothing."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A new random secret: 256 bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The SHA-256 of a secret as 64 hex digits: what the database keeps instead of it."""
    return hashlib.sha256(secret.encode()).hexdigest()
