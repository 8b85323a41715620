"""Incremental Server-Sent Events framing (I/O-free).

The upstream's byte stream arrives in arbitrary pieces; ``SSEFramer.feed``
returns the complete events it now holds (each with its terminating blank
line) so they can be forwarded at once, and keeps any partial event for the
next piece. Nothing is held back once its blank line has arrived.
"""

from __future__ import annotations

from typing import Any

import orjson

_SEPARATORS = (b"\n\n", b"\r\n\r\n", b"\r\r")


class SSEFramer:
    __slots__ = ("_buf", "max_event_bytes")

    def __init__(self, max_event_bytes: int = 1 << 20) -> None:
        self._buf = b""
        self.max_event_bytes = max_event_bytes

    def feed(self, data: bytes) -> list[bytes]:
        buf = self._buf + data if self._buf else data
        end = -1
        sep_len = 0
        for sep in _SEPARATORS:
            i = buf.rfind(sep)
            if i != -1 and i + len(sep) > end + sep_len:
                end, sep_len = i, len(sep)
        if end == -1:
            if len(buf) > self.max_event_bytes:
                raise ValueError("SSE event exceeds the size limit")
            self._buf = buf
            return []
        cut = end + sep_len
        self._buf = buf[cut:]
        return [buf[:cut]]

    def flush(self) -> bytes:
        """Whatever partial event remains at end of stream."""
        rest, self._buf = self._buf, b""
        return rest


def event_data(block: bytes) -> list[bytes]:
    """The ``data:`` payloads of the events in ``block`` (one entry per event)."""
    out: list[bytes] = []
    for event in block.replace(b"\r\n", b"\n").split(b"\n\n"):
        lines = [ln[5:].lstrip(b" ") for ln in event.split(b"\n") if ln.startswith(b"data:")]
        if lines:
            out.append(b"\n".join(lines))
    return out


def usage_from_block(block: bytes) -> dict[str, Any] | None:
    """The ``usage`` object if an event in ``block`` carries one (cheap pre-check first)."""
    if b'"usage"' not in block:
        return None
    found: dict[str, Any] | None = None
    for data in event_data(block):
        if b'"usage"' not in data or data == b"[DONE]":
            continue
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("usage"), dict):
            found = obj["usage"]
    return found
