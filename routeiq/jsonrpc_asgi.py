"""ASGI helpers shared by the A2A and MCP endpoints and their admin APIs.

Small pieces used at the edge: content negotiation, SSE framing of one event,
the disconnect watcher that cancels a request's work when the client goes
away, master-key checks and pydantic validation for the admin routes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import orjson
import trio
from pydantic import BaseModel, ValidationError

from routeiq.asgi.auth import KeyRing, presented_key
from routeiq.asgi.body import read_body
from routeiq.asgi.disconnect import watch_disconnect
from routeiq.asgi.respond import Headers
from routeiq.asgi.response_headers import PROTOCOL_SSE_HEADERS
from routeiq.asgi.types import CTX_KEY, Receive, RequestContext, Scope, Send, header
from routeiq.errors import BadRequest, ClientClosed, Forbidden, InvalidJSON

M = TypeVar("M", bound=BaseModel)

SSE_HEADERS: Headers = PROTOCOL_SSE_HEADERS  # one module for response headers
KEEPALIVE = b": keep-alive\n\n"


def accepts(scope: Scope) -> tuple[bool, bool]:
    """``(json_ok, sse_ok)`` from the Accept header (absent or ``*/*``: JSON)."""
    raw = header(scope, b"accept")
    if raw is None:
        return True, False
    text = raw.decode("latin-1").lower()
    any_type = "*/*" in text
    return (
        any_type or "application/json" in text or "application/*" in text,
        "text/event-stream" in text,
    )


def sse_event(data: bytes, event: str | None = None) -> bytes:
    """One SSE event carrying ``data`` (JSON has no raw newlines, so one data line)."""
    head = b"event: " + event.encode() + b"\n" if event else b""
    return head + b"data: " + data + b"\n\n"


async def run_beside_client(
    receive: Receive, jobs: Sequence[Callable[[], Awaitable[None]]]
) -> None:
    """Run ``jobs`` concurrently while watching the client; if it disconnects,
    cancel them all and raise ``ClientClosed`` (the batch runner of both gateways)."""
    disconnected = False

    async def watch(cancel_scope: trio.CancelScope) -> None:
        nonlocal disconnected
        disconnected = await watch_disconnect(receive, cancel_scope)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(watch, nursery.cancel_scope)
        async with trio.open_nursery() as work:
            for job in jobs:
                work.start_soon(job)
        nursery.cancel_scope.cancel()
    if disconnected:
        raise ClientClosed("The client closed the connection")


async def start_stream(send: Send, status: int = 200, extra: Headers | None = None) -> None:
    await send(
        {"type": "http.response.start", "status": status, "headers": SSE_HEADERS + (extra or [])}
    )


async def send_chunk(send: Send, data: bytes) -> None:
    await send({"type": "http.response.body", "body": data, "more_body": True})


async def end_stream(send: Send) -> None:
    await send({"type": "http.response.body", "body": b"", "more_body": False})


def tenant_of(scope: Scope) -> str:
    """Who owns what a request creates (A2A tasks, MCP sessions): the caller's
    team, else its virtual key's id, else its YAML key's name; ``""`` when auth is
    off (no keys configured). Not a virtual key's alias: a deleted key's alias can be
    given to a new key, which must not inherit the old one's tasks and sessions."""
    ctx: RequestContext | None = scope.get(CTX_KEY)
    if ctx is None:
        return ""
    if ctx.team:
        return f"team:{ctx.team}"
    if ctx.key_id:
        return f"vkey:{ctx.key_id}"
    return f"key:{ctx.key_name}" if ctx.key_name else ""


def require_master(scope: Scope, keys: KeyRing | None) -> None:
    """Admin routes need the master key (when keys are configured at all)."""
    if keys is None or not keys:
        return
    token = presented_key(scope)
    info = keys.lookup(token) if token is not None else None
    if info is None or not info.is_master:
        raise Forbidden("This admin route needs the master key")


async def read_model(scope: Scope, receive: Receive, model: type[M], limit: int) -> M:
    """The request body validated as ``model``; 400 naming every problem."""
    return parse_model(await read_body(scope, receive, limit), model)


def parse_model(body: bytes, model: type[M]) -> M:
    """``body`` (JSON) validated as ``model``; 400 naming every problem."""
    try:
        obj: Any = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidJSON(f"The body is not valid JSON: {exc}") from None
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '<body>'}: {e['msg']}" for e in exc.errors()
        )
        raise BadRequest(f"Invalid {model.__name__}: {problems}") from None
