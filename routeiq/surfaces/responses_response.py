"""Chat-completions answers -> OpenAI Responses objects and typed events (I/O-free).

``to_response`` translates a whole ``chat.completion``; ``ResponseStream`` turns chat
chunks into the typed event sequence (``response.created``, ``response.in_progress``,
``response.output_item.added``, ``response.content_part.added``,
``response.output_text.delta``/``.done``, ``response.content_part.done``,
``response.function_call_arguments.delta``/``.done``, ``response.output_item.done``,
then ``response.completed``, ``response.incomplete`` or ``response.failed``), each
with its ``sequence_number``. Both leave the final response object and the
assistant's chat message (the history a ``previous_response_id`` replays).
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from routeiq.surfaces.inband import inband_error
from routeiq.surfaces.responses_request import item_id
from routeiq.surfaces.sse import event

_INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}
_ECHOED = ("instructions", "max_output_tokens", "temperature", "top_p", "user", "tool_choice")


def new_response(body: dict[str, Any], model: str, resp_id: str | None = None) -> dict[str, Any]:
    """The response object before any output: the request's settings echoed."""
    resp: dict[str, Any] = {
        "id": resp_id or item_id("resp"),
        "object": "response",
        "created_at": int(time.time()),
        "status": "in_progress",
        "model": model,
        "output": [],
        "error": None,
        "incomplete_details": None,
        "previous_response_id": body.get("previous_response_id"),
        "metadata": body.get("metadata") or {},
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "tools": body.get("tools") or [],
        "text": body.get("text") or {"format": {"type": "text"}},
        "store": body.get("store", True) is not False,
        "usage": None,
    }
    for name in _ECHOED:
        resp[name] = body.get(name)
    if resp["tool_choice"] is None:
        resp["tool_choice"] = "auto"
    return resp


def usage_of(usage: Any) -> dict[str, Any] | None:
    if not isinstance(usage, dict):
        return None
    i, o = usage.get("prompt_tokens"), usage.get("completion_tokens")
    i = i if isinstance(i, int) else 0
    o = o if isinstance(o, int) else 0
    details = usage.get("prompt_tokens_details")
    cached = details.get("cached_tokens") if isinstance(details, dict) else None
    return {
        "input_tokens": i,
        "input_tokens_details": {"cached_tokens": cached if isinstance(cached, int) else 0},
        "output_tokens": o,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": i + o,
    }


def _text_item(text: str, status: str = "completed") -> dict[str, Any]:
    part = {"type": "output_text", "text": text, "annotations": []}
    return {
        "id": item_id("msg"),
        "type": "message",
        "status": status,
        "role": "assistant",
        "content": [part],
    }


