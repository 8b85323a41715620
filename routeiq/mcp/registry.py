"""The registry of upstream MCP servers and the catalog built from them.

Servers come from ``MCPSettings.servers`` (started when the gateway starts) or
from the admin API (:meth:`MCPRegistry.add`, :meth:`MCPRegistry.remove`).
Each runs as an :class:`~routeiq.mcp.upstream.UpstreamServer` task in the
nursery of :meth:`MCPRegistry.run` under its own cancel scope, so removing a server closes its
session. The catalog changes only when a server's listing changes (first
connect, ``list_changed``) or a server is removed; every change wakes the
``/mcp`` notification streams through :meth:`wait_changed`.
"""

from __future__ import annotations

from typing import Any

import trio

from routeiq.background import BackgroundWork
from routeiq.errors import ClientError, NotFound
from routeiq.mcp.catalog import Catalog, Listing
from routeiq.mcp.settings import MCPServerSpec, MCPSettings
from routeiq.mcp.upstream import UpstreamServer
from routeiq.mcp.validation import ArgumentChecker
from routeiq.relay_http import relay_client
from routeiq.ssrf import SSRFGuard


def warm_imports() -> None:
    """Import what the upstream sessions and argument checks use (call in a thread)."""
    import jsonschema.validators  # type: ignore[import-untyped]  # noqa: F401
    import mcp
    import mcp.client.sse
    import mcp.client.streamable_http
    import mcp.shared._httpx_utils
    import mcp.shared.exceptions  # noqa: F401
    import mcp_types  # noqa: F401


#: Schema compiles in flight at once (each compiles one server's listing in turn).
SCHEMA_WORK_LIMIT = 64


class ServerExists(ClientError):
    status = 409
    code = "conflict"


class MCPRegistry:
    """See the module docstring."""

    def __init__(self, settings: MCPSettings, guard: SSRFGuard) -> None:
        self.settings = settings
        self.guard = guard
        self.catalog = Catalog()
        self.checker = ArgumentChecker(self.catalog)
        self.servers: dict[str, UpstreamServer] = {}
        self._nursery: trio.Nursery | None = None
        # Schema compiles after a listing (bounded; one per listing change).
        self.schema_work = BackgroundWork("mcp_schemas", SCHEMA_WORK_LIMIT)
        self._changed = trio.Event()
        # One pool for the raw tools/call relay to every server (routeiq.mcp.relay).
        self.http = relay_client()

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Run the servers' sessions until cancelled; ready once the configured servers
        are started (without waiting for them to connect).

        The mcp SDK (~1.5 s of imports) and jsonschema are imported first, in a
        worker thread: imported by the first connection, they held the loop."""
        if self.settings.servers:
            await trio.to_thread.run_sync(warm_imports)
        async with trio.open_nursery() as nursery:
            await nursery.start(self.schema_work.run)
            self._nursery = nursery
            try:
                for spec in self.settings.servers:
                    nursery.start_soon(self._new(spec).run)
                task_status.started()
                await trio.sleep_forever()
            finally:
                self._nursery = None

    def _new(self, spec: MCPServerSpec) -> UpstreamServer:
        server = UpstreamServer(spec, self.settings, self.guard, self._on_listing, self.http)
        self.servers[spec.name] = server
        return server

    async def add(self, spec: MCPServerSpec, *, replace: bool = False) -> UpstreamServer:
        """Register ``spec`` and wait for its first connection attempt.

        Raises ``SSRFBlocked`` (403) for a forbidden URL and :class:`ServerExists`
        (409) for a taken name unless ``replace``."""
        if self._nursery is None:
            raise RuntimeError("MCPRegistry.run() is not running")
        await self.guard.check_url(spec.url)
        if spec.name in self.servers:
            if not replace:
                raise ServerExists(f"MCP server {spec.name!r} is already registered")
            self.remove(spec.name)
        await trio.to_thread.run_sync(warm_imports)  # at once if already imported
        server = self._new(spec)
        await self._nursery.start(server.run)
        return server

    def remove(self, name: str) -> None:
        """Unregister ``name`` (its session is closed); :class:`NotFound` if unknown."""
        server = self.servers.pop(name, None)
        if server is None:
            raise NotFound(f"No MCP server named {name!r}")
        server.cancel_scope.cancel()
        if self.catalog.remove_server(name):
            self._notify()

    def _on_listing(self, server: UpstreamServer, listing: Listing) -> None:
        if self.servers.get(server.spec.name) is not server:
            return  # replaced or removed meanwhile
        if server.spec.enabled:
            self.catalog.set_server(server.spec.name, listing, server.spec.disabled_tools)
            self._notify()
            # Compile its schemas off the loop, now (if dropped: on first use).
            self.schema_work.spawn(self.checker.warm, self.catalog.tools_of(server.spec.name))

    def _notify(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    async def wait_changed(self, version: int) -> None:
        """Return once the catalog version differs from ``version``."""
        while self.catalog.version == version:
            await self._changed.wait()

    def status(self) -> list[dict[str, Any]]:
        return [s.status() for s in self.servers.values()]
