"""Stored responses and their conversations, in the gateway's state backend.

One record per response id: the response object, its input items and the whole
chat history up to and including its answer (what ``previous_response_id``
replays), under a TTL. A record is bound to the tenant that created it (team,
else virtual key, else static key name): any other tenant sees a 404, exactly as
for an id that never existed, so ids reveal nothing across tenants. The memory
backend serves one process; Redis shares the chain across processes.

A response made by pass-through (``responses_native``) is stored by the upstream;
the gateway keeps only ``id -> deployment`` (same TTL, same tenant binding).
"""

from __future__ import annotations

from typing import Any

import orjson

from routeiq.asgi.types import RequestContext
from routeiq.state import StateStore

PREFIX = "routeiq:resp:"
#: A response stored by a deployment's own Responses API (pass-through): only which
#: deployment holds it, so GET/DELETE go there.
NATIVE_PREFIX = "routeiq:nresp:"


def tenant_of(ctx: RequestContext) -> str:
    if ctx.team:
        return "team:" + ctx.team
    if ctx.key_id:
        return "vkey:" + ctx.key_id
    if ctx.key_name:
        return "key:" + ctx.key_name
    return "-"  # auth is off: one tenant


class Conversations:
    def __init__(self, store: StateStore, ttl: float) -> None:
        self.store = store
        self.ttl = ttl

    async def save(
        self,
        tenant: str,
        response: dict[str, Any],
        items: list[dict[str, Any]],
        messages: list[dict[str, Any]],
        root: str | None = None,
    ) -> None:
        record = {
            "tenant": tenant,
            "response": response,
            "items": items,
            "messages": messages,
            "root": root or response["id"],  # the chain's first response (affinity key)
        }
        await self.store.set(PREFIX + response["id"], orjson.dumps(record), ttl=self.ttl)

    async def _read(self, key: str, tenant: str) -> dict[str, Any] | None:
        """The record under ``key`` if ``tenant`` owns it (anything else: None)."""
        raw = await self.store.get(key)
        if raw is None:
            return None
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(record, dict) or record.get("tenant") != tenant:
            return None
        return record

    async def load(self, tenant: str, response_id: str) -> dict[str, Any] | None:
        return await self._read(PREFIX + response_id, tenant)

    async def delete(self, tenant: str, response_id: str) -> bool:
        if await self.load(tenant, response_id) is None:
            return False
        return await self.store.delete(PREFIX + response_id)

    async def remember_native(self, tenant: str, response_id: str, deployment: str) -> None:
        record = orjson.dumps({"tenant": tenant, "deployment": deployment})
        await self.store.set(NATIVE_PREFIX + response_id, record, ttl=self.ttl)

    async def native(self, tenant: str, response_id: str) -> str | None:
        """The deployment holding a pass-through response of ``tenant`` (None: not one)."""
        record = await self._read(NATIVE_PREFIX + response_id, tenant)
        dep = None if record is None else record.get("deployment")
        return dep if isinstance(dep, str) else None

    async def forget_native(self, response_id: str) -> None:
        await self.store.delete(NATIVE_PREFIX + response_id)
