"""Two sample MCP servers built with the official ``mcp`` SDK (``MCPServer``).

``alpha`` has arithmetic, a slow tool, a failing tool, many numbered tools
(to page through) and a tool that adds a tool at run time and announces it
with ``notifications/tools/list_changed``, and a resource template
``note://alpha/items/{item}``. ``beta`` has an ``add`` too (so the
gateway must namespace), a prompt and a resource. Both are served in-process by
Hypercorn's trio worker on 127.0.0.1 port 0.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import trio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError

from routeiq.server import bind_socket, serve_app, url_of

MANY = 30  # alpha's numbered tools: n00 .. n29
CANCELLED: list[str] = []  # tags of alpha "sleepy" calls that were cancelled
STARTED: list[str] = []  # tags of "sleepy" calls that reached the upstream tool


async def sleep_recording(tag: str) -> str:
    """Sleep for a minute; record ``tag`` in :data:`CANCELLED` if cancelled first."""
    done = False
    STARTED.append(tag)
    try:
        await trio.sleep(60)
        done = True
    finally:
        if not done:
            CANCELLED.append(tag)
    return "woke"


def make_alpha() -> MCPServer:
    srv = MCPServer("alpha")

    @srv.tool()
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    @srv.tool()
    def echo(text: str) -> str:
        """Echo the text back."""
        return text

    @srv.tool()
    async def slow(seconds: float) -> str:
        """Sleep, then answer."""
        await trio.sleep(seconds)
        return "done"

    @srv.tool()
    async def sleepy(tag: str) -> str:
        """Sleep for a minute; record the tag if cancelled first."""
        return await sleep_recording(tag)

    @srv.tool()
    def fail(reason: str) -> str:
        """Always fails (a tool execution error)."""
        raise ToolError(f"boom: {reason}")

    @srv.tool()
    def refuse() -> str:
        """Always answers with a JSON-RPC protocol error."""
        raise MCPError(-32000, "not today")

    @srv.tool()
    async def grow(name: str, ctx: Context) -> str:
        """Add a tool called ``name`` and announce the change."""

        def extra() -> str:
            return f"I am {name}"

        srv.add_tool(extra, name=name, description=f"added at run time: {name}")
        await ctx.session.send_tool_list_changed()
        return "grown"

    @srv.resource("note://alpha/items/{item}")
    def item_note(item: str) -> str:
        """One item of alpha's (a resource template)."""
        return f"item {item} of alpha"

    for i in range(MANY):

        def numbered(i: int = i) -> int:
            return i

        srv.add_tool(numbered, name=f"n{i:02d}", description=f"numbered tool {i}")
    return srv


def make_beta() -> MCPServer:
    srv = MCPServer("beta")

    @srv.tool()
    def add(a: int, b: int) -> int:
        """Add two integers, plus 1000 (to tell the servers apart)."""
        return a + b + 1000

    @srv.prompt()
    def greet(name: str) -> str:
        """A greeting prompt."""
        return f"Say hello to {name}."

    @srv.resource("note://hello")
    def hello_note() -> str:
        """A static note."""
        return "hello from beta"

    return srv


@dataclass
class Served:
    url: str
    server: MCPServer


@asynccontextmanager
async def serve_mcp(server: MCPServer, *, sse: bool = False) -> AsyncIterator[Served]:
    """Serve ``server`` over streamable HTTP at ``<url>`` (path /mcp), or with the
    older HTTP+SSE transport (path /sse) when ``sse``, until exit."""
    app = server.sse_app() if sse else server.streamable_http_app()
    async with trio.open_nursery() as nursery:
        sock = bind_socket("127.0.0.1", 0)
        await nursery.start(serve_app, app, sock)
        try:
            yield Served(url_of(sock) + ("/sse" if sse else "/mcp"), server)
        finally:
            nursery.cancel_scope.cancel()
