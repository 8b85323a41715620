"""A mock OpenAI-compatible upstream on trio (used by ``make run``, the tests and bench/).

Behaviour comes from ``MockSettings`` and can be overridden per request with
``metadata`` keys in the body (``mock_latency``, ``mock_ttft``, ``mock_chunks``,
``mock_chunk_gap``, ``mock_status``, ``mock_mode`` = ``ok|error|timeout|reset``),
which the gateway passes through (numbers and booleans as strings: it sends metadata
upstream in OpenAI's shape, ``compat/request_fields.py``). Each request's timeline (chunk
send times, when the client closed it) is recorded in ``MockStats`` so tests
can check what the upstream saw.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import orjson
import trio

from routeiq.asgi.respond import send_json
from routeiq.asgi.types import Message, Receive, Scope, Send
from routeiq.mock_responses import MockResponses

RATE_LIMIT = 10_000  # x-ratelimit-limit-requests the mock announces


@dataclass
class MockSettings:
    latency: float = 0.0  # seconds before a non-streamed answer / the response start
    ttft: float = 0.0  # extra seconds before the first streamed chunk
    chunks: int = 8
    chunk_gap: float = 0.0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    reset_rate: float = 0.0
    seed: int | None = None


@dataclass
class RequestRecord:
    request_id: str
    stream: bool
    started: float
    chunk_times: list[float] = field(default_factory=list)
    closed_at: float | None = None  # when the client (the gateway) went away early
    completed: bool = False
    body: dict[str, Any] = field(default_factory=dict)  # the request as received
    headers: dict[str, str] = field(default_factory=dict)
    target: str = ""  # path?query
    traceparent: str | None = None  # W3C trace context the gateway propagated
    stream_options: Any = None  # what the gateway asked for (usage on streams)


class MockStats:
    def __init__(self, keep: int = 1024) -> None:
        self.requests = 0
        self.active = 0
        self.records: deque[RequestRecord] = deque(maxlen=keep)

    def last(self) -> RequestRecord:
        return self.records[-1]


class MockUpstream:
    def __init__(self, settings: MockSettings | None = None) -> None:
        self.settings = settings or MockSettings()
        self.stats = MockStats()
        self._rng = random.Random(self.settings.seed)
        self._headers: list[tuple[bytes, bytes]] = []
        self._target = ""
        self.responses = MockResponses(chat_completion)  # its own Responses API

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path.endswith("/audio/transcriptions"):  # counted as it arrives, never held
            await _transcribe(scope, receive, send)
            return
        parts: list[bytes] = []
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            parts.append(msg.get("body", b""))
            if not msg.get("more_body"):
                break
        body = b"".join(parts)
        if path.endswith("/models"):
            await send_json(
                send, 200, {"object": "list", "data": [{"id": "mock", "object": "model"}]}
            )
            return
        try:
            req = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            await send_json(
                send, 400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}}
            )
            return
        if not isinstance(req, dict):
            req = {}
        rid = ""
        traceparent = None
        for k, v in scope["headers"]:
            if k == b"x-request-id":
                rid = v.decode("latin-1")
            elif k == b"traceparent":
                traceparent = v.decode("latin-1")
        self._headers = scope["headers"]
        query = scope.get("query_string") or b""
        self._target = path + ("?" + query.decode("latin-1") if query else "")
        self.stats.requests += 1
        self.stats.active += 1
        try:
            at = path.find("/responses")
            if at != -1:
                record = RequestRecord(rid, req.get("stream") is True, time.monotonic(), body=req)
                record.headers = {
                    k.decode("latin-1"): v.decode("latin-1") for k, v in self._headers
                }
                record.target = self._target
                self.stats.records.append(record)
                if self._mode(req) == "error":
                    status = int(self._option(req, "status", 500))
                    error = {"error": {"message": "mock failure", "type": "server_error"}}
                    await send_json(send, status, error)
                    return
                await self.responses.handle(scope["method"], path[at + 10 :], req, send)
                record.completed = True
            elif path.endswith("/embeddings"):
                await self._embeddings(req, send)
            elif not path.endswith("/chat/completions") and path.endswith(_OTHER_ENDPOINTS):
                record = RequestRecord(rid, req.get("stream") is True, time.monotonic(), body=req)
                record.target = self._target
                self.stats.records.append(record)  # what the gateway relayed, for the tests
                await _other_endpoint(path, req, send)
                record.completed = True
            else:
                await self._chat(req, rid, receive, send, traceparent)
        finally:
            self.stats.active -= 1

    def _limits(self, latency: float) -> list[tuple[bytes, bytes]]:
        """Rate-limit headers as OpenAI sends them (a fixed budget counted down)."""
        left = max(0, RATE_LIMIT - self.stats.requests)
        return [
            (b"x-ratelimit-limit-requests", b"%d" % RATE_LIMIT),
            (b"x-ratelimit-remaining-requests", b"%d" % left),
            (b"openai-processing-ms", b"%d" % int(latency * 1000)),
        ]

    def _option(self, req: dict[str, Any], name: str, default: float) -> float:
        meta = req.get("metadata")
        if isinstance(meta, dict) and f"mock_{name}" in meta:
            try:
                return float(meta[f"mock_{name}"])
            except (TypeError, ValueError):
                return default
        return default

    def _mode(self, req: dict[str, Any]) -> str:
        meta = req.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("mock_mode"), str):
            return str(meta["mock_mode"])
        s = self.settings
        r = self._rng.random()
        if r < s.error_rate:
            return "error"
        if r < s.error_rate + s.timeout_rate:
            return "timeout"
        if r < s.error_rate + s.timeout_rate + s.reset_rate:
            return "reset"
        return "ok"

    async def _embeddings(self, req: dict[str, Any], send: Send) -> None:
        inp = req.get("input")
        items = inp if isinstance(inp, list) else [inp]
        dims = req.get("dimensions") if isinstance(req.get("dimensions"), int) else 8
        data = []
        for i, item in enumerate(items):
            h = hashlib.blake2b(orjson.dumps(item), digest_size=64).digest()
            vec = [(h[j % 64] - 127.5) / 127.5 for j in range(max(1, min(int(dims or 8), 4096)))]
            data.append({"object": "embedding", "index": i, "embedding": vec})
        tokens = sum(len(str(x).split()) for x in items)
        await send_json(
            send,
            200,
            {
                "object": "list",
                "data": data,
                "model": req.get("model", "mock"),
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )

    async def _chat(
        self,
        req: dict[str, Any],
        rid: str,
        receive: Receive,
        send: Send,
        traceparent: str | None = None,
    ) -> None:
        s = self.settings
        mode = self._mode(req)
        status = int(self._option(req, "status", 500))
        latency = self._option(req, "latency", s.latency)
        stream = req.get("stream") is True
        record = RequestRecord(rid, stream, time.monotonic(), body=req)
        record.headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in self._headers}
        record.target = self._target
        record.traceparent = traceparent
        record.stream_options = req.get("stream_options")
        self.stats.records.append(record)
        if latency > 0:
            await trio.sleep(latency)
        if mode == "error":
            await send_json(
                send, status, {"error": {"message": "mock failure", "type": "server_error"}}
            )
            return
        if mode == "timeout":
            await _wait_disconnect(receive)
            record.closed_at = time.monotonic()
            return
        answer = _answer(req)
        prompt_tokens = _count_prompt(req)
        model = str(req.get("model", "mock"))
        cid = (
            "chatcmpl-"
            + hashlib.blake2b(f"{rid}{time.monotonic_ns()}".encode(), digest_size=8).hexdigest()
        )
        call = _tool_call(req)
        if call is not None:
            await self._tool_answer(req, send, record, cid, model, call, prompt_tokens, stream)
            return
        if not stream:
            words = answer.split()
            payload = {
                "id": cid,
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": answer},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": len(words),
                    "total_tokens": prompt_tokens + len(words),
                },
            }
            if mode == "reset":
                raw = orjson.dumps(payload)
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", b"%d" % len(raw)),
                        ],
                    }
                )
                await send(
                    {"type": "http.response.body", "body": raw[: len(raw) // 2], "more_body": True}
                )
                raise ConnectionResetError("mock reset")
            await send_json(send, 200, payload, self._limits(latency))
            record.completed = True
            return
        async with trio.open_nursery() as nursery:

            async def watch() -> None:
                await _wait_disconnect(receive)
                record.closed_at = time.monotonic()
                nursery.cancel_scope.cancel()

            nursery.start_soon(watch)
            await self._stream(req, send, record, cid, model, answer, prompt_tokens, mode)
            nursery.cancel_scope.cancel()

    async def _tool_answer(
        self,
        req: dict[str, Any],
        send: Send,
        record: RequestRecord,
        cid: str,
        model: str,
        call: dict[str, Any],
        prompt_tokens: int,
        stream: bool,
    ) -> None:
        """A forced tool call (``tool_choice`` required or naming a function): the
        arguments arrive in three pieces on a stream, as OpenAI streams them."""
        args = call["function"]["arguments"]
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": 5}
        usage["total_tokens"] = prompt_tokens + 5
        base = {"id": cid, "created": int(time.time()), "model": model}
        if not stream:
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
            choice = {"index": 0, "message": message, "finish_reason": "tool_calls"}
            payload = {**base, "object": "chat.completion", "choices": [choice], "usage": usage}
            await send_json(send, 200, payload, self._limits(0.0))
            record.completed = True
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream"), *self._limits(0.0)],
            }
        )
        third = -(-len(args) // 3)
        pieces = [args[i : i + third] for i in range(0, len(args), third)]
        name = call["function"]["name"]
        first = {**call, "index": 0, "function": {"name": name, "arguments": ""}}
        deltas: list[dict[str, Any]] = [{"role": "assistant", "tool_calls": [first]}]
        deltas += [{"tool_calls": [{"index": 0, "function": {"arguments": p}}]} for p in pieces]
        for delta in deltas:
            choice = {"index": 0, "delta": delta, "finish_reason": None}
            await _event(send, {**base, "object": "chat.completion.chunk", "choices": [choice]})
            record.chunk_times.append(time.monotonic())
        end = {"index": 0, "delta": {}, "finish_reason": "tool_calls"}
        await _event(send, {**base, "object": "chat.completion.chunk", "choices": [end]})
        opts = req.get("stream_options")
        if isinstance(opts, dict) and opts.get("include_usage") is True:
            chunk = {**base, "object": "chat.completion.chunk", "choices": [], "usage": usage}
            await _event(send, chunk)
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})
        record.completed = True

    async def _stream(
        self,
        req: dict[str, Any],
        send: Send,
        record: RequestRecord,
        cid: str,
        model: str,
        answer: str,
        prompt_tokens: int,
        mode: str,
    ) -> None:
        s = self.settings
        n = max(1, int(self._option(req, "chunks", s.chunks)))
        gap = self._option(req, "chunk_gap", s.chunk_gap)
        ttft = self._option(req, "ttft", s.ttft)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream"),
                    (b"cache-control", b"no-cache"),
                    *self._limits(0.0),
                ],
            }
        )
        if ttft > 0:
            await trio.sleep(ttft)
        pieces = _split(answer, n)
        created = int(time.time())
        meta = req.get("metadata")
        stamp = isinstance(meta, dict) and meta.get("mock_stamp") in (True, "true")
        for i, piece in enumerate(pieces):
            if i and gap > 0:
                await trio.sleep(gap)
            delta: dict[str, Any] = {"content": piece}
            if i == 0:
                delta["role"] = "assistant"
            chunk = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
            }
            if stamp:  # when it was sent, for benches measuring gaps against the upstream's
                chunk["x_mock_sent"] = time.monotonic()
            await _event(send, chunk)
            record.chunk_times.append(time.monotonic())
            if mode == "reset" and i >= len(pieces) // 2:
                raise ConnectionResetError("mock reset")
        final = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        await _event(send, final)
        opts = req.get("stream_options")
        if isinstance(opts, dict) and opts.get("include_usage") is True:
            ct = len(answer.split())
            usage_chunk = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": ct,
                    "total_tokens": prompt_tokens + ct,
                },
            }
            await _event(send, usage_chunk)
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})
        record.completed = True


def chat_completion(req: dict[str, Any]) -> dict[str, Any]:
    """The mock's whole ``chat.completion`` answer to ``req`` (a forced tool call, or
    the answer text), for the mock's Responses API."""
    prompt_tokens = _count_prompt(req)
    call = _tool_call(req)
    if call is not None:
        message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
        finish, out_tokens = "tool_calls", 5
    else:
        answer = _answer(req)
        message = {"role": "assistant", "content": answer}
        finish, out_tokens = "stop", len(answer.split())
    return {
        "id": "chatcmpl-mock",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(req.get("model", "mock")),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": out_tokens,
            "total_tokens": prompt_tokens + out_tokens,
        },
    }


