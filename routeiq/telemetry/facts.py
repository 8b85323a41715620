"""GenAI semantic-convention attributes from a request and its answer (I/O-free).

Read after the response, from the parsed request and from references to what
the client got: a whole body, or a stream's first block (id, model) and its
last block that named a finish reason. Conventions followed: OpenTelemetry
semantic conventions for generative AI, v1.37.0 (status: Development).
"""

from __future__ import annotations

from typing import Any

import orjson

from routeiq.llm.sse import event_data
from routeiq.tracecontext import AttemptTrace

_REQUEST_PARAMS = (
    ("max_tokens", "gen_ai.request.max_tokens"),
    ("max_completion_tokens", "gen_ai.request.max_tokens"),
    ("temperature", "gen_ai.request.temperature"),
    ("top_p", "gen_ai.request.top_p"),
    ("frequency_penalty", "gen_ai.request.frequency_penalty"),
    ("presence_penalty", "gen_ai.request.presence_penalty"),
    ("seed", "gen_ai.request.seed"),
)


def request_attributes(req: dict[str, Any] | None) -> dict[str, Any]:
    """``gen_ai.request.*`` from the client's body (numbers only, never contents)."""
    out: dict[str, Any] = {}
    if not req:
        return out
    for key, attr in _REQUEST_PARAMS:
        value = req.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[attr] = value
    n = req.get("n")
    if isinstance(n, int) and not isinstance(n, bool) and n != 1:
        out["gen_ai.request.choice.count"] = n
    stop = req.get("stop")
    if isinstance(stop, str):
        out["gen_ai.request.stop_sequences"] = (stop,)
    elif isinstance(stop, list) and all(isinstance(s, str) for s in stop):
        out["gen_ai.request.stop_sequences"] = tuple(stop)
    return out


def _objects(block: bytes | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if not block:
        return out
    for data in event_data(block):
        if data == b"[DONE]":
            continue
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            out.append(obj)
    return out


def response_attributes(rec: AttemptTrace) -> dict[str, Any]:
    """``gen_ai.response.*`` of the answer this attempt gave the client."""
    out: dict[str, Any] = {}
    if rec.body is not None:
        try:
            obj = orjson.loads(rec.body)
        except orjson.JSONDecodeError:
            obj = None
        heads = [obj] if isinstance(obj, dict) else []
        tails = heads
    else:
        heads = _objects(rec.first)
        tails = _objects(rec.last)
    for obj in heads:
        if isinstance(obj.get("id"), str):
            out["gen_ai.response.id"] = obj["id"]
        if isinstance(obj.get("model"), str):
            out["gen_ai.response.model"] = obj["model"]
        break
    reasons: list[str] = []
    for obj in tails:
        choices = obj.get("choices")
        if not isinstance(choices, list):
            continue
        for choice in choices:
            if isinstance(choice, dict) and isinstance(choice.get("finish_reason"), str):
                reasons.append(choice["finish_reason"])
    if reasons:
        out["gen_ai.response.finish_reasons"] = tuple(reasons)
    return out


def usage_tokens(usage: dict[str, Any] | None) -> tuple[int | None, int | None]:
    """(input, output) tokens from an OpenAI-format usage object."""
    if not usage:
        return None, None
    pt, ct = usage.get("prompt_tokens"), usage.get("completion_tokens")
    return (pt if isinstance(pt, int) else None), (ct if isinstance(ct, int) else None)
