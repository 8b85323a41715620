"""Anthropic's Messages API: ``<base>/v1/messages``; the stream parser is litellm's handler's.

The config class (``AnthropicConfig``) translates requests and whole answers;
the streaming parser is ``ModelResponseIterator`` in litellm's Anthropic
handler, built here with what that handler would give it (JSON mode, the
tool-name map ``transform_request`` left in ``litellm_params``).
"""

from __future__ import annotations

import importlib
from typing import Any

import orjson

from routeiq.llm.translated.adapters import Adapter, Call
from routeiq.llm.translated.stream import LinePump


class AnthropicAdapter(Adapter):
    """Messages API: ``<base>/v1/messages``; the stream parser is the handler's."""

    SAMPLE = {
        "id": "msg_warm",
        "type": "message",
        "role": "assistant",
        "model": "warm",
        "content": [{"type": "text", "text": "ok"}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }
    SAMPLE_STREAM = b"".join(
        b"event: " + kind.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"
        for kind, data in (
            ("message_start", {"type": "message_start", "message": {**SAMPLE, "content": []}}),
            (
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "text", "text": ""},
                },
            ),
            (
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": "ok"},
                },
            ),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            (
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn"},
                    "usage": {"output_tokens": 1},
                },
            ),
            ("message_stop", {"type": "message_stop"}),
        )
    )

    def url(self, call: Call) -> str:
        base = (self.api_base or "https://api.anthropic.com").rstrip("/")
        if base.endswith("/v1/messages"):
            return base
        if base.endswith("/v1"):
            return base + "/messages"
        return base + "/v1/messages"

    def stream_iterator(self, call: Call, pump: LinePump) -> Any:
        handler = importlib.import_module("litellm.llms.anthropic.chat.handler")
        transformation = importlib.import_module("litellm.llms.anthropic.chat.transformation")
        schema = None
        if call.json_mode:
            schema = transformation.JsonModeRequest.model_validate(call.optional_params)
            schema = schema.tool_schema()
        return handler.ModelResponseIterator(
            streaming_response=pump,
            sync_stream=True,
            json_mode=call.json_mode,
            speed=call.optional_params.get("speed"),
            tool_name_reverse_map=call.litellm_params.get(
                transformation.ANTHROPIC_TOOL_NAME_REVERSE_MAP_KEY
            ),
            response_format_schema=schema,
        )
