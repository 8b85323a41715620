"""The I/O-free translation pieces: line splitting, the line pump, the chunk writer."""

from __future__ import annotations

import importlib
from typing import Any

import orjson
import pytest

from routeiq.llm.translated.chunks import DONE, ChunkWriter, completion_body
from routeiq.llm.translated.runtime import import_litellm
from routeiq.llm.translated.stream import IteratorDecoder, LinePump, NeedMore, SSELines


def test_sse_lines_split_on_any_break_across_pieces() -> None:
    lines = SSELines()
    assert lines.feed(b"data: a\r") == []  # the LF of this CRLF may follow
    assert lines.feed(b"\ndata: b\rdata: c\n\nda") == ["data: a", "data: b", "data: c", ""]
    assert lines.feed(b"ta: \xc3") == []  # half of a UTF-8 character is held back
    assert lines.feed(b"\xa9\n") == ["data: \u00e9"]
    assert lines.feed(b"tail") == []
    assert lines.flush() == ["tail"]


def test_pump_signals_need_more_until_it_is_ended() -> None:
    pump = LinePump()
    pump.push(["x"])
    assert next(pump) == "x"
    with pytest.raises(NeedMore):
        next(pump)
    pump.ended = True
    with pytest.raises(StopIteration):
        next(pump)


class Joiner:
    """A parser with litellm's shape: pulls lines from ``response_iterator`` and
    keeps state between items (here: it joins lines until a blank one)."""

    def __init__(self, streaming_response: Any) -> None:
        self.response_iterator = streaming_response
        self.parts: list[str] = []
        self.ended = 0

    def __iter__(self) -> Joiner:
        return self

    def __next__(self) -> str:
        while True:
            try:
                line = self.response_iterator.__next__()
            except StopIteration:
                self.ended += 1
                if self.parts:
                    out, self.parts = "+".join(self.parts), []
                    return out
                raise
            if line:
                self.parts.append(line)
            elif self.parts:
                out, self.parts = "+".join(self.parts), []
                return out


def test_decoder_resumes_the_parser_with_its_state_intact() -> None:
    decoder = IteratorDecoder(Joiner)
    assert decoder.feed(b"a\nb") == []  # "a" is held by the parser, "b" by the line splitter
    assert decoder.iterator.parts == ["a"]
    assert decoder.feed(b"\n\nc\n") == ["a+b"]
    assert decoder.iterator.ended == 0  # the end-of-stream path never ran mid-stream
    assert decoder.end() == ["c"]
    assert decoder.iterator.ended == 2  # once returning "c", once ending the iteration


ANTHROPIC_STREAM = b"".join(
    b"event: " + kind.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"
    for kind, data in (
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-x",
                    "content": [],
                    "usage": {"input_tokens": 4, "output_tokens": 1},
                },
            },
        ),
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
                "delta": {"type": "text_delta", "text": "Ça"},
            },
        ),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": " va"},
            },
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn"},
                "usage": {"output_tokens": 2},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    )
)


def _anthropic_decoder() -> IteratorDecoder:
    import_litellm()
    handler = importlib.import_module("litellm.llms.anthropic.chat.handler")
    return IteratorDecoder(
        lambda pump: handler.ModelResponseIterator(
            streaming_response=pump, sync_stream=True, json_mode=False
        )
    )


def _translate(pieces: list[bytes]) -> tuple[list[Any], dict[str, Any] | None]:
    decoder = _anthropic_decoder()
    writer = ChunkWriter("claude-x", include_usage=True)
    out = b""
    for piece in pieces:
        out += b"".join(writer.convert(item) for item in decoder.feed(piece))
    out += b"".join(writer.convert(item) for item in decoder.end()) + writer.end()
    events = [e[6:] for e in out.decode().split("\n\n") if e]
    return [orjson.loads(e) if e != "[DONE]" else e for e in events], writer.usage