def _tool_call(req: dict[str, Any]) -> dict[str, Any] | None:
    """The call a forced ``tool_choice`` makes (None once the last message is the
    tool's result, or when no tool call is forced)."""
    tools = req.get("tools")
    choice = req.get("tool_choice")
    messages = req.get("messages")
    if not isinstance(tools, list) or not tools or not isinstance(messages, list) or not messages:
        return None
    if isinstance(messages[-1], dict) and messages[-1].get("role") == "tool":
        return None
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        name = choice["function"].get("name")
    elif choice == "required" and isinstance(tools[0], dict):
        name = (tools[0].get("function") or {}).get("name")
    else:
        return None
    last = _answer(req).removeprefix("This is the mock upstream answering: ")
    return {
        "id": "call_" + hashlib.blake2b(last.encode(), digest_size=6).hexdigest(),
        "type": "function",
        "function": {"name": str(name), "arguments": orjson.dumps({"query": last}).decode()},
    }


def _answer(req: dict[str, Any]) -> str:
    messages = req.get("messages")
    last = ""
    if isinstance(messages, list) and messages and isinstance(messages[-1], dict):
        if messages[-1].get("role") == "tool":  # after a tool call: quote its result
            return f"The tool said: {messages[-1].get('content')}"
    if isinstance(messages, list):
        for m in reversed(messages):
            if isinstance(m, dict) and m.get("role") == "user":
                c = m.get("content")
                if (
                    isinstance(c, list)
                    and c
                    and all(isinstance(p, dict) and p.get("type") == "text" for p in c)
                ):  # text parts: their text, as a model reads them
                    c = " ".join(str(p.get("text")) for p in c)
                last = c if isinstance(c, str) else orjson.dumps(c).decode()
                break
    last = " ".join(last.split()[:24])
    return f"This is the mock upstream answering: {last}".strip()


