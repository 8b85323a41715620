"""Mock upstreams for Gemini (generateContent, SSE) and Bedrock Converse (AWS event stream).

Gemini: ``POST <base>/models/<model>:generateContent`` answers one
``GenerateContentResponse``; ``:streamGenerateContent?alt=sse`` answers one
``data:`` event per piece (usage on the last). The key must be in ``x-goog-api-key``.

Bedrock: ``POST /model/<model id>/converse`` answers the Converse JSON;
``/converse-stream`` answers ``application/vnd.amazon.eventstream`` frames
(messageStart, contentBlockDelta..., contentBlockStop, messageStop, metadata),
encoded here per the AWS event-stream format (prelude, CRCs, string headers).
Requests must carry a SigV4 ``authorization`` header for the configured key id
and region (the signature itself is not recomputed: that is botocore's job).
"""

from __future__ import annotations

import binascii
import struct
from dataclasses import dataclass, field
from typing import Any

import orjson

from routeiq.asgi.respond import send_json
from routeiq.asgi.types import Receive, Scope, Send
from tests.llm.translated.mock_anthropic import Recorded

GEMINI_KEY = "AIza-test-key"
AWS_KEY_ID = "AKIDTESTKEY"
AWS_SECRET = "secret/test/key"
AWS_REGION = "us-east-1"


async def _read(scope: Scope, receive: Receive) -> tuple[dict[str, str], dict[str, Any]]:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
    return headers, (orjson.loads(body) if body else {})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


@dataclass
class MockGemini:
    pieces: list[str] = field(default_factory=lambda: ["Hi", " from", " Gemini"])
    prompt_tokens: int = 9
    output_tokens: int = 3
    requests: list[Recorded] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        headers, req = await _read(scope, receive)
        path = scope["path"]
        self.requests.append(Recorded(path + "?" + scope["query_string"].decode(), headers, req))
        if headers.get("x-goog-api-key") != GEMINI_KEY:
            await send_json(send, 403, {"error": {"code": 403, "message": "bad key"}})
            return
        usage = {
            "promptTokenCount": self.prompt_tokens,
            "candidatesTokenCount": self.output_tokens,
            "totalTokenCount": self.prompt_tokens + self.output_tokens,
        }
        if path.endswith(":generateContent"):
            await send_json(send, 200, self._response("".join(self.pieces), "STOP", usage))
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        for i, piece in enumerate(self.pieces):
            last = i == len(self.pieces) - 1
            event = self._response(piece, "STOP" if last else None, usage if last else None)
            body = b"data: " + orjson.dumps(event) + b"\r\n\r\n"
            await send({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    @staticmethod
    def _response(text: str, finish: str | None, usage: dict[str, int] | None) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"parts": [{"text": text}], "role": "model"}}
        if finish:
            candidate["finishReason"] = finish
        out: dict[str, Any] = {
            "candidates": [candidate],
            "modelVersion": "gemini-2.5-flash",
            "responseId": "resp-1",
        }
        if usage:
            out["usageMetadata"] = usage
        return out


def event_frame(event_type: str, payload: dict[str, Any]) -> bytes:
    """One AWS event-stream message (the binary framing Bedrock streams in)."""
    headers = b""
    for name, value in (
        (":event-type", event_type),
        (":content-type", "application/json"),
        (":message-type", "event"),
    ):
        n, v = name.encode(), value.encode()
        headers += struct.pack(">B", len(n)) + n + b"\x07" + struct.pack(">H", len(v)) + v
    body = orjson.dumps(payload)
    total = 12 + len(headers) + len(body) + 4
    prelude = struct.pack(">II", total, len(headers))
    prelude += struct.pack(">I", binascii.crc32(prelude))
    message = prelude + headers + body
    return message + struct.pack(">I", binascii.crc32(message))


@dataclass
class MockBedrock:
    pieces: list[str] = field(default_factory=lambda: ["Hey", " from", " Bedrock"])
    input_tokens: int = 7
    output_tokens: int = 3
    requests: list[Recorded] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        headers, req = await _read(scope, receive)
        path = scope["path"]
        self.requests.append(Recorded(scope.get("raw_path", b"").decode(), headers, req))
        auth = headers.get("authorization", "")
        scope_part = f"Credential={AWS_KEY_ID}/"
        if not auth.startswith("AWS4-HMAC-SHA256") or scope_part not in auth:
            await send_json(send, 403, {"message": "missing or wrong SigV4 signature"})
            return
        if f"/{AWS_REGION}/bedrock/aws4_request" not in auth:
            await send_json(send, 403, {"message": "wrong credential scope"})
            return
        usage = {
            "inputTokens": self.input_tokens,
            "outputTokens": self.output_tokens,
            "totalTokens": self.input_tokens + self.output_tokens,
        }
        if path.endswith("/converse"):
            answer = {
                "output": {
                    "message": {"role": "assistant", "content": [{"text": "".join(self.pieces)}]}
                },
                "stopReason": "end_turn",
                "usage": usage,
                "metrics": {"latencyMs": 12},
            }
            await send_json(send, 200, answer)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/vnd.amazon.eventstream")],
            }
        )
        frames = [event_frame("messageStart", {"role": "assistant"})]
        frames += [
            event_frame("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": p}})
            for p in self.pieces
        ]
        frames.append(event_frame("contentBlockStop", {"contentBlockIndex": 0}))
        frames.append(event_frame("messageStop", {"stopReason": "end_turn"}))
        frames.append(event_frame("metadata", {"usage": usage, "metrics": {"latencyMs": 12}}))
        data = b"".join(frames)
        # Cut across frame boundaries: the decoder must reassemble them.
        for i in range(0, len(data), 37):
            await send({"type": "http.response.body", "body": data[i : i + 37], "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
