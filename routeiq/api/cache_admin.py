"""Cache admin routes (master key), pure ASGI in front of the rest of the app.

- ``GET /routeiq/cache/stats``: entries, hit ratio per tier, index sizes, the
  embedding queue, skip reasons, sync state (see ``CacheService.summary``).
- ``POST /routeiq/cache/flush`` with ``{"namespace": ..., "model": ...}`` (or
  ``"key"`` / ``"team"`` instead of ``"namespace"``; ``"key"`` is a YAML key's name,
  or a virtual key: its ``sk-`` value or its hash; every field optional, none
  given flushes everything): forgets those answers in every tier and, with the
  Redis backend, in every gateway process. Answers ``{"flushed": {"l1": n,
  "semantic": n}}`` (the counts of this process; L2 entries are hidden by rule).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, model_validator

from routeiq.asgi.auth import KeyRing
from routeiq.asgi.boundary import Boundary
from routeiq.asgi.respond import send_json
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send, set_status
from routeiq.cache.service import CacheService
from routeiq.errors import MethodNotAllowed, NotFound
from routeiq.governance.tokens import key_id
from routeiq.jsonrpc_asgi import read_model, require_master

__all__ = ["PREFIX", "CacheAdminApp", "FlushRequest", "mount"]

PREFIX = "/routeiq/cache/"
PREFIX_VKEY = "sk-"
_HASH = re.compile(r"[0-9a-f]{64}")


class FlushRequest(BaseModel):
    """What to flush; ``key``/``team`` name the namespace of a key or a team."""

    model_config = ConfigDict(extra="forbid")

    namespace: str | None = None
    key: str | None = None
    team: str | None = None
    model: str | None = None

    @model_validator(mode="after")
    def _one_namespace(self) -> FlushRequest:
        if sum(x is not None for x in (self.namespace, self.key, self.team)) > 1:
            raise ValueError("give at most one of namespace, key, team")
        return self

    @property
    def resolved_namespace(self) -> str | None:
        if self.key is not None:
            if self.key.startswith(PREFIX_VKEY) or _HASH.fullmatch(self.key):
                return "vkey:" + key_id(self.key)  # a virtual key (its value or hash)
            return "key:" + self.key  # a YAML key's name
        if self.team is not None:
            return "team:" + self.team
        return self.namespace


class CacheAdminApp:
    """Serves ``/routeiq/cache/*``; passes everything else to ``inner``."""

    def __init__(self, service: CacheService, inner: ASGIApp, keys: KeyRing | None) -> None:
        self.service = service
        self.inner = inner
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(PREFIX):
            await self.inner(scope, receive, send)
            return
        # Errors are answered by the one error boundary (routeiq.dispatch).
        require_master(scope, self.keys)
        await self._route(scope, receive, send, path[len(PREFIX) :])

    async def _route(self, scope: Scope, receive: Receive, send: Send, name: str) -> None:
        method = scope["method"]
        if name == "stats":
            if method not in ("GET", "HEAD"):
                raise MethodNotAllowed("Use GET", headers={"allow": "GET"})
            await send_json(send, 200, self.service.summary())
        elif name == "flush":
            if method != "POST":
                raise MethodNotAllowed("Use POST", headers={"allow": "POST"})
            req = await read_model(scope, receive, FlushRequest, 16 * 1024)
            counts = await self.service.flush(req.resolved_namespace, req.model)
            await send_json(send, 200, {"flushed": counts})
        else:
            raise NotFound(f"No cache admin route {name!r}")
        set_status(scope, 200)


def mount(service: CacheService, inner: ASGIApp, keys: KeyRing | None = None) -> ASGIApp:
    """The ASGI app serving the cache admin routes in front of ``inner``."""
    return Boundary(CacheAdminApp(service, inner, keys))  # asgi/boundary.py
