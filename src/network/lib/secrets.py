"""Bearer secrets (API tokens, calendar-feed addresses): made at random, kept only as hashes."""

from __future__ import annotations

import hashlib
import secrets

__all__ = ("hash_secret", "new_secret")


def new_secret(prefix: str) -> str:
    """A new secret with 256 bits of randomness, recognisable by its ``prefix``."""
    return prefix + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The SHA-256 hex digest stored instead of the secret (secrets have full entropy,
    so a fast hash is enough)."""
    return hashlib.sha256(secret.encode()).hexdigest()
