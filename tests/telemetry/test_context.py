"""W3C trace context parsing and the stream-usage rewrite, as plain function calls."""

from __future__ import annotations

import orjson
import pytest

from routeiq.llm.sse import usage_from_block
from routeiq.llm.stream_usage import ask_for_usage, strip_usage, wants_usage
from routeiq.tracecontext import RECORDING, parse_traceparent, start_trace

TID = "4bf92f3577b34da6a3ce929d0e0e4736"
SID = "00f067aa0ba902b7"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"00-{TID}-{SID}-01", (int(TID, 16), int(SID, 16), True)),
        (f"00-{TID}-{SID}-00", (int(TID, 16), int(SID, 16), False)),
        (f"01-{TID}-{SID}-01-future", (int(TID, 16), int(SID, 16), True)),  # later version
        (f"00-{TID}-{SID}-01-extra", None),  # version 00 has exactly four fields
        (f"ff-{TID}-{SID}-01", None),
        (f"00-{'0' * 32}-{SID}-01", None),
        (f"00-{TID}-{'0' * 16}-01", None),
        (f"00-{TID[:-1]}-{SID}-01", None),
        ("garbage", None),
        ("", None),
    ],
)
def test_parse_traceparent(value: str, expected: tuple[int, int, bool] | None) -> None:
    assert parse_traceparent(value.encode()) == expected


def test_outgoing_traceparent_names_the_current_attempt() -> None:
    trace = start_trace([(b"traceparent", f"00-{TID}-{SID}-01".encode()), (b"tracestate", b"a=1")])
    assert trace.parent_span_id == int(SID, 16) and trace.tracestate == "a=1"
    RECORDING.on = True
    try:
        rec = trace.begin_attempt("dep", "group", "model", "openai")
        headers: dict[str, str] = {}
        trace.propagate(headers)
        assert headers == {"traceparent": f"00-{TID}-{rec.span_id:016x}-01", "tracestate": "a=1"}
        second = trace.begin_attempt("dep2", "group", "model", "openai")
        assert second.via == "retry" and second.span_id != rec.span_id
        assert trace.begin_attempt("dep3", "other", "m", "openai").via == "fallback"
    finally:
        RECORDING.on = False
    # Not recording spans: the client's header goes on unchanged.
    assert trace.traceparent() == f"00-{TID}-{SID}-01"
    assert start_trace([]).traceparent() is None


def test_fresh_trace_ids_are_random_and_nonzero() -> None:
    ids = {start_trace([]).trace_id for _ in range(100)}
    assert len(ids) == 100 and 0 not in ids


def _event(obj: object) -> bytes:
    return b"data: " + orjson.dumps(obj) + b"\n\n"


CHUNK = {"id": "c1", "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}]}
USAGE = {"id": "c1", "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 1}}


def test_strip_usage_removes_only_what_was_added() -> None:
    plain = _event(CHUNK)
    assert strip_usage(plain) is plain  # no usage mentioned: the very same bytes
    with_null = _event({**CHUNK, "usage": None})
    assert strip_usage(with_null) == plain
    block = with_null + _event(USAGE) + b"data: [DONE]\n\n"
    assert usage_from_block(block) == USAGE["usage"]  # counted before it is stripped
    assert strip_usage(block) == plain + b"data: [DONE]\n\n"
    assert strip_usage(_event(USAGE)) == b""
    # A usage carried on a content chunk stays (the content matters more).
    mixed = _event({**CHUNK, "usage": USAGE["usage"]})
    assert strip_usage(mixed) == mixed
    crlf = b"data: " + orjson.dumps(USAGE) + b"\r\n\r\ndata: [DONE]\r\n\r\n"
    assert strip_usage(crlf) == b"data: [DONE]\r\n\r\n"


def test_ask_for_usage_copies() -> None:
    req = {"stream": True, "stream_options": {"foo": 1}}
    asked = ask_for_usage(req)
    assert asked["stream_options"] == {"foo": 1, "include_usage": True}
    assert req["stream_options"] == {"foo": 1} and not wants_usage(req)
    assert wants_usage(asked)
    assert ask_for_usage({"stream": True})["stream_options"] == {"include_usage": True}
