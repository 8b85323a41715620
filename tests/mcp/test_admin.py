"""Admin API (register, list, remove, SSRF refusals) and per-server health over real sockets."""

from __future__ import annotations

import trio
import trio.testing

from routeiq.mcp.settings import MCPServerSpec, MCPSettings
from routeiq.mcp.upstream import UpstreamServer
from routeiq.ssrf import SSRFGuard, SSRFSettings
from tests.mcp.conftest import mcp_stack
from tests.mcp.servers import make_alpha, make_beta, serve_mcp


async def test_admin_lifecycle_and_ssrf() -> None:
    async with mcp_stack() as stack, stack.http() as http, serve_mcp(make_alpha()) as extra:
        r = await http.get("/routeiq/mcp/servers")
        assert r.status_code == 200
        body = r.json()
        assert [s["name"] for s in body["servers"]] == ["alpha", "beta"]
        assert {s["state"] for s in body["servers"]} == {"up"}
        version = body["catalog_version"]

        r = await http.post("/routeiq/mcp/servers", json={"name": "gamma", "url": extra.url})
        assert r.status_code == 201
        assert r.json()["state"] == "up"
        assert stack.gateway.registry.catalog.version == version + 1
        assert stack.gateway.registry.catalog.tool("gamma__add") is not None

        r = await http.post("/routeiq/mcp/servers", json={"name": "gamma", "url": extra.url})
        assert r.status_code == 409

        for url, reason in [
            ("http://169.254.169.254/mcp", "metadata"),
            ("http://10.1.2.3/mcp", "private"),
            ("http://[::1]:1/mcp", "loopback"),
            ("http://127.0.0.2:1/mcp", "loopback"),
        ]:
            r = await http.post("/routeiq/mcp/servers", json={"name": "evil", "url": url})
            assert r.status_code == 403, url
            assert r.json()["error"]["code"] == "ssrf_blocked"
            assert f"({reason} address)" in r.json()["error"]["message"]
        r = await http.post("/routeiq/mcp/servers", json={"name": "Bad_Name", "url": extra.url})
        assert r.status_code == 400
        assert r.json()["error"]["message"].startswith("Invalid MCPServerSpec: name:")

        r = await http.delete("/routeiq/mcp/servers/gamma")
        assert r.status_code == 200
        assert stack.gateway.registry.catalog.tool("gamma__add") is None
        assert stack.gateway.registry.catalog.version == version + 2
        r = await http.delete("/routeiq/mcp/servers/gamma")
        assert r.status_code == 404


async def test_admin_needs_master_key() -> None:
    async with mcp_stack() as stack, stack.http() as http:
        r = await http.get("/routeiq/mcp/servers", headers={"authorization": "Bearer wrong"})
        assert r.status_code == 401


async def test_health_check_marks_down_and_calls_fail_as_tool_errors() -> None:
    async with serve_mcp(make_alpha()) as spare:
        pass  # a port that was just closed: nothing listens there any more
    async with mcp_stack(health_interval=0.1, health_timeout=0.5, backoff_initial=0.05) as stack:
        async with stack.http() as http:
            r = await http.post("/routeiq/mcp/servers", json={"name": "gone", "url": spare.url})
            assert r.status_code == 201
            status = r.json()
            assert status["state"] == "down"
            assert status["failures"] == 1
            assert "ConnectError" in status["last_error"]
            async with stack.client() as client:
                names = {t.name for t in (await client.list_tools()).tools}
                assert not any(n.startswith("gone__") for n in names)
                # alpha goes away: its tools stay listed, calls become tool errors.
                alpha = stack.gateway.registry.servers["alpha"]
                alpha.cancel_scope.cancel()
                await trio.sleep(0.05)
                result = await client.call_tool("alpha__echo", {"text": "x"})
                assert result.is_error
                assert result.content[0].text.startswith(  # type: ignore[union-attr]
                    "MCP server 'alpha' is unavailable"
                )


async def test_older_sse_transport_server() -> None:
    async with mcp_stack() as stack, stack.http() as http, serve_mcp(make_beta(), sse=True) as old:
        spec = {"name": "legacy", "url": old.url, "transport": "sse"}
        r = await http.post("/routeiq/mcp/servers", json=spec)
        assert r.status_code == 201, r.text
        assert r.json()["state"] == "up"
        async with stack.client() as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert "legacy__add" in names
            result = await client.call_tool("legacy__add", {"a": 1, "b": 2})
            assert result.structured_content == {"result": 1003}


async def test_a_failure_that_lands_with_the_cancellation_does_not_escape(
    autojump_clock: trio.testing.MockClock,
) -> None:
    """Seen in CI: the SDK's task group raised [Cancelled, ConnectError] together when
    the stack shut down mid-connect; the group escaped ``run`` and failed the test."""
    server = UpstreamServer(
        MCPServerSpec(name="racy", url="http://127.0.0.1:1/mcp"),
        MCPSettings(),
        SSRFGuard(SSRFSettings()),
        lambda _server, _listing: None,
    )

    async def session_failing_on_cancel(mark_started: object) -> None:
        async def child() -> None:
            try:
                await trio.sleep_forever()
            finally:
                raise ConnectionError("connect failed while closing")

        async with trio.open_nursery() as nursery:
            nursery.start_soon(child)
            await trio.sleep_forever()

    server._session = session_failing_on_cancel  # type: ignore[method-assign]
    async with trio.open_nursery() as nursery:
        nursery.start_soon(server.run)
        await trio.sleep(1)
        nursery.cancel_scope.cancel()  # must end run() cleanly, not raise the group
    assert server.failures == 1
    assert server.last_error == "ConnectionError: connect failed while closing"
