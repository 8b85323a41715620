"""A whole ``chat.completion`` replayed as the SSE stream a streaming client expects.

One replay for every answer the gateway has in hand before the upstream is
called: a plugin's direct answer and a cache hit. I/O-free. Per choice, one
``chat.completion.chunk`` carries the role, the whole content, the refusal, the
tool calls (each with its ``index``) and the choice's ``logprobs``; then one
finish chunk for all choices, a usage chunk when the request asked for
``stream_options.include_usage`` (the completion's usage, zeros if it had
none: never a guess), then ``data: [DONE]``.
"""

from __future__ import annotations

from typing import Any

import orjson

_ZERO_USAGE = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}


def _event(obj: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(obj) + b"\n\n"


def _delta(message: dict[str, Any]) -> dict[str, Any]:
    delta: dict[str, Any] = {
        "role": message.get("role") or "assistant",
        "content": message.get("content"),
    }
    if message.get("refusal") is not None:
        delta["refusal"] = message["refusal"]
    calls = message.get("tool_calls")
    if isinstance(calls, list) and calls:
        delta["tool_calls"] = [
            {"index": i, **call} for i, call in enumerate(calls) if isinstance(call, dict)
        ]
    return delta


def completion_events(
    completion: dict[str, Any], *, include_usage: bool, default_id: str = "chatcmpl-replay"
) -> bytes:
    """``completion`` (a parsed ``chat.completion``) as SSE bytes (see module docstring)."""
    envelope: dict[str, Any] = {
        "id": completion.get("id") or default_id,
        "object": "chat.completion.chunk",
        "created": completion.get("created") or 0,
        "model": completion.get("model") or "",
    }
    if completion.get("system_fingerprint") is not None:
        envelope["system_fingerprint"] = completion["system_fingerprint"]
    events: list[bytes] = []
    finals: list[dict[str, Any]] = []
    choices = completion.get("choices")
    for position, choice in enumerate(choices if isinstance(choices, list) else []):
        if not isinstance(choice, dict):
            continue
        index = choice.get("index", position)
        found = choice.get("message")
        message: dict[str, Any] = found if isinstance(found, dict) else {}
        first = {
            "index": index,
            "delta": _delta(message),
            "logprobs": choice.get("logprobs"),
            "finish_reason": None,
        }
        events.append(_event({**envelope, "choices": [first]}))
        finals.append(
            {
                "index": index,
                "delta": {},
                "logprobs": None,
                "finish_reason": choice.get("finish_reason"),
            }
        )
    events.append(_event({**envelope, "choices": finals}))
    if include_usage:
        usage = completion.get("usage")
        events.append(_event({**envelope, "choices": [], "usage": usage or _ZERO_USAGE}))
    events.append(b"data: [DONE]\n\n")
    return b"".join(events)
