"""Who may sign in to the console: the master key, or a virtual key marked admin.

A virtual key is an admin key when its record says so in LiteLLM's terms
(``metadata.role`` / ``metadata.user_role`` of ``admin`` or ``proxy_admin``) or
its user's ``user_role`` is ``proxy_admin``; it must not be blocked or expired.
Answers a display name, never the key.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from typing import Any

from routeiq.asgi.auth import KeyRing

ADMIN_ROLES = frozenset({"admin", "proxy_admin"})


def _role(data: Mapping[str, Any]) -> bool:
    meta = data.get("metadata")
    if isinstance(meta, Mapping):
        for name in ("role", "user_role"):
            if meta.get(name) in ADMIN_ROLES:
                return True
    return False


def admin_name(
    presented: str, keys: KeyRing, records: Mapping[str, Mapping[str, Any]] | None
) -> str | None:
    """The name of the admin behind ``presented``, or None (not an admin key)."""
    if not presented or len(presented) > 512:
        return None
    raw = presented.encode()
    info = keys.lookup(raw)
    if info is not None:
        return "master" if info.is_master else None
    if records is None:
        return None
    key = records.get("key", {}).get(hashlib.sha256(raw).hexdigest())
    if key is None or key.blocked or (key.expires is not None and time.time() >= key.expires):
        return None
    user = records.get("user", {}).get(key.user_id) if key.user_id else None
    user_admin = user is not None and user.data.get("user_role") == "proxy_admin"
    if not (_role(key.data) or user_admin):
        return None
    return "admin " + str(key.alias or key.id[:12])
