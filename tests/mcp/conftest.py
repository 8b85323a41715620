"""Fixtures: the two sample MCP servers and an MCP gateway in front of them."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import httpx2
import trio
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from routeiq.api.mcp import mount
from routeiq.asgi.auth import AuthMiddleware, KeyInfo, KeyRing
from routeiq.asgi.request_id import RequestIdMiddleware
from routeiq.mcp.gateway import MCPGateway
from routeiq.mcp.settings import MCPServerSpec, MCPSettings
from routeiq.server import bind_socket, serve_app, url_of
from routeiq.ssrf import SSRFSettings
from tests.mcp.asgi import not_found
from tests.mcp.servers import make_alpha, make_beta, serve_mcp
from tests.redis_fixture import redis_server, redis_url  # noqa: F401

for name in ("httpx", "httpx2", "httpcore", "mcp", "mcp.server", "mcp.client"):
    logging.getLogger(name).setLevel(logging.WARNING)

MASTER = "sk-mcp-master-key"
AUTH = {"authorization": f"Bearer {MASTER}"}
LOCAL = SSRFSettings(allow_networks=("127.0.0.1/32",))


@dataclass
class Stack:
    url: str  # the gateway's base URL
    gateway: MCPGateway
    alpha_url: str
    beta_url: str

    @property
    def endpoint(self) -> str:
        return self.url + "/mcp"

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers=AUTH, timeout=10)

    @asynccontextmanager
    async def client(self) -> AsyncIterator[Client]:
        """The official mcp client, connected through the gateway with the key."""
        async with httpx2.AsyncClient(headers=AUTH, timeout=httpx2.Timeout(10, read=30)) as http:
            transport = streamable_http_client(self.endpoint, http_client=http)
            async with Client(transport) as client:
                yield client


def app_for(gateway: MCPGateway) -> Any:
    keys = KeyRing()
    keys.add(MASTER, KeyInfo("master", None, None, True))
    auth = AuthMiddleware(mount(gateway, not_found, keys), keys, frozenset())
    return RequestIdMiddleware(auth, lambda scope, ctx: None)


@asynccontextmanager
async def mcp_stack(**settings: Any) -> AsyncIterator[Stack]:
    """alpha + beta + a gateway with both registered (``settings`` override MCPSettings;
    ``alpha``/``beta`` keyword dicts override the server specs)."""
    alpha_over = settings.pop("alpha", {})
    beta_over = settings.pop("beta", {})
    async with serve_mcp(make_alpha()) as alpha, serve_mcp(make_beta()) as beta:
        specs = [
            MCPServerSpec(name="alpha", url=alpha.url, **alpha_over),
            MCPServerSpec(name="beta", url=beta.url, **beta_over),
        ]
        gateway = MCPGateway(MCPSettings(servers=specs, **settings), LOCAL)
        async with trio.open_nursery() as nursery:
            await nursery.start(gateway.run)
            sock = bind_socket("127.0.0.1", 0)
            await nursery.start(serve_app, app_for(gateway), sock)
            with trio.fail_after(10):
                while any(s.state == "connecting" for s in gateway.registry.servers.values()):
                    await trio.sleep(0.01)
            try:
                yield Stack(url_of(sock), gateway, alpha.url, beta.url)
            finally:
                nursery.cancel_scope.cancel()
