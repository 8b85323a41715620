"""``Mcp-Session-Id`` sessions of the ``/mcp`` endpoint, kept in the state store.

A session is created by ``initialize`` and expires ``ttl`` seconds after its
last request. It lives in the shared :class:`~routeiq.state.StateStore` under
``mcp:session:<id>`` with that TTL, so with the Redis backend any gateway
process serves any session, and the store's own bounds (key cap, expiry heap)
bound the sessions. Refreshing the TTL on every request would cost a write per
request; instead a session is re-written when a quarter of its TTL has passed
since this process last wrote it (a bounded local map remembers when).
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


class SessionStore:
    """See the module docstring."""

    def __init__(self, store: StateStore, ttl: float, local_cap: int = 10_000) -> None:
        self.store = store
        self.ttl = ttl
        self._written: OrderedDict[str, float] = OrderedDict()
        self._local_cap = local_cap

    async def create(self, protocol_version: str, client_info: dict[str, Any]) -> McpSession:
        sid = secrets.token_urlsafe(24)
        value = orjson.dumps({"pv": protocol_version, "client": client_info})
        await self.store.set(_PREFIX + sid, value, ttl=self.ttl)
        self._remember(sid)
        return McpSession(sid, protocol_version, client_info)

    async def get(self, sid: str) -> McpSession | None:
        """The live session ``sid`` (its expiry pushed back), or ``None``."""
        if not sid or len(sid) > 128:
            return None
        raw = await self.store.get(_PREFIX + sid)
        if raw is None:
            self._written.pop(sid, None)
            return None
        data = orjson.loads(raw)
        last = self._written.get(sid)
        if last is None or trio.current_time() - last >= self.ttl / 4:
            await self.store.set(_PREFIX + sid, raw, ttl=self.ttl)
            self._remember(sid)
        return McpSession(sid, data["pv"], data["client"])

    async def delete(self, sid: str) -> bool:
        self._written.pop(sid, None)
        return await self.store.delete(_PREFIX + sid)

    def _remember(self, sid: str) -> None:
        self._written[sid] = trio.current_time()
        self._written.move_to_end(sid)
        while len(self._written) > self._local_cap:
            self._written.popitem(last=False)
