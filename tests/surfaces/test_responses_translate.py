"""Responses <-> chat translation, by plain function calls."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from routeiq.errors import BadRequest
from routeiq.surfaces.responses import input_item_page
from routeiq.surfaces.responses_request import input_items, to_chat
from routeiq.surfaces.responses_response import (
    ResponseStream,
    assistant_message,
    new_response,
    to_response,
)
from routeiq.surfaces.sse import ChatChunks


def test_items_tools_format_and_history() -> None:
    history = [{"role": "user", "content": "earlier"}, {"role": "assistant", "content": "ok"}]
    body = {
        "model": "m",
        "instructions": "be brief",
        "input": [
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "hi"},
                    {"type": "input_image", "image_url": "https://x/i.png"},
                ],
            },
            {"type": "reasoning", "summary": []},
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
            {"type": "function_call", "call_id": "c2", "name": "g", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "one"},
        ],
        "tools": [
            {"type": "function", "name": "f", "parameters": {"type": "object"}, "strict": True}
        ],
        "tool_choice": {"type": "function", "name": "f"},
        "text": {"format": {"type": "json_schema", "name": "s", "schema": {"type": "object"}}},
        "max_output_tokens": 50,
        "temperature": 1.5,
        "stream": True,
    }
    chat = to_chat(body, history)
    assert chat["messages"] == [
        {"role": "system", "content": "be brief"},
        *history,
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "hi"},
                {"type": "image_url", "image_url": {"url": "https://x/i.png"}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
                {"id": "c2", "type": "function", "function": {"name": "g", "arguments": "{}"}},
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "one"},
    ]
    assert chat["tools"] == [
        {
            "type": "function",
            "function": {"name": "f", "parameters": {"type": "object"}, "strict": True},
        }
    ]
    assert chat["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    assert chat["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "s", "schema": {"type": "object"}},
    }
    assert chat["max_tokens"] == 50 and chat["temperature"] == 1.5
    assert chat["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"input": "x"}, "model"),
        ({"model": "m"}, "input"),
        ({"model": "m", "input": []}, "input"),
        ({"model": "m", "input": [{"role": "tool", "content": "x"}]}, "input[0].role"),
        ({"model": "m", "input": [{"type": "item_reference", "id": "x"}]}, "input[0].type"),
        ({"model": "m", "input": "x", "tools": [{"type": "file_search"}]}, "tools[0]"),
        ({"model": "m", "input": "x", "text": {"format": {"type": "yaml"}}}, "text.format.type"),
        ({"model": "m", "input": "x", "max_output_tokens": 0}, "max_output_tokens"),
        ({"model": "m", "input": "x", "metadata": {"k": 1}}, "metadata"),
    ],
)
def test_bad_requests_name_the_param(body: dict[str, Any], param: str) -> None:
    with pytest.raises(BadRequest) as exc:
        to_chat(body, [])
    assert exc.value.param == param


def test_whole_answer_and_replayed_message() -> None:
    chat = {
        "choices": [
            {
                "message": {
                    "content": "hi",
                    "tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": '{"a":1}'}}],
                },
                "finish_reason": "length",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4},
    }
    resp = to_response(chat, new_response({"metadata": {"k": "v"}}, "m", "resp_1"))
    assert [o["type"] for o in resp["output"]] == ["message", "function_call"]
    assert resp["output"][0]["content"][0]["text"] == "hi"
    assert resp["status"] == "incomplete"
    assert resp["incomplete_details"] == {"reason": "max_output_tokens"}
    assert resp["usage"]["total_tokens"] == 7 and resp["metadata"] == {"k": "v"}
    assert assistant_message(resp["output"]) == {
        "role": "assistant",
        "content": "hi",
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a":1}'}}
        ],
    }


def _events(raw: bytes) -> list[dict[str, Any]]:
    out = []
    for block in raw.split(b"\n\n"):
        if block:
            name, data = block.split(b"\n")
            obj = orjson.loads(data[6:])
            assert name == b"event: " + obj["type"].encode()
            out.append(obj)
    return out


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    obj = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return b"data: " + orjson.dumps(obj) + b"\n\n"


def test_stream_text_then_call_sequence() -> None:
    s = ResponseStream(new_response({}, "m", "resp_1"))
    raw = (
        _chunk({"content": "a"})
        + _chunk({"content": "b"})
        + _chunk(
            {"tool_calls": [{"index": 0, "id": "c1", "function": {"name": "f", "arguments": ""}}]}
        )
        + _chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{}"}}]})
        + _chunk({}, "tool_calls")
        + b'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}\n\n'
        + b"data: [DONE]\n\n"
    )
    reader = ChatChunks()
    out = s.preamble()
    for i in range(0, len(raw), 5):
        for obj in reader.feed(raw[i : i + 5]):
            out += s.chunk(obj)
    out += s.finish()
    ev = _events(out)
    assert [e["type"] for e in ev] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e["sequence_number"] for e in ev] == list(range(len(ev)))
    assert ev[6]["text"] == "ab" and ev[9]["output_index"] == 1
    final = ev[-1]["response"]
    assert final["status"] == "completed" and final["usage"]["output_tokens"] == 2
    assert final["output"][1]["arguments"] == "{}" and final["output"][1]["status"] == "completed"


def test_stream_error_is_response_failed() -> None:
    s = ResponseStream(new_response({}, "m", "resp_1"))
    out = s.chunk(orjson.loads(_chunk({"content": "a"})[6:]))
    out += s.chunk({"error": {"message": "upstream broke"}})
    out += s.finish()
    ev = _events(out)
    assert ev[-1]["type"] == "response.failed"
    assert ev[-1]["response"]["error"] == {"code": "server_error", "message": "upstream broke"}
    assert sum(e["type"] == "response.failed" for e in ev) == 1


def test_input_item_pages() -> None:
    items = input_items(
        [
            {"role": "user", "content": "a"},
            {"role": "user", "content": "b"},
            {"role": "user", "content": "c"},
        ]
    )
    ids = [i["id"] for i in items]
    page = input_item_page(items, b"limit=2")
    assert [i["id"] for i in page["data"]] == ids[::-1][:2] and page["has_more"] is True
    page = input_item_page(items, f"order=asc&after={ids[0]}".encode())
    assert [i["id"] for i in page["data"]] == ids[1:] and page["has_more"] is False
    with pytest.raises(BadRequest):
        input_item_page(items, b"limit=0")
