"""Anthropic Messages <-> chat translation, by plain function calls."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from routeiq.errors import BadRequest, Unauthorized
from routeiq.surfaces.anthropic_request import to_chat
from routeiq.surfaces.anthropic_response import MessageStream, error_body, to_message, whole
from routeiq.surfaces.sse import ChatChunks


def events(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for block in raw.split(b"\n\n"):
        if not block:
            continue
        name, data = block.split(b"\n")
        out.append((name.removeprefix(b"event: ").decode(), orjson.loads(data[6:])))
    return out


def test_request_blocks_tools_and_params() -> None:
    body = {
        "model": "m",
        "max_tokens": 10,
        "system": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "look"},
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": "QUJD"},
                    },
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "hm", "signature": "s"},
                    {"type": "text", "text": "calling"},
                    {"type": "tool_use", "id": "t1", "name": "f", "input": {"x": 1}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "and then?"},
                    {
                        "type": "tool_result",
                        "tool_use_id": "t1",
                        "content": [{"type": "text", "text": "42"}],
                        "is_error": True,
                    },
                ],
            },
        ],
        "tools": [{"name": "f", "description": "d", "input_schema": {"type": "object"}}],
        "tool_choice": {"type": "tool", "name": "f", "disable_parallel_tool_use": True},
        "stop_sequences": ["END"],
        "temperature": 0.5,
        "top_k": 5,
        "metadata": {"user_id": "u1"},
        "stream": True,
    }
    chat = to_chat(body)
    assert chat["messages"] == [
        {"role": "system", "content": "a\nb"},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "look"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,QUJD"}},
            ],
        },
        {
            "role": "assistant",
            "content": "calling",
            "tool_calls": [
                {"id": "t1", "type": "function", "function": {"name": "f", "arguments": '{"x":1}'}}
            ],
        },
        # the tool result comes right after the call, before the rest of the user turn
        {"role": "tool", "tool_call_id": "t1", "content": "Error: 42"},
        {"role": "user", "content": [{"type": "text", "text": "and then?"}]},
    ]
    assert chat["tools"] == [
        {
            "type": "function",
            "function": {"name": "f", "parameters": {"type": "object"}, "description": "d"},
        }
    ]
    assert chat["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    assert chat["parallel_tool_calls"] is False
    assert chat["stop"] == ["END"] and chat["temperature"] == 0.5 and "top_k" not in chat
    assert chat["user"] == "u1" and chat["max_tokens"] == 10
    assert chat["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"messages": [{"role": "user", "content": "x"}], "max_tokens": 1}, "model"),
        ({"model": "m", "max_tokens": 1}, "messages"),
        ({"model": "m", "messages": [{"role": "user", "content": "x"}]}, "max_tokens"),
        (
            {"model": "m", "max_tokens": 1, "messages": [{"role": "system", "content": "x"}]},
            "messages[0].role",
        ),
        (
            {
                "model": "m",
                "max_tokens": 1,
                "messages": [{"role": "user", "content": [{"type": "video"}]}],
            },
            "messages[0].content[0].type",
        ),
        (
            {
                "model": "m",
                "max_tokens": 1,
                "messages": [{"role": "user", "content": "x"}],
                "temperature": 3,
            },
            "temperature",
        ),
        (
            {
                "model": "m",
                "max_tokens": 1,
                "messages": [{"role": "user", "content": "x"}],
                "tools": [{"type": "web_search_20250305", "name": "web_search"}],
            },
            "tools[0]",
        ),
        (
            {
                "model": "m",
                "max_tokens": 1,
                "messages": [{"role": "user", "content": "x"}],
                "tool_choice": {"type": "maybe"},
            },
            "tool_choice.type",
        ),
    ],
)
def test_bad_requests_name_the_param(body: dict[str, Any], param: str) -> None:
    with pytest.raises(BadRequest) as exc:
        to_chat(body)
    assert exc.value.param == param


def test_whole_answer_with_tool_call_and_errors() -> None:
    chat = {
        "choices": [
            {
                "message": {
                    "content": "ok",
                    "tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": '{"a":2}'}}],
                },
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3},
    }
    msg = to_message(chat, "m", "msg_1")
    assert msg["content"] == [
        {"type": "text", "text": "ok"},
        {"type": "tool_use", "id": "c1", "name": "f", "input": {"a": 2}},
    ]
    assert msg["stop_reason"] == "tool_use"
    assert msg["usage"] == {"input_tokens": 7, "output_tokens": 3}
    err = orjson.loads(whole(429, b'{"error":{"message":"slow down"}}', "m"))
    assert err == {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
    assert orjson.loads(error_body(Unauthorized("no key"))) == {
        "type": "error",
        "error": {"type": "authentication_error", "message": "no key"},
    }


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    obj = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return b"data: " + orjson.dumps(obj) + b"\n\n"


def test_stream_state_machine_text_then_tool() -> None:
    s = MessageStream("m", "msg_1")
    raw = (
        _chunk({"role": "assistant", "content": "Hel"})
        + _chunk({"content": "lo"})
        + _chunk(
            {"tool_calls": [{"index": 0, "id": "c1", "function": {"name": "f", "arguments": ""}}]}
        )
        + _chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"a":'}}]})
        + _chunk({"tool_calls": [{"index": 0, "function": {"arguments": "1}"}}]})
        + _chunk({}, "tool_calls")
        + b'data: {"choices":[],"usage":{"prompt_tokens":4,"completion_tokens":9}}\n\n'
        + b": x-routeiq-response-cost=0.1\n\ndata: [DONE]\n\n"
    )
    reader = ChatChunks()
    out = s.preamble()
    for i in range(0, len(raw), 7):  # arbitrary piece boundaries
        for obj in reader.feed(raw[i : i + 7]):
            out += s.chunk(obj)
    out += s.finish()
    got = events(out)
    assert [n for n, _ in got] == [
        "message_start",
        "ping",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert got[3][1]["delta"] == {"type": "text_delta", "text": "Hel"}
    assert got[6][1] == {
        "type": "content_block_start",
        "index": 1,
        "content_block": {"type": "tool_use", "id": "c1", "name": "f", "input": {}},
    }
    assert got[8][1]["delta"] == {"type": "input_json_delta", "partial_json": "1}"}
    assert got[10][1]["delta"]["stop_reason"] == "tool_use"
    assert got[10][1]["usage"] == {"input_tokens": 4, "output_tokens": 9}


def test_stream_error_in_band_ends_the_events() -> None:
    s = MessageStream("m", "msg_1")
    out = s.chunk(orjson.loads(_chunk({"content": "a"})[6:]))
    out += s.chunk({"error": {"message": "upstream broke", "type": "upstream_error"}})
    out += s.finish()
    got = events(out)
    assert [n for n, _ in got] == [
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "error",
    ]
    assert got[-1][1] == {
        "type": "error",
        "error": {"type": "api_error", "message": "upstream broke"},
    }


def test_document_blocks_become_chat_parts() -> None:
    """A PDF becomes a ``file`` part, text and content sources a titled text part; a
    URL or file-id source is a 400 naming the source (only Anthropic fetches those)."""
    pdf = {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0x"}
    blocks = [
        {"type": "document", "source": pdf, "title": "q3.pdf"},
        {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "A"}},
        {
            "type": "document",
            "title": "Notes",
            "source": {"type": "content", "content": [{"type": "text", "text": "B"}]},
        },
        {"type": "text", "text": "Summarise these."},
    ]
    body = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": blocks}]}
    parts = to_chat(body)["messages"][0]["content"]
    assert parts == [
        {
            "type": "file",
            "file": {"filename": "q3.pdf", "file_data": "data:application/pdf;base64,JVBERi0x"},
        },
        {"type": "text", "text": "A"},
        {"type": "text", "text": "Notes\n\nB"},
        {"type": "text", "text": "Summarise these."},
    ]
    for source, param in (
        ({"type": "url", "url": "https://example.com/a.pdf"}, "source.type"),
        ({"type": "file", "file_id": "file_1"}, "source.type"),
        ({"type": "ftp"}, "source.type"),
        ({"type": "text"}, "source.data"),
        ("nope", "source"),
    ):
        bad = {"role": "user", "content": [{"type": "document", "source": source}]}
        with pytest.raises(BadRequest) as exc:
            to_chat({**body, "messages": [bad]})
        assert exc.value.param == "messages[0].content[0]." + param, source
