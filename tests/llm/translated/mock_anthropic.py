"""A mock upstream that speaks Anthropic's Messages API (``POST /v1/messages``), on trio.

Non-streamed: one ``message`` JSON object. Streamed (``"stream": true``): the
Messages SSE event types in order: ``message_start``, ``content_block_start``,
``ping``, ``content_block_delta`` (one per piece of ``pieces``), ``content_block_stop``,
``message_delta`` (stop reason and output usage), ``message_stop``; each event
written as soon as it is produced, ``gap`` seconds apart, so tests can see
chunks arrive one by one. With ``tool`` set, the answer is a ``tool_use`` block
(streamed as ``input_json_delta`` pieces). ``status`` answers every request with
an Anthropic-style error; ``stream_error`` sends an ``error`` event mid-stream.

Every request is recorded (``requests``: path, headers, parsed body), so tests
can check the translation the gateway sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
import trio

from routeiq.asgi.respond import send_json
from routeiq.asgi.types import Receive, Scope, Send

API_KEY = "sk-ant-test-key"


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class MockAnthropic:
    pieces: list[str] = field(default_factory=lambda: ["Hello", " from", " Claude", "!"])
    input_tokens: int = 12
    output_tokens: int = 5
    cache_read_tokens: int = 0
    gap: float = 0.0
    status: int | None = None
    stream_error: bool = False
    tool: tuple[str, dict[str, Any]] | None = None  # (name, arguments)
    requests: list[Recorded] = field(default_factory=list)
    #: trio.current_time() when each streamed event was written (last request)
    event_times: list[float] = field(default_factory=list)
    #: when the gateway closed the last stream before its end (None: it did not)
    closed_at: float | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        req = orjson.loads(body) if body else {}
        self.requests.append(Recorded(scope["path"], headers, req))
        if scope["path"] == "/v1/messages/count_tokens" and headers.get("x-api-key") == API_KEY:
            # a count no estimate would give: the test can tell it came from here
            await send_json(send, 200, {"input_tokens": 7000 + len(orjson.dumps(req))})
            return
        if scope["path"] != "/v1/messages" or scope["method"] != "POST":
            await send_json(send, 404, _error("not_found_error", "Not found"))
            return
        if headers.get("x-api-key") != API_KEY:
            await send_json(send, 401, _error("authentication_error", "invalid x-api-key"))
            return
        if "anthropic-version" not in headers:
            await send_json(send, 400, _error("invalid_request_error", "anthropic-version missing"))
            return
        if self.status is not None:
            await send_json(send, self.status, _error("overloaded_error", "Overloaded"))
            return
        if req.get("stream") is True:
            self.closed_at = None
            async with trio.open_nursery() as nursery:

                async def watch() -> None:  # the gateway going away ends the stream
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    self.closed_at = trio.current_time()
                    nursery.cancel_scope.cancel()

                nursery.start_soon(watch)
                await self._stream(req, send)
                nursery.cancel_scope.cancel()
        else:
            await send_json(send, 200, self._message(req))

    def _usage(self, output: int) -> dict[str, int]:
        usage = {"input_tokens": self.input_tokens, "output_tokens": output}
        if self.cache_read_tokens:
            usage["cache_read_input_tokens"] = self.cache_read_tokens
            usage["cache_creation_input_tokens"] = 0
        return usage

    def _message(self, req: dict[str, Any]) -> dict[str, Any]:
        if self.tool is not None:
            name, args = self.tool
            content: list[dict[str, Any]] = [
                {"type": "tool_use", "id": "toolu_01", "name": name, "input": args}
            ]
            stop = "tool_use"
        else:
            content = [{"type": "text", "text": "".join(self.pieces)}]
            stop = "end_turn"
        return {
            "id": "msg_01mock",
            "type": "message",
            "role": "assistant",
            "model": req.get("model", "claude-mock"),
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": self._usage(self.output_tokens),
        }

    async def _stream(self, req: dict[str, Any], send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream"),
                    (b"cache-control", b"no-cache"),
                ],
            }
        )
        self.event_times = []
        start = {
            "type": "message_start",
            "message": {
                "id": "msg_01mock",
                "type": "message",
                "role": "assistant",
                "model": req.get("model", "claude-mock"),
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": self._usage(1),
            },
        }
        events: list[tuple[str, dict[str, Any]]] = [("message_start", start)]
        if self.tool is not None:
            name, args = self.tool
            block: dict[str, Any] = {
                "type": "tool_use",
                "id": "toolu_01",
                "name": name,
                "input": {},
            }
            text = orjson.dumps(args).decode()
            cut = max(1, len(text) // 2)
            deltas = [
                {"type": "input_json_delta", "partial_json": p} for p in (text[:cut], text[cut:])
            ]
            stop = "tool_use"
        else:
            block = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": p} for p in self.pieces]
            stop = "end_turn"
        events.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": 0, "content_block": block},
            )
        )
        events.append(("ping", {"type": "ping"}))
        for i, delta in enumerate(deltas):
            events.append(
                ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
            )
            if self.stream_error and i == 0:
                events.append(
                    (
                        "error",
                        {
                            "type": "error",
                            "error": {"type": "overloaded_error", "message": "Overloaded"},
                        },
                    )
                )
                break
        else:
            events.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
            events.append(
                (
                    "message_delta",
                    {
                        "type": "message_delta",
                        "delta": {"stop_reason": stop, "stop_sequence": None},
                        "usage": {"output_tokens": self.output_tokens},
                    },
                )
            )
            events.append(("message_stop", {"type": "message_stop"}))
        for i, (name, data) in enumerate(events):
            if i and self.gap:
                await trio.sleep(self.gap)
            chunk = b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"
            self.event_times.append(trio.current_time())
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}
