"""Chat-completions answers -> Anthropic Messages answers and events (I/O-free).

``to_message`` translates a whole ``chat.completion``; ``MessageStream`` is the
state machine that turns chat chunks into Anthropic's event sequence
(``message_start``, ``ping``, ``content_block_start``/``_delta``/``_stop`` with
``text_delta`` or ``input_json_delta``, ``message_delta`` with the stop reason and
usage, ``message_stop``; ``error`` in-band). ``error_body`` renders any gateway
error in Anthropic's shape.
"""

from __future__ import annotations

import secrets
from typing import Any

import orjson

from routeiq.errors import RouteIQError
from routeiq.surfaces.inband import inband_error
from routeiq.surfaces.sse import error_message, event

STOP_REASONS = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    503: "overloaded_error",
    529: "overloaded_error",
}


def new_id() -> str:
    return "msg_" + secrets.token_hex(12)


def error_type(status: int) -> str:
    if status in _ERROR_TYPES:
        return _ERROR_TYPES[status]
    return "invalid_request_error" if 400 <= status < 500 else "api_error"


def error_obj(status: int, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": error_type(status), "message": message}}


def error_body(err: RouteIQError) -> bytes:
    """A gateway error in Anthropic's shape (the error renderer of this surface)."""
    return orjson.dumps(error_obj(err.status, err.message))


def usage_of(usage: Any) -> dict[str, int]:
    out = {"input_tokens": 0, "output_tokens": 0}
    if isinstance(usage, dict):
        for src, dst in (("prompt_tokens", "input_tokens"), ("completion_tokens", "output_tokens")):
            n = usage.get(src)
            if isinstance(n, int):
                out[dst] = n
        details = usage.get("prompt_tokens_details")
        cached = details.get("cached_tokens") if isinstance(details, dict) else None
        if isinstance(cached, int) and cached:
            out["cache_read_input_tokens"] = cached
    return out


def _arguments(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        parsed = orjson.loads(raw) if isinstance(raw, str | bytes) and raw else {}
    except orjson.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def to_message(chat: dict[str, Any], model: str, msg_id: str | None = None) -> dict[str, Any]:
    """An Anthropic ``message`` object for a whole chat completion."""
    choices = chat.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices else {}
    message = choice.get("message") if isinstance(choice, dict) else None
    message = message if isinstance(message, dict) else {}
    content: list[dict[str, Any]] = []
    if isinstance(message.get("content"), str) and message["content"]:
        content.append({"type": "text", "text": message["content"]})
    for call in message.get("tool_calls") or ():
        fn = call.get("function") if isinstance(call, dict) else None
        if not isinstance(fn, dict):
            continue
        content.append(
            {
                "type": "tool_use",
                "id": str(call.get("id") or "toolu_" + secrets.token_hex(12)),
                "name": str(fn.get("name", "")),
                "input": _arguments(fn.get("arguments")),
            }
        )
    finish = choice.get("finish_reason") if isinstance(choice, dict) else None
    return {
        "id": msg_id or new_id(),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": STOP_REASONS.get(finish or "stop", "end_turn"),
        "stop_sequence": None,
        "usage": usage_of(chat.get("usage")),
    }


def whole(status: int, body: bytes, model: str) -> bytes:
    """The Anthropic body for a whole chat answer (errors in Anthropic's shape)."""
    if status >= 400:
        return orjson.dumps(error_obj(status, error_message(body)[0]))
    try:
        chat = orjson.loads(body)
    except orjson.JSONDecodeError:
        return orjson.dumps(error_obj(502, "The upstream answer is not JSON"))
    if not isinstance(chat, dict):
        return orjson.dumps(error_obj(502, "The upstream answer is not a JSON object"))
    return orjson.dumps(to_message(chat, model))


class MessageStream:
    """Chat chunks in, Anthropic events out (see the module docstring)."""

    def __init__(self, model: str, msg_id: str | None = None) -> None:
        self.model = model
        self.id = msg_id or new_id()
        self.index = -1  # of the last content block started
        self.open: str | None = None  # "text", "tool" or None
        self.tools: dict[int, int] = {}  # chat tool-call index -> content block index
        self.stop_reason = "end_turn"
        self.usage: dict[str, int] = {"input_tokens": 0, "output_tokens": 0}
        self.failed = False

    def preamble(self) -> bytes:
        msg: dict[str, Any] = {
            "id": self.id,
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 0, "output_tokens": 0},
        }
        return event("message_start", {"type": "message_start", "message": msg}) + event(
            "ping", {"type": "ping"}
        )

    def _close(self) -> bytes:
        if self.open is None:
            return b""
        self.open = None
        return event("content_block_stop", {"type": "content_block_stop", "index": self.index})

    def _start(self, kind: str, block: dict[str, Any]) -> bytes:
        out = self._close()
        self.index += 1
        self.open = kind
        start = {"type": "content_block_start", "index": self.index, "content_block": block}
        return out + event("content_block_start", start)

    def _delta(self, index: int, delta: dict[str, Any]) -> bytes:
        return event(
            "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
        )

    def chunk(self, obj: dict[str, Any]) -> bytes:
        if self.failed:
            return b""
        if "error" in obj and "choices" not in obj:
            self.failed = True
            status, message, _ = inband_error(obj)  # a guardrail block: 400's type
            return self._close() + event("error", error_obj(status, message))
        if isinstance(obj.get("usage"), dict):
            self.usage = usage_of(obj["usage"])
        out = b""
        for choice in obj.get("choices") or ():
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta")
            delta = delta if isinstance(delta, dict) else {}
            content = delta.get("content")
            if isinstance(content, str) and content:
                if self.open != "text":
                    out += self._start("text", {"type": "text", "text": ""})
                out += self._delta(self.index, {"type": "text_delta", "text": content})
            for call in delta.get("tool_calls") or ():
                if isinstance(call, dict):
                    out += self._tool_call(call)
            finish = choice.get("finish_reason")
            if isinstance(finish, str):
                self.stop_reason = STOP_REASONS.get(finish, "end_turn")
        return out

    def _tool_call(self, call: dict[str, Any]) -> bytes:
        n = call.get("index", 0)
        n = n if isinstance(n, int) else 0
        fn = call.get("function")
        fn = fn if isinstance(fn, dict) else {}
        out = b""
        if n not in self.tools:
            block = {
                "type": "tool_use",
                "id": str(call.get("id") or "toolu_" + secrets.token_hex(12)),
                "name": str(fn.get("name") or ""),
                "input": {},
            }
            out += self._start("tool", block)
            self.tools[n] = self.index
        args = fn.get("arguments")
        if isinstance(args, str) and args:
            delta = {"type": "input_json_delta", "partial_json": args}
            out += self._delta(self.tools[n], delta)
        return out

    def finish(self) -> bytes:
        if self.failed:
            return b""
        out = self._close()
        delta = {
            "type": "message_delta",
            "delta": {"stop_reason": self.stop_reason, "stop_sequence": None},
            "usage": self.usage,
        }
        return out + event("message_delta", delta) + event("message_stop", {"type": "message_stop"})

    def error(self, status: int, message: str) -> bytes:
        """An error that ended the stream before any chat chunk (in-band)."""
        self.failed = True
        return self._close() + event("error", error_obj(status, message))
