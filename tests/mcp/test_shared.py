"""Two MCP gateways sharing one real Redis: sessions and admin registrations are shared."""

from __future__ import annotations

import random

import httpx
import trio

from routeiq.mcp.gateway import MCPGateway
from routeiq.mcp.settings import MCPSettings
from routeiq.server import bind_socket, serve_app, url_of
from routeiq.state import RedisStore, StateSettings
from tests.mcp.conftest import AUTH, LOCAL, app_for
from tests.mcp.servers import make_beta, serve_mcp


async def test_sessions_and_registrations_shared_through_redis(redis_url: str) -> None:
    async with serve_mcp(make_beta()) as beta, trio.open_nursery() as nursery:
        urls: list[str] = []
        gateways: list[MCPGateway] = []
        for i in range(2):
            store = RedisStore(
                StateSettings(backend="redis", redis_url=redis_url), rng=random.Random(i)
            )
            await nursery.start(store.run)
            gw = MCPGateway(MCPSettings(), LOCAL, store)
            await nursery.start(gw.run)
            sock = bind_socket("127.0.0.1", 0)
            await nursery.start(serve_app, app_for(gw), sock)
            urls.append(url_of(sock))
            gateways.append(gw)
        a, b = urls
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
        nursery.cancel_scope.cancel()
