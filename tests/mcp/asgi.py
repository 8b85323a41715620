"""Drive an ASGI app in-process (no sockets): for fuzzing and autojump-clock tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import trio

from routeiq.asgi.types import CTX_KEY, ASGIApp, Message, RequestContext
from routeiq.testing import http_scope


@dataclass
class Reply:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] = field(default_factory=list)
    chunk_times: list[float] = field(default_factory=list)
    complete: bool = False

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    def json(self) -> Any:
        return orjson.loads(self.body)


async def call(
    app: ASGIApp,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    disconnect: Callable[[], Awaitable[None]] | None = None,
    reply: Reply | None = None,
) -> Reply:
    """One request. The client stays connected until ``disconnect`` returns
    (never, by default); then the app receives ``http.disconnect``."""
    out = reply or Reply()
    scope = http_scope(
        method,
        path,
        [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        server=("gateway.test", 80),
        **{CTX_KEY: RequestContext("req-test", 0.0)},
    )
    body_sent = False

    async def receive() -> Message:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if disconnect is None:
            await trio.sleep_forever()
        else:
            await disconnect()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            out.status = message["status"]
            out.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            if message.get("body"):
                out.chunks.append(message["body"])
                out.chunk_times.append(trio.current_time())
            if not message.get("more_body", False):
                out.complete = True

    await app(scope, receive, send)
    return out


async def not_found(scope: Any, receive: Any, send: Any) -> None:
    """The inner app behind a mount: everything unclaimed is a 404."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            kind = message["type"].rsplit(".", 1)[-1]
            await send({"type": f"lifespan.{kind}.complete"})
            if kind == "shutdown":
                return
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


def check_jsonrpc_reply(obj: Any) -> None:
    """``obj`` is a well-formed JSON-RPC response object (or a batch of them)."""
    items = obj if isinstance(obj, list) else [obj]
    assert items
    for item in items:
        assert isinstance(item, dict)
        assert item["jsonrpc"] == "2.0"
        assert "id" in item
        assert ("result" in item) != ("error" in item)
        if "error" in item:
            err = item["error"]
            assert isinstance(err["code"], int)
            assert isinstance(err["message"], str)
