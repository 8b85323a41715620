"""Small helpers that send whole responses through an ASGI ``send``."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import orjson

from routeiq.asgi.types import Send
from routeiq.errors import RouteIQError, error_response_parts

Headers = list[tuple[bytes, bytes]]
ErrorBody = Callable[[RouteIQError], bytes]
# The error body of the surface the current request is on (Anthropic's shape on
# /v1/messages); None: the OpenAI shape. Set per request by RequestIdMiddleware
# from its path table, so every middleware's error comes out in the surface's shape.
ERROR_BODY: ContextVar[ErrorBody | None] = ContextVar("routeiq.error_body", default=None)


async def send_bytes(
    send: Send, status: int, body: bytes, content_type: bytes, extra: Headers | None = None
) -> None:
    headers: Headers = [(b"content-type", content_type), (b"content-length", b"%d" % len(body))]
    if extra:
        headers.extend(extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def send_json(send: Send, status: int, obj: Any, extra: Headers | None = None) -> None:
    await send_bytes(send, status, orjson.dumps(obj), b"application/json", extra)


async def send_error(send: Send, err: RouteIQError, extra: Headers | None = None) -> None:
    render = ERROR_BODY.get()
    status, headers, body = error_response_parts(err, None if render is None else render(err))
    if extra:
        headers.extend(extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
