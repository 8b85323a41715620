"""Adds the x-ratelimit-* headers of an admitted request to its response."""

from __future__ import annotations

from routeiq.asgi.types import Message, Send

Headers = list[tuple[bytes, bytes]]


def with_headers(send: Send, extra: Headers) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), *extra]
        await send(message)

    return wrapped
