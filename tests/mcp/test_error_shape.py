"""The JSON-RPC endpoints (``/mcp``, ``POST /a2a/{agent}``) answer every error as a
JSON-RPC error object, including the ones the middleware raises before the route
runs: a missing or wrong key (401), a body over the limit (413), a body that never
arrives (408). They used to come out in the OpenAI shape, which a JSON-RPC client
cannot read. The HTTP status is kept; the OpenAI type and code ride in ``data``."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
import trio

from routeiq.config import load_config
from routeiq.testing import AUTH, serve_gateway, surface_config

ACCEPT = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
PING = {"jsonrpc": "2.0", "id": 7, "method": "ping"}


def rpc_error(r: httpx.Response) -> dict[str, Any]:
    body = r.json()
    assert body["jsonrpc"] == "2.0" and body["id"] is None, body
    err = body["error"]
    assert isinstance(err["code"], int) and isinstance(err["message"], str), body
    return dict(err)


@pytest.mark.parametrize("path", ["/mcp", "/a2a/some-agent"])
async def test_middleware_errors_on_jsonrpc_endpoints_are_jsonrpc(path: str) -> None:
    config = load_config(surface_config(server={"body_timeout": 1}))
    async with trio.open_nursery() as nursery:
        url, _ = await serve_gateway(nursery, config)
        async with httpx.AsyncClient(base_url=url) as c:
            r = await c.post(path, headers=ACCEPT, json=PING)
            assert r.status_code == 401
            err = rpc_error(r)
            assert err["data"]["type"] == "authentication_error"

            r = await c.post(path, headers={**ACCEPT, "authorization": "Bearer nope"}, json=PING)
            assert r.status_code == 401 and rpc_error(r)["data"]["code"] == "invalid_api_key"

            big = orjson.dumps({**PING, "params": {"x": "y" * 5_000_000}})
            r = await c.post(path, headers={**ACCEPT, **AUTH}, content=big)
            assert r.status_code == 413
            assert rpc_error(r)["data"]["code"] == "payload_too_large"

        host, port = url.removeprefix("http://").split(":")
        stream = await trio.open_tcp_stream(host, int(port))
        await stream.send_all(
            f"POST {path} HTTP/1.1\r\nhost: x\r\nauthorization: {AUTH['authorization']}\r\n"
            "content-type: application/json\r\ncontent-length: 100\r\n\r\n{".encode()
        )
        data = bytearray()
        with trio.fail_after(30):  # the gateway's 1 s body timeout answers first
            while chunk := await stream.receive_some(65536):
                data += chunk
        head, _, body = bytes(data).partition(b"\r\n\r\n")
        assert head.split()[1] == b"408", head
        assert orjson.loads(body)["error"]["data"]["code"] == "request_timeout"
        nursery.cancel_scope.cancel()


async def test_other_routes_keep_their_shape() -> None:
    async with trio.open_nursery() as nursery:
        url, _ = await serve_gateway(nursery, load_config(surface_config()))
        async with httpx.AsyncClient(base_url=url) as c:
            r = await c.post("/v1/chat/completions", json={})
            assert r.status_code == 401 and r.json()["error"]["type"] == "authentication_error"
            r = await c.get("/a2a/some-agent/.well-known/agent-card.json")
            assert r.status_code == 401 and r.json()["error"]["type"] == "authentication_error"
        nursery.cancel_scope.cancel()