def _call_item(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {
        "id": item_id("fc"),
        "type": "function_call",
        "status": "completed",
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
    }


def assistant_message(output: list[dict[str, Any]]) -> dict[str, Any]:
    """The chat message a response's output replays as (``previous_response_id``)."""
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    for item in output:
        if item["type"] == "message":
            texts.extend(p.get("text", "") for p in item["content"])
        elif item["type"] == "function_call":
            fn = {"name": item["name"], "arguments": item["arguments"]}
            calls.append({"id": item["call_id"], "type": "function", "function": fn})
    msg: dict[str, Any] = {"role": "assistant", "content": "".join(texts) or None}
    if calls:
        msg["tool_calls"] = calls
    return msg


def _finish(resp: dict[str, Any], finish: Any) -> None:
    reason = _INCOMPLETE.get(finish) if isinstance(finish, str) else None
    if reason is None:
        resp["status"] = "completed"
    else:
        resp["status"] = "incomplete"
        resp["incomplete_details"] = {"reason": reason}


def to_response(chat: dict[str, Any], resp: dict[str, Any]) -> dict[str, Any]:
    """Fill ``resp`` (from ``new_response``) with a whole chat completion's answer."""
    choices = chat.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices else {}
    message = choice.get("message") if isinstance(choice, dict) else None
    message = message if isinstance(message, dict) else {}
    output: list[dict[str, Any]] = []
    if isinstance(message.get("content"), str) and message["content"]:
        output.append(_text_item(message["content"]))
    for call in message.get("tool_calls") or ():
        fn = call.get("function") if isinstance(call, dict) else None
        if isinstance(fn, dict):
            args = fn.get("arguments")
            args = args if isinstance(args, str) else orjson.dumps(args or {}).decode()
            output.append(_call_item(str(call.get("id") or ""), str(fn.get("name", "")), args))
    resp["output"] = output
    resp["usage"] = usage_of(chat.get("usage"))
    _finish(resp, choice.get("finish_reason") if isinstance(choice, dict) else None)
    return resp


def failed(
    resp: dict[str, Any], status: int, message: str, code: str | None = None
) -> dict[str, Any]:
    resp["status"] = "failed"
    if code is None:
        code = "rate_limit_exceeded" if status == 429 else "server_error"
    resp["error"] = {"code": code, "message": message}
    return resp


class ResponseStream:
    """Chat chunks in, typed Responses events out (see the module docstring)."""

    def __init__(self, resp: dict[str, Any]) -> None:
        self.resp = resp
        self.seq = 0
        self.open: dict[str, Any] | None = None  # the output item being streamed
        self.calls: dict[int, dict[str, Any]] = {}  # chat tool-call index -> item
        self.finish_reason: Any = None
        self.done = False  # completed or failed: nothing more goes out
        # The open message's text in pieces, joined when it closes: appending to
        # a string held in a dict copies it each time (quadratic on long answers).
        self.pieces: list[str] = []

    def _event(self, kind: str, **fields: Any) -> bytes:
        obj = {"type": kind, "sequence_number": self.seq, **fields}
        self.seq += 1
        return event(kind, obj)

    def preamble(self) -> bytes:
        snapshot = {**self.resp, "output": []}
        return self._event("response.created", response=snapshot) + self._event(
            "response.in_progress", response=snapshot
        )

    def _add(self, item: dict[str, Any]) -> bytes:
        out = self._close()
        self.open = item
        self.pieces = []
        self.resp["output"].append(item)
        index = len(self.resp["output"]) - 1
        added = {**item, "status": "in_progress"}
        if item["type"] == "message":
            added["content"] = []
        out += self._event("response.output_item.added", output_index=index, item=added)
        if item["type"] == "message":
            part = {"type": "output_text", "text": "", "annotations": []}
            out += self._event(
                "response.content_part.added",
                item_id=item["id"],
                output_index=index,
                content_index=0,
                part=part,
            )
        return out

    def _close(self) -> bytes:
        item = self.open
        if item is None:
            return b""
        self.open = None
        index = self.resp["output"].index(item)
        out = b""
        if item["type"] == "message":
            item["content"][0]["text"] = "".join(self.pieces)
            part = item["content"][0]
            common = {"item_id": item["id"], "output_index": index, "content_index": 0}
            out += self._event(
                "response.output_text.done", text=part["text"], logprobs=[], **common
            )
            out += self._event("response.content_part.done", part=part, **common)
        else:
            out += self._event(
                "response.function_call_arguments.done",
                item_id=item["id"],
                output_index=index,
                name=item["name"],
                arguments=item["arguments"],
            )
        item["status"] = "completed"
        return out + self._event("response.output_item.done", output_index=index, item=item)

    def chunk(self, obj: dict[str, Any]) -> bytes:
        if self.done:
            return b""
        if "error" in obj and "choices" not in obj:
            status, message, code = inband_error(obj)  # a guardrail block keeps its code
            return self.fail(status, message, code)
        if isinstance(obj.get("usage"), dict):
            self.resp["usage"] = usage_of(obj["usage"])
        out = b""
        for choice in obj.get("choices") or ():
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta")
            delta = delta if isinstance(delta, dict) else {}
            content = delta.get("content")
            if isinstance(content, str) and content:
                if self.open is None or self.open["type"] != "message":
                    out += self._add(_text_item("", "in_progress"))
                item = self.open
                assert item is not None
                self.pieces.append(content)
                out += self._event(
                    "response.output_text.delta",
                    item_id=item["id"],
                    output_index=len(self.resp["output"]) - 1,
                    content_index=0,
                    delta=content,
                    logprobs=[],
                )
            for call in delta.get("tool_calls") or ():
                if isinstance(call, dict):
                    out += self._tool_call(call)
            if choice.get("finish_reason") is not None:
                self.finish_reason = choice["finish_reason"]
        return out

    def _tool_call(self, call: dict[str, Any]) -> bytes:
        n = call.get("index", 0)
        fn = call.get("function")
        fn = fn if isinstance(fn, dict) else {}
        out = b""
        item = self.calls.get(n if isinstance(n, int) else 0)
        if item is None:
            item = _call_item(str(call.get("id") or ""), str(fn.get("name") or ""), "")
            item["status"] = "in_progress"
            self.calls[n if isinstance(n, int) else 0] = item
            out += self._add(item)
        args = fn.get("arguments")
        if isinstance(args, str) and args:
            item["arguments"] += args
            out += self._event(
                "response.function_call_arguments.delta",
                item_id=item["id"],
                output_index=self.resp["output"].index(item),
                delta=args,
            )
        return out

    def finish(self) -> bytes:
        if self.done:
            return b""
        out = self._close()
        self.done = True
        _finish(self.resp, self.finish_reason)
        kind = "response.completed" if self.resp["status"] == "completed" else "response.incomplete"
        return out + self._event(kind, response=self.resp)

    def fail(self, status: int, message: str, code: str | None = None) -> bytes:
        self.done = True
        if self.open is not None and self.open["type"] == "message":
            self.open["content"][0]["text"] = "".join(self.pieces)
        self.open = None
        return self._event("response.failed", response=failed(self.resp, status, message, code))
