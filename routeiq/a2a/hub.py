"""Fan-out of task events between gateway processes, and the client side of a stream.

:class:`TaskHub` publishes each task's events on ``a2a:events:<task id>`` in
the shared store's pub/sub (in-process for the memory backend, Redis pub/sub
for the Redis backend), so a ``SubscribeToTask`` served by any process sees
the events another process relays. Messages are small JSON objects:
``{"t": "event", "r": <result>}`` (a stream event), ``{"t": "cancel", "s":
<state>}`` (CancelTask succeeded: every stream of the task ends) and ``{"t":
"end"}`` (the relay stopped before the task finished: a subscriber takes over).

Exactly one process reads a task's upstream stream at a time: the relay holds
a lease (``a2a:relay:<task id>``, TTL renewed while it runs).

:class:`ClientSSE` writes one client's SSE response: JSON-RPC response
objects as ``data:`` events, errors as ``event: error``, keep-alive comments.
"""

from __future__ import annotations

import secrets
from typing import Any

import orjson

from routeiq import jsonrpc as rpc
from routeiq.asgi.types import Send
from routeiq.jsonrpc_asgi import KEEPALIVE, end_stream, send_chunk, sse_event, start_stream
from routeiq.state.base import StateStore


def channel(task_id: str) -> str:
    """Events, cancels and ends: what followers listen to."""
    return f"a2a:events:{task_id}"


def control_channel(task_id: str) -> str:
    """Cancels only: what relays listen to (they need not wake up for every event)."""
    return f"a2a:control:{task_id}"


def _lease_key(task_id: str) -> str:
    return f"a2a:relay:{task_id}"


class TaskHub:
    """See the module docstring."""

    def __init__(self, store: StateStore, lease_seconds: float) -> None:
        self.store = store
        self.lease_seconds = lease_seconds
        self.instance = secrets.token_hex(8)

    async def publish(self, task_id: str, message: dict[str, Any]) -> None:
        data = orjson.dumps(message)
        await self.store.publish(channel(task_id), data)
        if message.get("t") == "cancel":
            await self.store.publish(control_channel(task_id), data)

    async def holder(self, task_id: str) -> str | None:
        raw = await self.store.get(_lease_key(task_id))
        return None if raw is None else raw.decode()

    async def acquire(self, task_id: str, owner: str) -> bool:
        """Take (or renew) the relay lease of ``task_id``; ``False`` if another holds it."""
        current = await self.holder(task_id)
        if current is not None and current != owner:
            return False  # checked first so a failed attempt does not extend their lease
        mine = owner.encode()

        def fn(raw: bytes | None) -> bytes | None:
            return mine if raw is None or raw == mine else raw

        return await self.store.update(_lease_key(task_id), fn, ttl=self.lease_seconds) == mine

    async def release(self, task_id: str, owner: str) -> None:
        if await self.holder(task_id) != owner:
            return
        mine = owner.encode()

        def fn(raw: bytes | None) -> bytes | None:
            return None if raw == mine else raw

        await self.store.update(_lease_key(task_id), fn, ttl=self.lease_seconds)


class ClientSSE:
    """One client's SSE response (see the module docstring)."""

    def __init__(self, send: Send, request_id: rpc.Id) -> None:
        self.send = send
        self.request_id = request_id
        self.started = False
        self.events = 0

    async def start(self) -> None:
        if not self.started:
            self.started = True
            await start_stream(self.send)

    async def result(self, result: Any) -> None:
        await self.start()
        self.events += 1
        await send_chunk(self.send, sse_event(orjson.dumps(rpc.result(self.request_id, result))))

    async def error(self, err: rpc.RpcError) -> None:
        await self.start()
        data = orjson.dumps(rpc.error(self.request_id, err))
        await send_chunk(self.send, sse_event(data, "error"))

    async def keepalive(self) -> None:
        await self.start()
        await send_chunk(self.send, KEEPALIVE)

    async def close(self) -> None:
        await self.start()
        await end_stream(self.send)
