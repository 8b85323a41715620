"""Usage on every pass-through stream, whether or not the client asked for it (I/O-free).

An OpenAI-format upstream reports a stream's token usage only when asked
(``stream_options.include_usage``): a final event with ``"choices": []`` and a
``usage`` object, and ``"usage": null`` in every event before it. Without it a
stream counts 0 tokens and costs $0. So the gateway always asks, and when the
client did not, takes that final event and the ``"usage": null`` fields out of
what it forwards: the client sees the stream it asked for. A client that asked
for usage gets the upstream's bytes untouched.
"""

from __future__ import annotations

from typing import Any

import orjson

from routeiq.llm.sse import event_data

_USAGE = b'"usage"'
_NULLS = (b',"usage":null', b', "usage": null', b',"usage": null', b', "usage":null')


def wants_usage(req: dict[str, Any]) -> bool:
    """Whether the client itself asked for the usage event."""
    opts = req.get("stream_options")
    return isinstance(opts, dict) and opts.get("include_usage") is True


def ask_for_usage(req: dict[str, Any]) -> dict[str, Any]:
    """A shallow copy of ``req`` asking the upstream for usage (``req`` is not changed)."""
    opts = req.get("stream_options")
    merged = {**opts, "include_usage": True} if isinstance(opts, dict) else {"include_usage": True}
    return {**req, "stream_options": merged}


def strip_usage(block: bytes) -> bytes:
    """``block`` (complete SSE events) without the usage-only event and the
    ``"usage": null`` fields; a block that mentions no usage is returned as is."""
    if _USAGE not in block:
        return block
    for null in _NULLS:
        if null in block:
            block = block.replace(null, b"")
    if _USAGE not in block:
        return block
    kept: list[bytes] = []
    for event in _events(block):
        if _USAGE in event and _is_usage_only(event):
            continue
        kept.append(event)
    return b"".join(kept)


def _events(block: bytes) -> list[bytes]:
    """Split complete SSE events, each keeping its own terminating blank line."""
    sep = b"\r\n\r\n" if b"\r\n\r\n" in block else b"\n\n"
    parts = block.split(sep)
    out = [p + sep for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _is_usage_only(event: bytes) -> bool:
    datas = event_data(event)
    if not datas:
        return False
    for data in datas:
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError:
            return False
        if not (isinstance(obj, dict) and isinstance(obj.get("usage"), dict)):
            return False
        if obj.get("choices"):
            return False
    return True
