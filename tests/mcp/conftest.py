"""Fixtures: the two sample MCP servers and the gateway in front of them (the whole
app from ``routeiq.testing``, its MCP section on)."""

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
from mcp.server.mcpserver import MCPServer

from routeiq.config import load_config
from routeiq.gateway import Gateway
from routeiq.mcp.gateway import MCPGateway
from routeiq.ssrf import SSRFSettings
from routeiq.testing import AUTH, MASTER_KEY, serve_gateway, surface_config
from tests.mcp.servers import make_alpha, make_beta, serve_mcp
from tests.redis_fixture import redis_server, redis_url  # noqa: F401

for name in ("httpx", "httpx2", "httpcore", "mcp", "mcp.server", "mcp.client"):
    logging.getLogger(name).setLevel(logging.WARNING)

__all__ = [
    "AUTH",
    "LOCAL",
    "MASTER",
    "Stack",
    "guarded_client",
    "mcp_document",
    "mcp_stack",
    "served_mcp",
]

MASTER = MASTER_KEY
LOCAL = SSRFSettings(allow_networks=("127.0.0.1/32",))


def mcp_document(
    servers: list[dict[str, Any]], state: dict[str, Any] | None = None, **settings: Any
) -> dict[str, Any]:
    """A gateway config with the MCP ``servers`` (``settings``: the rest of the ``mcp``
    section; ``routeiq.testing.surface_config``)."""
    return surface_config(state, mcp={"servers": servers, **settings})


@dataclass
class Stack:
    url: str  # the gateway's base URL
    gateway: MCPGateway
    alpha_url: str
    beta_url: str
    gw: Gateway | None = None

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


@asynccontextmanager
async def served_mcp(document: dict[str, Any]) -> AsyncIterator[tuple[str, Gateway]]:
    """The gateway for ``document`` on 127.0.0.1 port 0, once its configured MCP
    servers have connected (or failed to)."""
    async with trio.open_nursery() as nursery:
        url, gw = await serve_gateway(nursery, load_config(document))
        with trio.fail_after(10):
            while any(s.state == "connecting" for s in gw.mcp.registry.servers.values()):
                await trio.sleep(0.01)
        try:
            yield url, gw
        finally:
            nursery.cancel_scope.cancel()


@asynccontextmanager
async def guarded_client(
    server: MCPServer, name: str, guardrails: dict[str, Any], read_timeout: float = 30
) -> AsyncIterator[Client]:
    """The official mcp client through a gateway with ``guardrails`` on, to the mcp-SDK
    ``server`` registered as ``name``."""
    async with serve_mcp(server) as served:
        document = mcp_document([{"name": name, "url": served.url}])
        document["routeiq"]["guardrails"] = guardrails
        async with served_mcp(document) as (url, _gw):
            timeout = httpx2.Timeout(10, read=read_timeout)
            async with httpx2.AsyncClient(headers=AUTH, timeout=timeout) as http:
                transport = streamable_http_client(url + "/mcp", http_client=http)
                async with Client(transport) as client:
                    yield client


@asynccontextmanager
async def mcp_stack(**settings: Any) -> AsyncIterator[Stack]:
    """alpha + beta + a gateway with both registered (``settings`` override MCPSettings;
    ``alpha``/``beta`` keyword dicts override the server specs)."""
    alpha_over = settings.pop("alpha", {})
    beta_over = settings.pop("beta", {})
    async with serve_mcp(make_alpha()) as alpha, serve_mcp(make_beta()) as beta:
        specs = [
            {"name": "alpha", "url": alpha.url, **alpha_over},
            {"name": "beta", "url": beta.url, **beta_over},
        ]
        async with served_mcp(mcp_document(specs, **settings)) as (url, gw):
            yield Stack(url, gw.mcp, alpha.url, beta.url, gw)
