"""JSON-RPC 2.0 parsing (I/O-free): plain function calls and a hypothesis fuzz."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routeiq import jsonrpc as rpc


def one(body: bytes) -> rpc.Message:
    batch = rpc.parse(body)
    assert not batch.is_batch
    assert len(batch.messages) == 1
    return batch.messages[0]


def test_valid_request_and_notification() -> None:
    msg = one(b'{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"cursor":"x"}}')
    assert msg == rpc.Request("tools/list", {"cursor": "x"}, 7, False)
    note = one(b'{"jsonrpc":"2.0","method":"notifications/initialized"}')
    assert note == rpc.Request("notifications/initialized", None, None, True)
    null_id = one(b'{"jsonrpc":"2.0","id":null,"method":"ping"}')
    assert null_id == rpc.Request("ping", None, None, False)


@pytest.mark.parametrize(
    ("body", "code", "msg_id"),
    [
        (b"{not json", rpc.PARSE_ERROR, None),
        (b"\xff\xfe", rpc.PARSE_ERROR, None),
        (b"", rpc.PARSE_ERROR, None),
        (b"[]", rpc.INVALID_REQUEST, None),
        (b"42", rpc.INVALID_REQUEST, None),
        (b'"x"', rpc.INVALID_REQUEST, None),
        (b'{"id":1,"method":"a"}', rpc.INVALID_REQUEST, 1),
        (b'{"jsonrpc":"1.0","id":"a","method":"a"}', rpc.INVALID_REQUEST, "a"),
        (b'{"jsonrpc":"2.0","id":true,"method":"a"}', rpc.INVALID_REQUEST, None),
        (b'{"jsonrpc":"2.0","id":1.5,"method":"a"}', rpc.INVALID_REQUEST, None),
        (b'{"jsonrpc":"2.0","id":{},"method":"a"}', rpc.INVALID_REQUEST, None),
        (b'{"jsonrpc":"2.0","id":2,"method":5}', rpc.INVALID_REQUEST, 2),
        (b'{"jsonrpc":"2.0","id":2,"method":""}', rpc.INVALID_REQUEST, 2),
        (b'{"jsonrpc":"2.0","id":3}', rpc.INVALID_REQUEST, 3),
        (b'{"jsonrpc":"2.0","id":3,"method":"a","params":"x"}', rpc.INVALID_REQUEST, 3),
        (b'{"jsonrpc":"2.0","id":3,"method":"a","params":null}', rpc.INVALID_REQUEST, 3),
    ],
)
def test_invalid_messages(body: bytes, code: int, msg_id: rpc.Id) -> None:
    msg = one(body)
    assert isinstance(msg, rpc.Invalid)
    assert msg.error.code == code
    assert msg.id == msg_id


def test_batch_mixes_valid_invalid_and_notifications() -> None:
    body = orjson.dumps(
        [
            {"jsonrpc": "2.0", "id": 1, "method": "a"},
            {"jsonrpc": "2.0", "method": "note"},
            1,
            {"jsonrpc": "2.0", "id": 9, "result": {}},
        ]
    )
    batch = rpc.parse(body)
    assert batch.is_batch
    kinds = [type(m).__name__ for m in batch.messages]
    assert kinds == ["Request", "Request", "Invalid", "Response"]
    assert batch.messages[3] == rpc.Response(9, {"jsonrpc": "2.0", "id": 9, "result": {}})


def test_batch_limit() -> None:
    body = orjson.dumps([{"jsonrpc": "2.0", "method": "n"}] * 5)
    batch = rpc.parse(body, max_batch=4)
    assert not batch.is_batch
    (msg,) = batch.messages
    assert isinstance(msg, rpc.Invalid)
    assert msg.error.code == rpc.INVALID_REQUEST
    assert msg.error.message == "Batch of 5 exceeds the limit of 4"


def test_params_dict() -> None:
    assert rpc.Request("a", None, 1, False).params_dict() == {}
    with pytest.raises(rpc.RpcError) as info:
        rpc.Request("a", [1], 1, False).params_dict()
    assert info.value.code == rpc.INVALID_PARAMS


def test_encode_replies() -> None:
    r = rpc.result(1, {"ok": True})
    e = rpc.error(None, rpc.RpcError(rpc.METHOD_NOT_FOUND, "no", {"m": "x"}))
    assert rpc.encode_replies([], True) is None
    assert orjson.loads(rpc.encode_replies([r], False) or b"") == r
    assert orjson.loads(rpc.encode_replies([r, e], True) or b"") == [r, e]
    assert e == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32601, "message": "no", "data": {"m": "x"}},
    }


KEYS = st.sampled_from(["jsonrpc", "id", "method", "params", "result", "error", "x"])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=12,
)


def check_message(msg: rpc.Message) -> None:
    if isinstance(msg, rpc.Invalid):
        obj = rpc.error(msg.id, msg.error)
        assert obj["error"]["code"] in (rpc.PARSE_ERROR, rpc.INVALID_REQUEST)
        assert isinstance(obj["error"]["message"], str)
        assert msg.id is None or isinstance(msg.id, str | int)
    elif isinstance(msg, rpc.Request):
        assert isinstance(msg.method, str) and msg.method
        assert msg.params is None or isinstance(msg.params, dict | list)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_fuzz_any_json_parses_to_messages(value: Any) -> None:
    batch = rpc.parse(orjson.dumps(value))
    assert batch.messages
    for msg in batch.messages:
        check_message(msg)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_fuzz_any_bytes_never_raise(body: bytes) -> None:
    for msg in rpc.parse(body).messages:
        check_message(msg)