def test_litellm_anthropic_parser_gives_the_same_chunks_however_the_bytes_are_cut() -> None:
    whole, usage = _translate([ANTHROPIC_STREAM])
    deltas = [e["choices"][0]["delta"] for e in whole[:-1] if isinstance(e, dict) and e["choices"]]
    assert deltas == [{"role": "assistant", "content": "Ça"}, {"content": " va"}, {}]
    assert whole[-3]["choices"][0]["finish_reason"] == "stop"
    assert whole[-2]["usage"]["completion_tokens"] == 2
    assert whole[-1] == "[DONE]"
    assert usage is not None and usage["prompt_tokens"] == 4

    def strip(events: list[Any]) -> list[Any]:
        return [
            {k: v for k, v in e.items() if k not in ("id", "created")} if isinstance(e, dict) else e
            for e in events
        ]

    expected = strip(whole)
    data = ANTHROPIC_STREAM
    for cut in range(1, len(data), 7):  # two pieces, cut everywhere (inside UTF-8 too)
        assert strip(_translate([data[:cut], data[cut:]])[0]) == expected
    assert strip(_translate([data[i : i + 1] for i in range(len(data))])[0]) == expected


class Stream:
    """A ModelResponseStream-shaped object (what litellm's parsers yield)."""

    def __init__(self, choices: list[Any], usage: Any = None) -> None:
        self.choices = choices
        self.usage = usage


class Choice:
    def __init__(self, delta: dict[str, Any], finish: str | None, index: int = 0) -> None:
        self.delta = delta
        self.finish_reason = finish
        self.index = index


def test_chunk_writer_holds_the_finish_reason_and_skips_empty_deltas() -> None:
    w = ChunkWriter("m", include_usage=False)
    assert w.convert(None) == b""
    assert w.convert(Stream([Choice({"content": ""}, None)])) == b""
    first = orjson.loads(w.convert(Stream([Choice({"content": "a"}, "stop")]))[6:])
    assert first["choices"] == [
        {"index": 0, "delta": {"role": "assistant", "content": "a"}, "finish_reason": None}
    ]
    second = orjson.loads(
        w.convert(Stream([Choice({"content": "b", "role": "assistant"}, None)]))[6:]
    )
    assert second["choices"][0]["delta"] == {"content": "b"}
    assert second["id"] == first["id"]
    end = w.end().split(b"\n\n")
    assert orjson.loads(end[0][6:])["choices"] == [
        {"index": 0, "delta": {}, "finish_reason": "stop"}
    ]
    assert end[1] + b"\n\n" == DONE


def test_chunk_writer_generic_chunks_and_usage() -> None:
    w = ChunkWriter("m", include_usage=True)
    tool = {
        "id": "t1",
        "type": "function",
        "function": {"name": "f", "arguments": "{}"},
        "index": 0,
    }
    event = w.convert(
        {
            "text": "",
            "tool_use": tool,
            "is_finished": True,
            "finish_reason": "tool_calls",
            "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
            "index": 0,
        }
    )
    assert orjson.loads(event[6:])["choices"][0]["delta"] == {
        "role": "assistant",
        "tool_calls": [tool],
    }
    finish, usage, done, _ = w.end().split(b"\n\n")
    assert orjson.loads(finish[6:])["choices"][0]["finish_reason"] == "tool_calls"
    assert orjson.loads(usage[6:])["usage"] == {
        "prompt_tokens": 3,
        "completion_tokens": 4,
        "total_tokens": 7,
    }
    assert done == b"data: [DONE]"


def test_completion_body_drops_litellm_bookkeeping() -> None:
    class Response:
        def model_dump(self, exclude_none: bool) -> dict[str, Any]:
            assert exclude_none
            return {
                "created": 1,
                "model": "m",
                "object": "chat.completion",
                "id": "abc",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {
                            "role": "assistant",
                            "content": "hi",
                            "provider_specific_fields": {"citations": None},
                            "thinking_blocks": [],
                        },
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
                "vertex_ai_grounding_metadata": [],
            }

    body, usage = completion_body(Response())
    assert body.startswith(b'{"id":"abc"')
    assert orjson.loads(body) == {
        "id": "abc",
        "created": 1,
        "model": "m",
        "object": "chat.completion",
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hi"}}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
    }
    assert usage == {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
