"""Stored answers: stream assembly, SSE replay, L2 records, what is refused."""

from __future__ import annotations

from typing import Any

import orjson

from routeiq.cache.answer import (
    CachedAnswer,
    assemble_stream,
    completion_body,
    completion_sse,
    decode_record,
    encode_record,
)

ENVELOPE = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 7, "model": "m"}


def sse(*events: Any, done: bool = True) -> bytes:
    out = b"".join(b"data: " + orjson.dumps(e) + b"\n\n" for e in events)
    return out + (b"data: [DONE]\n\n" if done else b"")


def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        **ENVELOPE,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }


def test_stream_assembles_into_a_completion() -> None:
    data = sse(
        chunk({"role": "assistant", "content": "Hel"}),
        chunk({"content": "lo"}),
        "comment",  # replaced below by an SSE comment, which carries no data
        chunk({}, "stop"),
        {**ENVELOPE, "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2}},
    ).replace(b'data: "comment"\n\n', b": x-routeiq-response-cost=0.1\n\n")
    body = assemble_stream(data)
    assert body is not None
    assert orjson.loads(body) == {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 7,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello"},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2},
    }


def test_tool_call_deltas_are_joined() -> None:
    call0 = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_w"}}
    data = sse(
        chunk({"role": "assistant", "content": None, "tool_calls": [call0]}),
        chunk({"tool_calls": [{"index": 0, "function": {"name": "eather", "arguments": '{"ci'}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": 'ty": "Oslo"}'}}]}),
        chunk({}, "tool_calls"),
    )
    body = assemble_stream(data)
    assert body is not None
    message = orjson.loads(body)["choices"][0]["message"]
    assert message == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
            }
        ],
    }
    replay = completion_sse(body, include_usage=False)
    events = [orjson.loads(x[6:]) for x in replay.split(b"\n\n") if x.startswith(b"data: {")]
    assert events[0]["choices"][0]["delta"]["tool_calls"][0]["index"] == 0
    assert events[0]["choices"][0]["delta"]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert events[1]["choices"][0]["finish_reason"] == "tool_calls"


def test_incomplete_or_failed_streams_are_refused() -> None:
    start = chunk({"role": "assistant", "content": "Hi"})
    assert assemble_stream(sse(start, chunk({}, "stop"), done=False)) is None  # no [DONE]
    assert assemble_stream(sse(start)) is None  # no finish_reason
    error = {"error": {"message": "boom", "type": "server_error"}}
    assert assemble_stream(sse(start, error, chunk({}, "stop"))) is None
    with_logprobs = {**start, "choices": [{**start["choices"][0], "logprobs": {"content": []}}]}
    assert assemble_stream(sse(with_logprobs, chunk({}, "stop"))) is None
    assert assemble_stream(b"data: {not json\n\ndata: [DONE]\n\n") is None
    assert assemble_stream(b"data: [DONE]\n\n") is None


def test_completion_body_checks() -> None:
    good = {
        "object": "chat.completion",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "x"}, "finish_reason": "stop"}
        ],
    }
    raw = orjson.dumps(good)
    assert completion_body(raw) is raw
    unfinished = {**good, "choices": [{**good["choices"][0], "finish_reason": None}]}
    assert completion_body(orjson.dumps(unfinished)) is None
    assert completion_body(orjson.dumps({**good, "object": "list"})) is None
    assert completion_body(orjson.dumps({**good, "choices": []})) is None
    assert completion_body(b"<html>") is None


def test_replay_with_usage_and_round_trip() -> None:
    data = sse(chunk({"role": "assistant", "content": "Hello there"}), chunk({}, "stop"))
    body = assemble_stream(data)
    assert body is not None
    replay = completion_sse(body, include_usage=True)
    assert replay.endswith(b"data: [DONE]\n\n")
    events = [orjson.loads(x[6:]) for x in replay.split(b"\n\n") if x.startswith(b"data: {")]
    assert [e["object"] for e in events] == ["chat.completion.chunk"] * 3
    # The original stream reported no usage: zeros, never a guess.
    assert events[2] == {
        **ENVELOPE,
        "choices": [],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
    # Replaying the replay assembles the same completion.
    assert assemble_stream(completion_sse(body, include_usage=False)) == body


def test_l2_record_round_trip() -> None:
    answer = CachedAnswer("key:alice", "gpt-test", b'{"object":"chat.completion"}', 1234.5)
    raw = encode_record(answer)
    assert raw.startswith(b"{") and raw.endswith(answer.body)
    assert decode_record(raw) == answer
    assert decode_record(b"no header") is None
    assert decode_record(b'{"v":2,"ns":"a","m":"b","t":1}\n{}') is None
    assert decode_record(b'{"v":1,"ns":"a","m":"b"}\n{}') is None
    assert decode_record(b"{broken\n{}") is None
