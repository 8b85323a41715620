"""Two MCP gateways sharing one real Redis: sessions and admin registrations are shared."""

from __future__ import annotations

import httpx
import trio

from tests.mcp.conftest import AUTH, mcp_document, served_mcp
from tests.mcp.servers import make_beta, serve_mcp


async def test_sessions_and_registrations_shared_through_redis(redis_url: str) -> None:
    document = mcp_document([], {"backend": "redis", "redis_url": redis_url})
    async with (
        serve_mcp(make_beta()) as beta,
        served_mcp(document) as (a, gw_a),
        served_mcp(document) as (b, gw_b),
    ):
        gateways = [gw_a.mcp, gw_b.mcp]
        async with httpx.AsyncClient(headers=AUTH, timeout=10) as http:
            r = await http.post(a + "/routeiq/mcp/servers", json={"name": "beta", "url": beta.url})
            assert r.status_code == 201
            with trio.fail_after(5):
                while gateways[1].registry.catalog.tool("beta__add") is None:
                    await trio.sleep(0.01)
            # A session opened on A is valid on B.
            init = {
                "jsonrpc": "2.0",
                "id": 0,
                "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {}},
            }
            headers = {"accept": "application/json, text/event-stream"}
            r = await http.post(a + "/mcp", json=init, headers=headers)
            headers["mcp-session-id"] = r.headers["mcp-session-id"]
            call = {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/call",
                "params": {"name": "beta__add", "arguments": {"a": 2, "b": 2}},
            }
            r = await http.post(b + "/mcp", json=call, headers=headers)
            assert r.status_code == 200
            assert r.json()["result"]["structuredContent"] == {"result": 1004}
            r = await http.delete(b + "/routeiq/mcp/servers/beta")
            assert r.status_code == 200
            with trio.fail_after(5):
                while gateways[0].registry.catalog.tool("beta__add") is not None:
                    await trio.sleep(0.01)
