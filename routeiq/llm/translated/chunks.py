"""litellm's response objects as OpenAI-format JSON and SSE (I/O-free).

litellm's provider iterators yield either ``ModelResponseStream`` objects
(pydantic) or ``GenericStreamingChunk`` dicts; its ``CustomStreamWrapper``
normally turns them into client chunks, but it is tied to litellm's logging
and asyncio machinery. ``ChunkWriter`` does the part a gateway needs: one
``chat.completion.chunk`` per meaningful delta (the first carries
``role: assistant``), one stream id and creation time, the finish reason held
and sent once in a last chunk with an empty delta (some parsers, Gemini's,
mark every chunk "stop" and rely on litellm's wrapper to hold it), ``usage``
kept aside (sent as a final chunk with empty ``choices`` only when the client
asked for ``stream_options.include_usage``, as OpenAI does), and
``data: [DONE]`` at the end. Objects are duck-typed: nothing here imports litellm.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any

import orjson

DONE = b"data: [DONE]\n\n"


def _dump(obj: Any) -> Any:
    """A pydantic object (or plain value) as plain data, ``None`` fields dropped."""
    dump = getattr(obj, "model_dump", None)
    if dump is not None:
        return dump(exclude_none=True)
    return obj


def _clean_message(message: dict[str, Any]) -> None:
    """Drop litellm's bookkeeping that OpenAI clients do not expect."""
    extra = message.get("provider_specific_fields")
    if extra is not None and (
        not isinstance(extra, dict) or all(v is None for v in extra.values())
    ):
        del message["provider_specific_fields"]
    for key in ("function_call", "audio", "images", "annotations", "thinking_blocks"):
        if message.get(key) in (None, [], {}):
            message.pop(key, None)


def usage_dict(usage: Any) -> dict[str, Any] | None:
    """litellm's ``Usage`` (or a dict) as a plain OpenAI ``usage`` object."""
    if usage is None:
        return None
    found = _dump(usage)
    if not isinstance(found, dict):
        return None
    out = {k: v for k, v in found.items() if v is not None}
    return out if "prompt_tokens" in out or "completion_tokens" in out else None


def completion_body(model_response: Any) -> tuple[bytes, dict[str, Any] | None]:
    """A litellm ``ModelResponse`` as an OpenAI ``chat.completion`` body, and its usage."""
    data = _dump(model_response)
    if not isinstance(data, dict):
        raise ValueError("the translated response is not an object")
    data["object"] = "chat.completion"
    for key in [k for k, v in data.items() if v == [] or v is None]:
        del data[key]  # e.g. Gemini's empty vertex_ai_*_metadata lists
    for choice in data.get("choices") or ():
        message = choice.get("message") if isinstance(choice, dict) else None
        if isinstance(message, dict):
            _clean_message(message)
    usage = usage_dict(data.get("usage"))
    if usage is not None:
        data["usage"] = usage
    # "id" first: the response tap reads the first "id" for affinity.
    ordered = {"id": data.pop("id", f"chatcmpl-{uuid.uuid4().hex}"), **data}
    return orjson.dumps(ordered, default=str), usage


class ChunkWriter:
    """Turns provider stream items into OpenAI SSE events (see module docstring)."""

    __slots__ = ("_finish", "_role_sent", "created", "id", "include_usage", "model", "usage")

    def __init__(self, model: str, *, include_usage: bool) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())
        self.model = model
        self.include_usage = include_usage
        self.usage: dict[str, Any] | None = None
        self._role_sent = False
        self._finish: dict[int, Any] = {}  # choice index -> last finish reason seen

    def convert(self, item: Any) -> bytes:
        """SSE bytes for one provider item (``b""`` when it carries nothing to send)."""
        if item is None:
            return b""
        if isinstance(item, Mapping):
            choices = self._generic(item)
        else:
            usage = usage_dict(getattr(item, "usage", None))
            if usage is not None:
                self.usage = usage
            choices = []
            for i, choice in enumerate(getattr(item, "choices", None) or ()):
                delta = _dump(getattr(choice, "delta", None)) or {}
                if not isinstance(delta, dict):
                    delta = {}
                _clean_message(delta)
                finish = getattr(choice, "finish_reason", None)
                choices.append((getattr(choice, "index", i) or 0, delta, finish))
        out = []
        for index, delta, finish in choices:
            if finish:
                self._finish[index] = finish
            if not _meaningful(delta):
                continue
            if not self._role_sent:
                delta = {"role": "assistant", **delta}
                self._role_sent = True
            elif delta.get("role") == "assistant":
                delta.pop("role")
            out.append({"index": index, "delta": delta, "finish_reason": None})
        if not out:
            return b""
        return self._event({"choices": out})

    def _generic(self, item: Mapping[str, Any]) -> list[tuple[int, dict[str, Any], Any]]:
        usage = item.get("usage")
        if isinstance(usage, Mapping) and usage:
            self.usage = usage_dict(dict(usage))
        delta: dict[str, Any] = {}
        text = item.get("text")
        if text:
            delta["content"] = text
        tool = item.get("tool_use")
        if tool:
            delta["tool_calls"] = [dict(tool)]
        finish = item.get("finish_reason") if item.get("is_finished") else None
        return [(int(item.get("index") or 0), delta, finish or None)]

    def _event(self, fields: dict[str, Any]) -> bytes:
        chunk = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            **fields,
        }
        return b"data: " + orjson.dumps(chunk, default=str) + b"\n\n"

    def end(self) -> bytes:
        """The finish chunk, the usage chunk (when asked for and known) and ``[DONE]``."""
        finish = self._finish or {0: "stop"}
        out = self._event(
            {
                "choices": [
                    {
                        "index": i,
                        "delta": {} if self._role_sent else {"role": "assistant"},
                        "finish_reason": reason,
                    }
                    for i, reason in sorted(finish.items())
                ]
            }
        )
        if self.include_usage and self.usage is not None:
            out += self._event({"choices": [], "usage": self.usage})
        return out + DONE

    def whole(self, model_response: Any) -> bytes:
        """A complete response as a stream (providers without a streaming parser)."""
        body, usage = completion_body(model_response)
        data = orjson.loads(body)
        self.usage = usage
        out = b""
        for i, choice in enumerate(data.get("choices") or ()):
            index = choice.get("index", i)
            delta = {"role": "assistant", **(choice.get("message") or {})}
            self._role_sent = True
            self._finish[index] = choice.get("finish_reason") or "stop"
            out += self._event(
                {"choices": [{"index": index, "delta": delta, "finish_reason": None}]}
            )
        return out


def _meaningful(delta: Mapping[str, Any]) -> bool:
    for key, value in delta.items():
        if key == "role":
            continue
        if value not in (None, "", [], {}):
            return True
    return False
