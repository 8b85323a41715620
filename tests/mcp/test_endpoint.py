"""The /mcp transport in-process (ASGI, no sockets): sessions, expiry, batches, SSE, fuzz."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import trio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routeiq.config import load_config
from routeiq.mcp.catalog import Listing
from routeiq.mcp.gateway import MCPGateway
from routeiq.testing import AUTH, build_gateway
from tests.mcp.asgi import Reply, call, check_jsonrpc_reply
from tests.mcp.conftest import mcp_document

ACCEPT = {
    "accept": "application/json, text/event-stream",
    "content-type": "application/json",
    **AUTH,
}
INIT = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t"}},
}


def make(**kw: Any) -> tuple[Any, MCPGateway]:
    """The whole app (not started: no upstream server to run) and its MCP gateway."""
    app, gw = build_gateway(load_config(mcp_document([], **kw)))
    return app, gw.mcp


async def post(app: Any, obj: Any, sid: str | None = None, **headers: str) -> Reply:
    h = dict(ACCEPT)
    if sid is not None:
        h["mcp-session-id"] = sid
    h.update(headers)
    body = obj if isinstance(obj, bytes) else orjson.dumps(obj)
    return await call(app, "POST", "/mcp", body, h)


async def initialize(app: Any) -> str:
    r = await post(app, INIT)
    assert r.status == 200
    assert r.json()["result"]["protocolVersion"] == "2025-06-18"
    return r.headers["mcp-session-id"]


async def test_initialize_then_session_required() -> None:
    app, _ = make()
    sid = await initialize(app)
    assert len(sid) >= 32
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    r = await post(app, ping)
    assert r.status == 400
    assert r.json()["error"]["message"].startswith("Missing Mcp-Session-Id header")
    r = await post(app, ping, "not-a-session")
    assert r.status == 404
    assert r.json()["error"]["code"] == -32600
    r = await post(app, ping, sid)
    assert (r.status, r.json()) == (200, {"jsonrpc": "2.0", "id": 1, "result": {}})


async def test_unknown_version_gets_latest_and_bad_header_refused() -> None:
    app, _ = make()
    r = await post(app, {**INIT, "params": {**INIT["params"], "protocolVersion": "1999-01-01"}})
    assert r.json()["result"]["protocolVersion"] == "2025-11-25"
    sid = r.headers["mcp-session-id"]
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    r = await post(app, ping, sid, **{"mcp-protocol-version": "1999-01-01"})
    assert r.status == 400
    r = await post(app, ping, sid, **{"mcp-protocol-version": "2025-06-18"})
    assert r.status == 200


async def test_session_expires_after_idle_ttl(autojump_clock: object) -> None:
    app, _ = make(session_ttl=60.0)
    sid = await initialize(app)
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    # Requests every 40 s keep it alive well past the TTL...
    for _ in range(4):
        await trio.sleep(40.0)
        assert (await post(app, ping, sid)).status == 200
    assert trio.current_time() == 160.0
    # ...60 s of silence ends it.
    await trio.sleep(60.0)
    assert (await post(app, ping, sid)).status == 404


async def test_delete_ends_session() -> None:
    app, _ = make()
    sid = await initialize(app)
    r = await call(app, "DELETE", "/mcp", headers={**AUTH, "mcp-session-id": sid})
    assert r.status == 200
    r = await post(app, {"jsonrpc": "2.0", "id": 1, "method": "ping"}, sid)
    assert r.status == 404


async def test_notifications_get_202_and_batches_answer_in_order() -> None:
    app, _ = make()
    sid = await initialize(app)
    r = await post(app, {"jsonrpc": "2.0", "method": "notifications/initialized"}, sid)
    assert (r.status, r.body) == (202, b"")
    batch = [
        {"jsonrpc": "2.0", "id": "a", "method": "ping"},
        {"jsonrpc": "2.0", "method": "notifications/progress", "params": {}},
        {"jsonrpc": "2.0", "id": "b", "method": "no/such"},
        {"jsonrpc": "2.0", "id": "c", "method": "tools/list"},
        {"foo": 1},
    ]
    r = await post(app, batch, sid)
    assert r.status == 200
    out = r.json()
    check_jsonrpc_reply(out)
    assert [o["id"] for o in out] == ["a", "b", "c", None]
    assert out[1]["error"] == {"code": -32601, "message": "Method not found: no/such"}
    assert out[2]["result"] == {"tools": []}
    assert out[3]["error"]["code"] == -32600


async def test_initialize_cannot_be_batched() -> None:
    app, _ = make()
    r = await post(app, [INIT])
    assert r.status == 400
    assert r.json()["error"]["message"] == "initialize must not be batched"


async def test_sse_response_when_client_accepts_only_sse() -> None:
    app, mcp = make()
    mcp.registry.catalog.set_server("s", Listing(tools=[{"name": "t", "inputSchema": {}}]))
    sid = await initialize(app)
    r = await post(
        app, {"jsonrpc": "2.0", "id": 5, "method": "tools/list"}, sid, accept="text/event-stream"
    )
    assert r.status == 200
    assert r.headers["content-type"] == "text/event-stream"
    assert r.body.startswith(b"event: message\ndata: ")
    data = r.body.split(b"data: ", 1)[1].strip()
    assert orjson.loads(data)["result"]["tools"][0]["name"] == "s__t"


async def test_not_acceptable_and_too_large() -> None:
    app, _ = make(max_body_bytes=100)
    r = await post(app, INIT, accept="text/html")
    assert r.status == 406
    r = await post(app, b"[" + b" " * 200 + b"]")
    assert r.status == 413
    check_jsonrpc_reply(r.json())


async def test_get_stream_announces_catalog_changes(autojump_clock: object) -> None:
    app, mcp = make(keepalive_interval=10.0)
    sid = await initialize(app)
    reply = Reply()

    async def change_later() -> None:
        await trio.sleep(25.0)
        mcp.registry.catalog.set_server("s", Listing(tools=[{"name": "t"}]))
        mcp.registry._notify()

    async def leave() -> None:
        await trio.sleep(30.0)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(change_later)
        await call(
            app,
            "GET",
            "/mcp",
            headers={**AUTH, "mcp-session-id": sid},
            disconnect=leave,
            reply=reply,
        )
    assert reply.status == 200
    assert reply.chunks[:2] == [b": keep-alive\n\n", b": keep-alive\n\n"]
    assert reply.chunk_times[:2] == [10.0, 20.0]
    assert b"notifications/tools/list_changed" in reply.chunks[2]
    assert reply.chunk_times[2] == 25.0


async def test_client_disconnect_cancels_a_call(autojump_clock: object) -> None:
    app, mcp = make()
    sid = await initialize(app)
    started: list[float] = []
    cancelled: list[float] = []

    async def slow_call(req: Any, session: Any, outbox: Any = None) -> dict[str, Any]:
        started.append(trio.current_time())
        try:
            await trio.sleep(100)
        finally:
            cancelled.append(trio.current_time())
        return {}

    mcp.call = slow_call  # type: ignore[method-assign]

    async def leave() -> None:
        await trio.sleep(3.0)

    body = orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call"})
    headers = {**ACCEPT, "mcp-session-id": sid}
    r = await call(app, "POST", "/mcp", body, headers, disconnect=leave)
    assert (started, cancelled) == ([0.0], [3.0])
    assert r.status == 0  # nothing was sent to a client that is gone


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=6),
    lambda c: (
        st.lists(c, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "jsonrpc",
                    "id",
                    "method",
                    "params",
                    "cursor",
                    "name",
                    "arguments",
                    "uri",
                    "_meta",
                    "progressToken",
                    "result",
                    "error",
                    "requestId",
                ]
            ),
            c,
            max_size=5,
        )
    ),
    max_leaves=10,
)
methods = st.sampled_from(
    [
        "ping",
        "tools/list",
        "tools/call",
        "prompts/get",
        "resources/read",
        "initialize",
        "x",
        "resources/templates/list",
        "notifications/cancelled",
    ]
)


@pytest.fixture(scope="module")
def fuzz_target() -> dict[str, Any]:
    return {}


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=json_values, method=methods, params=json_values)
async def test_fuzz_any_json_gets_jsonrpc_answer(
    value: Any, method: str, params: Any, fuzz_target: dict[str, Any]
) -> None:
    if "app" not in fuzz_target:
        app, mcp = make()
        mcp.registry.catalog.set_server("s", Listing(tools=[{"name": "t", "inputSchema": {}}]))
        fuzz_target["app"] = app
        fuzz_target["sid"] = await initialize(app)
    app, sid = fuzz_target["app"], fuzz_target["sid"]
    shaped = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
    # A client's answer to a request the gateway put to it (id "gw-..." or anything).
    answer = {"jsonrpc": "2.0", "id": "gw-x", "result": params}
    for obj in (value, shaped, [shaped, value], answer):
        r = await post(app, obj, sid)
        assert r.status in (200, 202, 400), r.body
        if r.status == 202:
            assert r.body == b""
        else:
            check_jsonrpc_reply(r.json())
