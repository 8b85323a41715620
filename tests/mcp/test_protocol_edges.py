"""JSON-RPC edges on /mcp: ``logging/setLevel`` checks its level, and integers
beyond the 64-bit range (which orjson reads as floats and cannot write) are
refused with a clear error instead of answered changed."""

from __future__ import annotations

import orjson
import pytest

from routeiq import jsonrpc as rpc
from tests.mcp.conftest import mcp_stack
from tests.mcp.test_endpoint import initialize, make, post


def _rpc(method: str, params: object = None, rid: int = 1) -> dict[str, object]:
    out: dict[str, object] = {"jsonrpc": "2.0", "id": rid, "method": method}
    if params is not None:
        out["params"] = params
    return out


async def test_set_level_takes_only_mcp_logging_levels() -> None:
    app, _ = make()
    sid = await initialize(app)
    ok = await post(app, _rpc("logging/setLevel", {"level": "warning"}), sid)
    assert ok.json() == {"jsonrpc": "2.0", "id": 1, "result": {}}
    for params in ({"level": "loud"}, {"level": 3}, {}, None, ["debug"]):
        r = await post(app, _rpc("logging/setLevel", params, rid=2), sid)
        body = r.json()
        assert body["id"] == 2, (params, body)
        assert body["error"]["code"] == rpc.INVALID_PARAMS, (params, body)


@pytest.mark.parametrize(
    "raw_id", [b"18446744073709551616", b"-9223372036854775809", b"100000000000000000000000"]
)
async def test_an_id_beyond_64_bits_is_an_invalid_request(raw_id: bytes) -> None:
    app, _ = make()
    sid = await initialize(app)
    r = await post(app, b'{"jsonrpc": "2.0", "id": ' + raw_id + b', "method": "ping"}', sid)
    body = r.json()
    assert body["id"] is None
    assert body["error"]["code"] == rpc.INVALID_REQUEST
    assert "64-bit" in body["error"]["message"]


@pytest.mark.parametrize("raw_id", [b"18446744073709551615", b"-9223372036854775808", b"7"])
async def test_a_64_bit_id_comes_back_exactly(raw_id: bytes) -> None:
    app, _ = make()
    sid = await initialize(app)
    r = await post(app, b'{"jsonrpc": "2.0", "id": ' + raw_id + b', "method": "ping"}', sid)
    assert b'"id":' + raw_id + b"," in r.body
    assert r.json()["result"] == {}


async def test_params_with_a_huge_integer_are_invalid_params() -> None:
    app, _ = make()
    sid = await initialize(app)
    body = b'{"jsonrpc": "2.0", "id": 5, "method": "ping", "params": {"n": [1, 2e3, '
    body += b"36893488147419103232]}}"
    r = await post(app, body, sid)
    assert r.json()["id"] == 5
    assert r.json()["error"]["code"] == rpc.INVALID_PARAMS
    # Nineteen digits inside a string are just text.
    text = orjson.dumps(_rpc("ping", {"note": "1234567890123456789012"}, rid=6))
    assert (await post(app, text, sid)).json() == {"jsonrpc": "2.0", "id": 6, "result": {}}


def test_parse_refuses_huge_ids_in_a_batch_one_by_one() -> None:
    ok = b'{"jsonrpc": "2.0", "id": 1, "method": "a"}'
    huge = b'{"jsonrpc": "2.0", "id": 18446744073709551616, "method": "b"}'
    first, second = rpc.parse(b"[" + ok + b", " + huge + b"]").messages
    assert isinstance(first, rpc.Request) and first.id == 1
    assert isinstance(second, rpc.Invalid) and second.error.code == rpc.INVALID_REQUEST


async def test_the_official_client_sets_a_level_through_the_gateway() -> None:
    async with mcp_stack() as stack, stack.client() as client:
        result = await client.set_logging_level("error")
    assert result.model_dump(exclude_none=True) == {}
