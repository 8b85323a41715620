"""``Mcp-Session-Id`` sessions of the ``/mcp`` endpoint, kept in the state store.

A session is created by ``initialize`` and expires ``ttl`` seconds after its
last request. It lives in the shared :class:`~routeiq.state.StateStore` under
``mcp:session:<id>`` with that TTL, so with the Redis backend any gateway
process serves any session, and the store's own bounds (key cap, expiry heap)
bound the sessions. Refreshing the TTL on every request would cost a write per
request; instead a session is re-written when a quarter of its TTL has passed
since this process last wrote it (a bounded local map remembers when).

A session belongs to the tenant that initialized it (the caller's team, else
its key name): another tenant presenting the id gets "not found", as if the
session did not exist.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import orjson
import trio

from routeiq.state.base import StateStore

_PREFIX = "mcp:session:"


@dataclass(frozen=True, slots=True)
class McpSession:
    id: str
    protocol_version: str
    client_info: dict[str, Any]
    tenant: str = ""
    # The client's declared capabilities (sampling, elicitation, roots).
    capabilities: dict[str, Any] | None = None


class SessionStore:
    """See the module docstring."""

    def __init__(self, store: StateStore, ttl: float, local_cap: int = 10_000) -> None:
        self.store = store
        self.ttl = ttl
        self._written: OrderedDict[str, float] = OrderedDict()
        self._local_cap = local_cap

    async def create(
        self,
        protocol_version: str,
        client_info: dict[str, Any],
        tenant: str = "",
        capabilities: dict[str, Any] | None = None,
    ) -> McpSession:
        sid = secrets.token_urlsafe(24)
        value = orjson.dumps(
            {"pv": protocol_version, "client": client_info, "tn": tenant, "caps": capabilities}
        )
        await self.store.set(_PREFIX + sid, value, ttl=self.ttl)
        self._remember(sid)
        return McpSession(sid, protocol_version, client_info, tenant, capabilities)

    async def get(self, sid: str, tenant: str = "") -> McpSession | None:
        """The live session ``sid`` of ``tenant`` (its expiry pushed back), or ``None``."""
        if not sid or len(sid) > 128:
            return None
        raw = await self.store.get(_PREFIX + sid)
        if raw is None:
            self._written.pop(sid, None)
            return None
        data = orjson.loads(raw)
        if data.get("tn", "") != tenant:
            return None  # another tenant's session: as if it did not exist
        last = self._written.get(sid)
        if last is None or trio.current_time() - last >= self.ttl / 4:
            await self.store.set(_PREFIX + sid, raw, ttl=self.ttl)
            self._remember(sid)
        return McpSession(sid, data["pv"], data["client"], tenant, data.get("caps"))

    async def delete(self, sid: str) -> bool:
        self._written.pop(sid, None)
        return await self.store.delete(_PREFIX + sid)

    def _remember(self, sid: str) -> None:
        self._written[sid] = trio.current_time()
        self._written.move_to_end(sid)
        while len(self._written) > self._local_cap:
            self._written.popitem(last=False)
