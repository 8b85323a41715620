"""W3C trace context propagated to A2A agents (HTTP headers) and MCP servers
(``params._meta``, the carrier of the OpenTelemetry MCP conventions)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import httpx2
import orjson
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.mcpserver import Context, MCPServer

from routeiq.testing import AUTH, config_dict, in_process
from routeiq.tracecontext import RECORDING
from tests.a2a.fake_agent import FakeAgent, public_resolver
from tests.mcp.asgi import call
from tests.mcp.conftest import mcp_document, served_mcp
from tests.mcp.servers import serve_mcp

TID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = f"00-{TID}-00f067aa0ba902b7-01"


@contextmanager
def recording() -> Iterator[None]:
    RECORDING.on = True
    try:
        yield
    finally:
        RECORDING.on = False


class HeaderAgent(FakeAgent):
    """The fake A2A agent, keeping each request's traceparent."""

    seen: list[str | None]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":  # not the agent-card fetch at start-up
            self.seen.append(request.headers.get("traceparent"))
        return await super().handle_async_request(request)


async def test_a2a_agent_gets_the_trace_context() -> None:
    fake = HeaderAgent()
    fake.seen = []
    agents = [{"name": "fake", "url": "http://agent.test/"}]
    document = config_dict("http://agent.test/v1", a2a={"agents": agents})
    msg = {"message": {"messageId": "m", "parts": [{"text": "x"}]}}
    body = orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": msg})
    headers = {
        "content-type": "application/json",
        "a2a-version": "1.0",
        "traceparent": PARENT,
        **AUTH,
    }
    async with in_process(document, fake, resolver=public_resolver) as stack:
        app = stack.app
        reply = await call(app, "POST", "/a2a/fake", body, headers)
        assert reply.status == 200
        with recording():
            await call(app, "POST", "/a2a/fake", body, headers)
        await call(app, "POST", "/a2a/fake", body, {**headers, "traceparent": "junk"})
    # Not recording spans: the client's header as is; recording: same trace, our span.
    assert fake.seen[0] == PARENT
    assert fake.seen[1] is not None and fake.seen[1].split("-")[1] == TID
    assert fake.seen[1] != PARENT
    assert fake.seen[2] is None


def traced_server() -> MCPServer:
    srv = MCPServer("tracer")

    @srv.tool()
    def traceparent(ctx: Context) -> str:  # type: ignore[type-arg]
        """The traceparent the caller sent in params._meta ('' if none)."""
        meta = ctx.request_context.meta or {}
        return str(meta.get("traceparent", ""))

    return srv


async def test_mcp_server_gets_the_trace_context_in_meta() -> None:
    async with serve_mcp(traced_server()) as served:
        document = mcp_document([{"name": "t", "url": served.url}])
        async with served_mcp(document) as (url, _):
            headers = {**AUTH, "traceparent": PARENT}
            async with httpx2.AsyncClient(headers=headers, timeout=10) as http:
                transport = streamable_http_client(url + "/mcp", http_client=http)
                async with Client(transport) as client:
                    result = await client.call_tool("t__traceparent", {})
    texts = [getattr(c, "text", "") for c in result.content]
    assert texts == [PARENT]
