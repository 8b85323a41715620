"""Cached answers: what is stored, how a stream is assembled, how a hit is replayed.

I/O-free. An answer is always stored as a ``chat.completion`` JSON body, whatever
the request that produced it asked for:

* a non-streamed response is stored as the exact bytes the client received
  (``completion_body`` checks it is a complete chat completion);
* a streamed response is assembled from the SSE bytes the client received
  (``assemble_stream``: content, refusal and tool-call deltas concatenated per
  choice), and only if it ended with ``data: [DONE]`` and every choice has a
  ``finish_reason`` (a stream that broke off, carried an error event or asked for
  ``logprobs``, which are not reassembled, is not stored);
* a hit for a streaming request is replayed as SSE (``completion_sse``), by the
  one replay plugin answers use too (``routeiq.llm.replay``).

The L2 record is one JSON header line (namespace, model group, stored-at wall
time) followed by the body bytes, so a hit never re-serialises the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from routeiq.llm.replay import completion_events
from routeiq.llm.sse import event_data

__all__ = [
    "CachedAnswer",
    "assemble_stream",
    "completion_body",
    "completion_sse",
    "decode_record",
    "encode_record",
]


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """A stored answer: a ``chat.completion`` body and where it belongs."""

    namespace: str
    model: str
    body: bytes
    stored_at: float  # wall-clock seconds (time.time()), compared with flush rules


def encode_record(answer: CachedAnswer) -> bytes:
    """The L2 value of ``answer``."""
    header = orjson.dumps(
        {"v": 1, "ns": answer.namespace, "m": answer.model, "t": answer.stored_at}
    )
    return header + b"\n" + answer.body


def decode_record(raw: bytes) -> CachedAnswer | None:
    """The answer in an L2 value, ``None`` if it is not one (e.g. another version)."""
    header, sep, body = raw.partition(b"\n")
    if not sep or not body:
        return None
    try:
        meta = orjson.loads(header)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(meta, dict) or meta.get("v") != 1:
        return None
    ns, model, t = meta.get("ns"), meta.get("m"), meta.get("t")
    if not isinstance(ns, str) or not isinstance(model, str) or not isinstance(t, int | float):
        return None
    return CachedAnswer(ns, model, body, float(t))


def _complete_choices(choices: Any) -> bool:
    if not isinstance(choices, list) or not choices:
        return False
    for choice in choices:
        if not isinstance(choice, dict) or not isinstance(choice.get("message"), dict):
            return False
        if choice.get("finish_reason") is None or choice.get("logprobs") is not None:
            return False
    return True


def completion_body(body: bytes) -> bytes | None:
    """``body`` if it is a complete ``chat.completion`` worth storing, else ``None``."""
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict) or obj.get("object") != "chat.completion":
        return None
    return body if _complete_choices(obj.get("choices")) else None


class _Choice:
    __slots__ = ("content", "finish", "refusal", "role", "tools")

    def __init__(self) -> None:
        self.role = "assistant"
        self.content: list[str] = []
        self.refusal: list[str] = []
        self.tools: dict[int, dict[str, Any]] = {}
        self.finish: str | None = None

    def feed(self, delta: dict[str, Any]) -> None:
        role = delta.get("role")
        if isinstance(role, str):
            self.role = role
        content = delta.get("content")
        if isinstance(content, str):
            self.content.append(content)
        refusal = delta.get("refusal")
        if isinstance(refusal, str):
            self.refusal.append(refusal)
        calls = delta.get("tool_calls")
        for position, call in enumerate(calls if isinstance(calls, list) else []):
            if isinstance(call, dict):
                self._tool(call, position)

    def _tool(self, call: dict[str, Any], position: int) -> None:
        index = call.get("index", position)
        tool = self.tools.setdefault(
            index if isinstance(index, int) else position,
            {"id": None, "type": "function", "function": {"name": "", "arguments": ""}},
        )
        if isinstance(call.get("id"), str):
            tool["id"] = call["id"]
        if isinstance(call.get("type"), str):
            tool["type"] = call["type"]
        fn = call.get("function")
        if isinstance(fn, dict):
            for part in ("name", "arguments"):
                if isinstance(fn.get(part), str):
                    tool["function"][part] += fn[part]

    def message(self) -> dict[str, Any]:
        text = "".join(self.content)
        message: dict[str, Any] = {"role": self.role, "content": text or None}
        if self.refusal:
            message["refusal"] = "".join(self.refusal)
        if self.tools:
            message["tool_calls"] = [self.tools[i] for i in sorted(self.tools)]
        elif text == "" and not self.refusal:
            message["content"] = ""
        return message


def assemble_stream(data: bytes) -> bytes | None:
    """The ``chat.completion`` body a complete SSE stream adds up to, else ``None``."""
    envelope: dict[str, Any] | None = None
    choices: dict[int, _Choice] = {}
    usage: Any = None
    done = False
    for payload in event_data(data):
        if payload == b"[DONE]":
            done = True
            continue
        try:
            event = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(event, dict) or "error" in event:
            return None
        if envelope is None:
            envelope = {k: event.get(k) for k in ("id", "created", "model", "system_fingerprint")}
        if isinstance(event.get("usage"), dict):
            usage = event["usage"]
        found = event.get("choices")
        for position, choice in enumerate(found if isinstance(found, list) else []):
            if not isinstance(choice, dict) or choice.get("logprobs") is not None:
                return None
            index = choice.get("index", position)
            state = choices.setdefault(index if isinstance(index, int) else position, _Choice())
            delta = choice.get("delta")
            if isinstance(delta, dict):
                state.feed(delta)
            if isinstance(choice.get("finish_reason"), str):
                state.finish = choice["finish_reason"]
    if not done or envelope is None or not choices:
        return None
    if any(c.finish is None for c in choices.values()):
        return None
    body: dict[str, Any] = {
        "id": envelope["id"],
        "object": "chat.completion",
        "created": envelope["created"],
        "model": envelope["model"],
        "choices": [
            {"index": i, "message": c.message(), "logprobs": None, "finish_reason": c.finish}
            for i, c in sorted(choices.items())
        ],
    }
    if envelope.get("system_fingerprint") is not None:
        body["system_fingerprint"] = envelope["system_fingerprint"]
    if usage is not None:
        body["usage"] = usage
    return orjson.dumps(body)


def completion_sse(body: bytes, *, include_usage: bool) -> bytes:
    """A stored ``chat.completion`` body as the SSE stream a streaming client expects."""
    obj = orjson.loads(body)
    return completion_events(obj, include_usage=include_usage, default_id="chatcmpl-cached")
