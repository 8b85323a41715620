"""The response's ``model`` field as LiteLLM 1.110.2's proxy returns it (plain calls).

The rule (compat/model_stamp.py) was read off the real LiteLLM proxy in front of the
project's mock upstream: the name the client asked for, except after a fallback
(non-streamed: the upstream's own name; streamed: the fallback's group) and after a
learned route (the model that answered).
"""

from __future__ import annotations

import orjson
import pytest

from routeiq.compat.model_stamp import stamp_body, stamp_events, stamp_for


def test_the_name_asked_for_unless_a_fallback_or_a_learned_route() -> None:
    kw = {"fallbacks": 0, "stream": False, "learned_route": False}
    assert stamp_for("alias-mini", "gpt-4o-mini", **kw) == b'"alias-mini"'  # type: ignore[arg-type]
    assert stamp_for("a", "b", fallbacks=1, stream=False, learned_route=False) is None
    assert stamp_for("a", "b", fallbacks=1, stream=True, learned_route=False) == b'"b"'
    assert stamp_for("auto", "cheap", fallbacks=0, stream=True, learned_route=True) is None
    assert stamp_for(None, "b", fallbacks=0, stream=False, learned_route=False) is None


def test_a_body_gets_the_name_in_place() -> None:
    body = b'{"id":"c1","object":"chat.completion","created":1,"model":"mock-small","choices":[]}'
    out = stamp_body(body, b'"gpt-4o-mini"')
    assert orjson.loads(out) == {**orjson.loads(body), "model": "gpt-4o-mini"}
    assert out.index(b'"model"') == body.index(b'"model"')  # rewritten in place, key order kept
    spaced = b'{ "id" : "c1",\n  "model" : "up"\n, "choices": []}'
    assert orjson.loads(stamp_body(spaced, b'"x"'))["model"] == "x"


@pytest.mark.parametrize(
    "body",
    [
        # a nested "model" before the top-level one: parsed, only the top level changed
        b'{"meta":{"model":"inner"},"model":"up","choices":[]}',
        # '"model"' inside a string value before the key
        b'{"id":"a \\"model\\": \\"fake\\" {","model":"up"}',
        b'{"choices":[{"message":{"content":"x"}}],"model":"up"}',
    ],
)
def test_a_body_that_needs_a_parse_changes_the_top_level_only(body: bytes) -> None:
    out = orjson.loads(stamp_body(body, b'"asked"'))
    want = orjson.loads(body)
    want["model"] = "asked"
    assert out == want


def test_a_body_without_a_model_or_not_json_is_left_alone() -> None:
    assert stamp_body(b'{"id":"x","data":[]}', b'"m"') == b'{"id":"x","data":[]}'
    assert stamp_body(b'{"model": 3, "x": {"model": "y"}}', b'"m"') == (
        b'{"model": 3, "x": {"model": "y"}}'
    )
    assert stamp_body(b"not json", b'"m"') == b"not json"


def test_each_sse_event_of_a_piece_is_stamped() -> None:
    piece = (
        b'data: {"id":"c","model":"mock-small","choices":[{"delta":{"content":"model"}}]}\n\n'
        b": x-routeiq-response-cost=0.1\n\n"
        b'data:{"id":"c","model":"mock-small","choices":[]}\n\n'
        b"data: [DONE]\n\n"
    )
    out = stamp_events(piece, b'"wild/foo"')
    events = [e for e in out.split(b"\n\n") if e.startswith(b"data")]
    assert [orjson.loads(e.split(b":", 1)[1])["model"] for e in events[:2]] == ["wild/foo"] * 2
    assert events[2] == b"data: [DONE]"
    assert b": x-routeiq-response-cost=0.1\n\n" in out


def test_a_stream_stamper_learns_the_upstream_literal_and_stays_exact() -> None:
    from routeiq.compat.model_stamp import StreamStamper

    stamper = StreamStamper(b'"alias"')
    pieces = [
        b'data: {"id":"c","model":"up-1","choices":[{"delta":{"content":"a"}}]}\n\n',
        b'data: {"id":"c","model":"up-1","choices":[{"delta":{"content":"\\"model\\""}}]}\n\n',
        b'data: {"id":"c", "model" : "up-1","choices":[]}\n\n',  # another spacing
        b'data: {"meta":{"model":"x"},"model":"up-1"}\n\n',  # nested first: parsed
        b'data: {"id":"c","model":"up-1"}\n\ndata: {"id":"c","model":"up-1"}\n\n',
        b"data: [DONE]\n\n",
    ]
    for piece in pieces:
        out = stamper(piece)
        for event in out.split(b"\n\n"):
            if event.startswith(b"data: {"):
                want = orjson.loads(event[6:])
                assert want["model"] == "alias", (piece, out)
        assert out.count(b"\n\n") == piece.count(b"\n\n")
    assert stamper.old is not None and stamper.old.endswith(b'"up-1"')  # learned
