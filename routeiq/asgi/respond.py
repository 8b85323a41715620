"""Small helpers that send whole responses through an ASGI ``send``."""

from __future__ import annotations

from typing import Any

import orjson

from routeiq.asgi.types import Send
from routeiq.errors import RouteIQError, error_response_parts

Headers = list[tuple[bytes, bytes]]


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
    status, headers, body = error_response_parts(err)
    if extra:
        headers.extend(extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
