"""Reading a chat-completions SSE stream and writing a surface's events (I/O-free)."""

from __future__ import annotations

from typing import Any

import orjson

from routeiq.llm.sse import SSEFramer, event_data


def event(name: str, obj: dict[str, Any]) -> bytes:
    """One named SSE event (Anthropic and the Responses API both name theirs)."""
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(obj) + b"\n\n"


class ChatChunks:
    """The parsed ``data:`` objects of a chat SSE stream fed in arbitrary pieces.

    ``[DONE]``, comments (the gateway's ``: x-routeiq-response-cost`` line) and
    unparsable events are skipped; an in-band ``{"error": ...}`` object is returned
    like any chunk, for the surface to render in its own error shape."""

    __slots__ = ("_framer",)

    def __init__(self) -> None:
        self._framer = SSEFramer()

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        return _parse(self._framer.feed(data))

    def flush(self) -> list[dict[str, Any]]:
        rest = self._framer.flush()
        return _parse([rest]) if rest else []


def _parse(blocks: list[bytes]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for block in blocks:
        # The usual piece is one "data: {...}\n\n" event: sliced, not split and rejoined.
        if block.startswith(b"data: ") and block.endswith(b"\n\n") and block.count(b"\n") == 2:
            datas = [block[6:-2]]
        else:
            datas = event_data(block)
        for data in datas:
            if data == b"[DONE]":
                continue
            try:
                obj = orjson.loads(data)
            except orjson.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                out.append(obj)
    return out


def error_message(body: bytes | dict[str, Any]) -> tuple[str, str | None]:
    """(message, type) of an OpenAI-style error body, whatever its state."""
    obj: Any = body
    if isinstance(body, bytes):
        try:
            obj = orjson.loads(body)
        except orjson.JSONDecodeError:
            return body[:500].decode("utf-8", "replace") or "Upstream error", None
    err = obj.get("error") if isinstance(obj, dict) else None
    if isinstance(err, dict):
        msg = err.get("message")
        kind = err.get("type")
        return (str(msg) if msg is not None else "Error"), (kind if isinstance(kind, str) else None)
    if isinstance(err, str):
        return err, None
    return "Error", None