def _count_prompt(req: dict[str, Any]) -> int:
    messages = req.get("messages")
    if not isinstance(messages, list):
        return 0
    return sum(len(str(m.get("content", "")).split()) for m in messages if isinstance(m, dict))


def _split(text: str, n: int) -> list[str]:
    words = text.split(" ")
    if n >= len(words):
        out = [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
        return out + [""] * (n - len(out))
    size = -(-len(words) // n)
    parts = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
    return [p + (" " if i < len(parts) - 1 else "") for i, p in enumerate(parts)]


async def _wait_disconnect(receive: Receive) -> None:
    while True:
        msg: Message = await receive()
        if msg["type"] == "http.disconnect":
            return


async def _event(send: Send, obj: dict[str, Any]) -> None:
    await send(
        {
            "type": "http.response.body",
            "body": b"data: " + orjson.dumps(obj) + b"\n\n",
            "more_body": True,
        }
    )


_OTHER_ENDPOINTS = (
    "/completions",
    "/moderations",
    "/images/generations",
    "/audio/speech",
    "/rerank",
)


async def _other_endpoint(path: str, req: dict[str, Any], send: Send) -> None:
    """Small stand-ins for OpenAI's other endpoints (and Cohere/Jina's rerank)."""
    model = str(req.get("model", "mock"))
    if path.endswith("/completions"):
        prompt = req.get("prompt")
        text = f"completion of: {prompt}"
        if req.get("stream") is True:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")],
                }
            )
            for word in text.split(" "):
                chunk = {
                    "id": "cmpl-mock",
                    "object": "text_completion",
                    "model": model,
                    "choices": [{"index": 0, "text": word + " ", "finish_reason": None}],
                }
                await _event(send, chunk)
            opts = req.get("stream_options")
            if isinstance(opts, dict) and opts.get("include_usage") is True:
                n = len(text.split())
                usage = {"prompt_tokens": 2, "completion_tokens": n, "total_tokens": n + 2}
                chunk = {"id": "cmpl-mock", "object": "text_completion", "model": model}
                await _event(send, {**chunk, "choices": [], "usage": usage})
            await send({"type": "http.response.body", "body": b"data: [DONE]\n\n"})
            return
        n = len(text.split())
        await send_json(
            send,
            200,
            {
                "id": "cmpl-mock",
                "object": "text_completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "text": text, "finish_reason": "stop", "logprobs": None}],
                "usage": {"prompt_tokens": 2, "completion_tokens": n, "total_tokens": n + 2},
            },
        )
    elif path.endswith("/moderations"):
        inp = req.get("input")
        flagged = "attack" in str(inp)
        result = {
            "flagged": flagged,
            "categories": {"violence": flagged},
            "category_scores": {"violence": 0.9 if flagged else 0.01},
        }
        await send_json(send, 200, {"id": "modr-mock", "model": model, "results": [result]})
    elif path.endswith("/images/generations"):
        count = req.get("n")
        n = count if isinstance(count, int) else 1
        data = [
            {"url": f"https://images.example/{i}.png", "revised_prompt": req.get("prompt")}
            for i in range(n)
        ]
        await send_json(send, 200, {"created": int(time.time()), "data": data})
    elif path.endswith("/audio/speech"):
        # Audio bytes in pieces, as a TTS service streams them.
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"audio/mpeg")],
            }
        )
        words = str(req.get("input", "")).encode()
        for i in range(8):
            await send(
                {
                    "type": "http.response.body",
                    "body": b"ID3" + words + b"%d" % i,
                    "more_body": True,
                }
            )
        await send({"type": "http.response.body", "body": b""})
    else:  # rerank (Cohere / Jina format)
        docs = req.get("documents")
        docs = docs if isinstance(docs, list) else []
        query = str(req.get("query", ""))
        scored = [(sum(w in str(d) for w in query.split()), i) for i, d in enumerate(docs)]
        scored.sort(key=lambda x: (-x[0], x[1]))
        top = req.get("top_n") if isinstance(req.get("top_n"), int) else len(scored)
        results = [{"index": i, "relevance_score": float(s)} for s, i in scored[:top]]
        meta = {"billed_units": {"search_units": 1}}
        answer = {"id": "rerank-mock", "results": results, "model": model, "meta": meta}
        await send_json(send, 200, answer)


async def _transcribe(scope: Scope, receive: Receive, send: Send) -> None:
    """Counts the multipart body's bytes as they arrive; answers with the model field
    and the byte count (so a test sees what arrived, and in how many pieces)."""
    size = 0
    pieces = 0
    head = b""
    while True:
        msg = await receive()
        if msg["type"] == "http.disconnect":
            return
        chunk = msg.get("body", b"")
        size += len(chunk)
        pieces += 1
        if len(head) < 4096:
            head += chunk[: 4096 - len(head)]
        if not msg.get("more_body"):
            break
    model = ""
    marker = head.find(b'name="model"')
    if marker != -1:
        start = head.find(b"\r\n\r\n", marker) + 4
        model = head[start : head.find(b"\r\n", start)].decode("utf-8", "replace")
    text = f"transcribed {size} bytes in {pieces} pieces for {model}"
    seconds = round(size / 32_000, 3)  # as if 16 kHz 16-bit mono
    await send_json(send, 200, {"text": text, "usage": {"type": "duration", "seconds": seconds}})
