"""The MCP gateway: upstream MCP servers behind one ``/mcp`` endpoint.

Wiring (``routeiq.app``)::

    gateway = MCPGateway(settings, ssrf_settings, store)
    await nursery.start(gateway.run)          # upstream sessions, health checks
    app = routeiq.api.mcp.mount(gateway, inner_app, keys)
"""

from routeiq.mcp.catalog import Catalog, Listing, StaleCursor
from routeiq.mcp.gateway import MCPGateway
from routeiq.mcp.registry import MCPRegistry
from routeiq.mcp.settings import MCPServerSpec, MCPSettings
from routeiq.mcp.upstream import UpstreamServer

__all__ = [
    "Catalog",
    "Listing",
    "MCPGateway",
    "MCPRegistry",
    "MCPServerSpec",
    "MCPSettings",
    "StaleCursor",
    "UpstreamServer",
]
