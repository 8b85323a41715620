"""Virtual keys: generation and the hash that is stored instead of the key.

A key is ``sk-`` followed by 32 random bytes (url-safe base64, 43 characters).
Only its SHA-256 hex digest is stored and used as its id (LiteLLM calls it the
``token``), so a database dump reveals no usable key. The hot path finds a key
with one dict get on that digest: the digest of a guess reveals nothing about
the digests it is near, so the lookup needs no constant-time comparison.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "sk-"


def new_key() -> str:
    """A fresh virtual key (shown once, at creation)."""
    return PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str | bytes) -> str:
    """The stored id of ``key`` (hex SHA-256)."""
    return hashlib.sha256(key if isinstance(key, bytes) else key.encode()).hexdigest()


def key_id(key_or_hash: str) -> str:
    """Admin calls accept the key itself or its stored hash; answer the hash."""
    if len(key_or_hash) == 64 and all(c in "0123456789abcdef" for c in key_or_hash):
        return key_or_hash
    return hash_key(key_or_hash)
