from __future__ import annotations

from routeiq.llm.sse import SSEFramer, event_data, usage_from_block


def test_framer_holds_partial_events_only() -> None:
    f = SSEFramer()
    assert f.feed(b'data: {"a"') == []
    assert f.feed(b":1}\n") == []
    out = f.feed(b'\ndata: {"b":2}\n\ndata: par')
    assert out == [b'data: {"a":1}\n\ndata: {"b":2}\n\n']
    assert f.feed(b"tial\n\n") == [b"data: partial\n\n"]
    assert f.flush() == b""


def test_framer_crlf_and_flush() -> None:
    f = SSEFramer()
    assert f.feed(b"data: x\r\n\r\ndata: y") == [b"data: x\r\n\r\n"]
    assert f.flush() == b"data: y"


def test_usage_found_only_in_usage_events() -> None:
    block = (
        b'data: {"choices":[{"delta":{"content":"usage"}}]}\n\n'
        b'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5}}\n\n'
        b"data: [DONE]\n\n"
    )
    assert usage_from_block(block) == {"prompt_tokens": 3, "completion_tokens": 5}
    assert usage_from_block(b'data: {"usage": null}\n\n') is None
    assert event_data(b"event: x\ndata: a\ndata: b\n\n") == [b"a\nb"]
