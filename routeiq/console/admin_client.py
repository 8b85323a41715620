"""The console's changes go through the gateway's own admin API, in process.

Each action (create a key, flush the cache, register an MCP server...) is one
ASGI call into the same admin stack an operator's ``curl`` reaches, with the
master key in the synthetic request's headers. So the console validates, checks
SSRF and records exactly as the JSON API does, and adds no second code path to
keep in step. Nothing here touches the network or a log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from routeiq.asgi.types import ASGIApp, Message, RequestContext, http_scope

# The admin handlers read their body in one message; this bounds what we send.
MAX_BODY = 64 * 1024


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: Any  # the decoded JSON, or None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def message(self) -> str:
        """The error's message (OpenAI shape), or a short text."""
        if isinstance(self.body, dict):
            err = self.body.get("error")
            if isinstance(err, dict) and err.get("message"):
                return str(err["message"])[:500]
            if isinstance(err, str):
                return err[:500]
        return f"HTTP {self.status}"


class AdminClient:
    def __init__(self, app: ASGIApp, master_key: str) -> None:
        self.app = app
        self._auth = b"Bearer " + master_key.encode()

    async def call(self, method: str, path: str, body: Any = None, query: str = "") -> Answer:
        data = b"" if body is None else orjson.dumps(body)
        headers = [(b"authorization", self._auth), (b"host", b"console.internal")]
        if body is not None:
            headers += [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(data)),
            ]
        scope = http_scope(
            method,
            path,
            headers,
            query_string=query.encode(),
            client=("127.0.0.1", 0),
            server=("127.0.0.1", 0),
            **{"routeiq.ctx": RequestContext("console", 0.0)},
        )
        sent = False
        status = 500
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": data, "more_body": False}
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))

        await self.app(scope, receive, send)
        raw = b"".join(chunks)
        try:
            decoded: Any = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            decoded = None
        return Answer(status, decoded)
