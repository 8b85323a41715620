"""Adds the x-ratelimit-* headers of an admitted request to its response."""

from __future__ import annotations

from routeiq.asgi.types import Message, Send

Headers = list[tuple[bytes, bytes]]


def with_headers(send: Send, extra: Headers) -> Send:
    """The gateway's own limit headers replace an upstream's headers of the same name.

    Upstream ``x-ratelimit-*`` headers are passed back to the client (as LiteLLM does);
    when the caller's key, team, user or customer has limits here, those are the ones
    the client is held to, so a header is never sent twice with two values.
    """
    names = {name for name, _ in extra}

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in names]
            message["headers"] = [*kept, *extra]
        await send(message)

    return wrapped
