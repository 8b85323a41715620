"""The MCP gateway's server side: what each JSON-RPC method on ``/mcp`` does.

Transport details (HTTP, sessions, SSE) live in ``routeiq.api.mcp``; this
module answers one parsed request at a time. Supported: ``initialize``,
``ping``, ``tools/list``, ``tools/call``, ``resources/list``,
``resources/templates/list``, ``resources/read``, ``prompts/list``,
``prompts/get``, ``logging/setLevel`` and the ``notifications/*`` a client
sends (``notifications/cancelled`` cancels the named in-flight request).

``*/list`` pages through the catalog (see :mod:`routeiq.mcp.catalog`); a stale
cursor is answered with error -32602 and ``data.reason == "stale_cursor"``:
the client lists again from the start.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import trio

from routeiq import __version__
from routeiq import jsonrpc as rpc
from routeiq.mcp.catalog import Kind, StaleCursor
from routeiq.mcp.registry import MCPRegistry
from routeiq.mcp.relay import Outbox
from routeiq.mcp.sessions import McpSession, SessionStore
from routeiq.mcp.settings import NAMESPACE_SEPARATOR, MCPServerSpec, MCPSettings
from routeiq.mcp.upstream import UpstreamServer, tool_error
from routeiq.registry_sync import RegistrySync
from routeiq.ssrf import Resolver, SSRFGuard, SSRFSettings
from routeiq.state.base import StateStore
from routeiq.state.memory import MemoryStore

# The handshake-era protocol versions (mcp_types.version.HANDSHAKE_PROTOCOL_VERSIONS,
# spelled out: importing mcp_types costs ~0.7 s; a test keeps the two equal).
HANDSHAKE_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
LATEST_HANDSHAKE_VERSION = HANDSHAKE_VERSIONS[-1]
SUPPORTED_VERSIONS = frozenset(HANDSHAKE_VERSIONS)
DEFAULT_VERSION = "2025-03-26"  # assumed when a request has no MCP-Protocol-Version header
# MCP's LoggingLevel (RFC 5424 severities), the only values logging/setLevel takes.
LOG_LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")

ToolResultHook = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]

SERVER_CAPABILITIES = {
    "tools": {"listChanged": True},
    "prompts": {"listChanged": True},
    "resources": {"listChanged": True},
    "logging": {},
}

_LISTS: dict[str, tuple[Kind, str]] = {
    "tools/list": ("tools", "tools"),
    "prompts/list": ("prompts", "prompts"),
    "resources/list": ("resources", "resources"),
    "resources/templates/list": ("templates", "resourceTemplates"),
}


def reply_channel(session_id: str, request_id: rpc.Id) -> str:
    """Where a client's answer to a request the gateway put to it is published."""
    return f"mcp:reply:{session_id}:{request_id}"


class MCPGateway:
    """The MCP gateway: registry, catalog, sessions and method handlers."""

    def __init__(
        self,
        settings: MCPSettings,
        ssrf: SSRFSettings,
        store: StateStore | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self.settings = settings
        self.guard = SSRFGuard(ssrf, resolver)
        self.registry = MCPRegistry(settings, self.guard)
        self._own_store = store is None
        self.store: StateStore = store if store is not None else MemoryStore()
        self.sessions = SessionStore(self.store, settings.session_ttl)
        # (session id, request id) -> the scope of a request in flight, for
        # notifications/cancelled. Entries exist only while their request runs.
        self.in_flight: dict[tuple[str, rpc.Id], trio.CancelScope] = {}
        # Requests the client withdrew: they get no response (the spec's SHOULD NOT).
        self.withdrawn: set[tuple[str, rpc.Id]] = set()
        # The one place a tool result passes through on its way to the client
        # (namespaced tool name, CallToolResult) -> the result to send: for
        # scanning results for indirect prompt injection (wired by the app).
        self.tool_result_hook: ToolResultHook | None = None
        self.sync = RegistrySync(
            self.store, "mcp", MCPServerSpec, self._sync_add, self._sync_remove
        )

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """The upstream sessions and the admin sync until cancelled; ready once the
        configured servers are started (not yet connected). The relay's upstream
        connections close when it ends."""
        try:
            async with trio.open_nursery() as nursery:
                if self.settings.enabled:
                    if self._own_store:
                        await nursery.start(self.store.run)
                    await nursery.start(self.registry.run)
                    await nursery.start(self.sync.run)  # admin changes made on other processes
                task_status.started()
                await trio.sleep_forever()
        finally:
            with trio.CancelScope(shield=True):
                await self.aclose()

    async def aclose(self) -> None:
        """Close the relay's upstream HTTP connections (at shutdown)."""
        await self.registry.http.aclose()

    async def admin_add(self, spec: MCPServerSpec, *, replace: bool = False) -> UpstreamServer:
        """Register ``spec`` here and on every process sharing the state store."""
        server = await self.registry.add(spec, replace=replace)
        await self.sync.record_add(spec)
        return server

    async def admin_remove(self, name: str) -> None:
        self.registry.remove(name)
        await self.sync.record_remove(name)

    async def _sync_add(self, spec: MCPServerSpec) -> None:
        await self.registry.add(spec, replace=True)

    def _sync_remove(self, name: str) -> None:
        if name in self.registry.servers:
            self.registry.remove(name)

    async def initialize(
        self, req: rpc.Request, tenant: str = ""
    ) -> tuple[dict[str, Any], McpSession]:
        params = req.params_dict()
        asked = params.get("protocolVersion")
        if not isinstance(asked, str):
            raise rpc.RpcError(rpc.INVALID_PARAMS, "initialize needs a protocolVersion string")
        version = asked if asked in SUPPORTED_VERSIONS else LATEST_HANDSHAKE_VERSION
        info = params.get("clientInfo")
        caps = params.get("capabilities")
        session = await self.sessions.create(
            version,
            info if isinstance(info, dict) else {},
            tenant,
            caps if isinstance(caps, dict) else {},
        )
        result = {
            "protocolVersion": version,
            "capabilities": SERVER_CAPABILITIES,
            "serverInfo": {"name": "routeiq-mcp-gateway", "version": __version__},
            "instructions": (
                "Tools, prompts and resources of several MCP servers. Names are "
                f"'<server>{NAMESPACE_SEPARATOR}<name>'."
            ),
        }
        return result, session

    async def call(
        self, req: rpc.Request, session: McpSession, outbox: Outbox | None = None
    ) -> dict[str, Any]:
        """The result of one request; raises :class:`~routeiq.jsonrpc.RpcError`.
        ``outbox``: where messages for the client go while it runs (a streamed answer)."""
        method = req.method
        if method in _LISTS:
            kind, key = _LISTS[method]
            cursor = req.params_dict().get("cursor")
            if cursor is not None and not isinstance(cursor, str):
                raise rpc.RpcError(rpc.INVALID_PARAMS, "cursor must be a string")
            catalog = self.registry.catalog
            try:
                items, nxt = catalog.page(kind, cursor, self.settings.page_size)
            except StaleCursor as exc:
                data = {"reason": "stale_cursor", "catalogVersion": catalog.version}
                raise rpc.RpcError(rpc.STALE_CURSOR, str(exc), data) from None
            out: dict[str, Any] = {key: items}
            if nxt is not None:
                out["nextCursor"] = nxt
            return out
        if method == "tools/call":
            return await self.call_tool(req.params_dict(), outbox)
        if method == "prompts/get":
            return await self.get_prompt(req.params_dict())
        if method == "resources/read":
            return await self.read_resource(req.params_dict())
        if method == "logging/setLevel":
            level = req.params_dict().get("level")
            if not isinstance(level, str) or level not in LOG_LEVELS:
                raise rpc.RpcError(
                    rpc.INVALID_PARAMS,
                    "logging/setLevel needs 'level', one of " + ", ".join(LOG_LEVELS),
                    {"level": level if isinstance(level, str) else None},
                )
            return {}
        if method == "ping":
            return {}
        if method == "initialize":
            raise rpc.RpcError(rpc.INVALID_REQUEST, "The session is already initialized")
        raise rpc.RpcError(rpc.METHOD_NOT_FOUND, f"Method not found: {method}")

    async def deliver_reply(self, session: McpSession, rid: rpc.Id, body: dict[str, Any]) -> None:
        """A client answered a request put to it during a call (on any process)."""
        if isinstance(rid, str) and rid.startswith("gw-"):
            await self.store.publish(reply_channel(session.id, rid), orjson.dumps(body))

    def notify(self, req: rpc.Request, session: McpSession) -> None:
        """Handle a client notification (no answer is sent)."""
        if req.method == "notifications/cancelled" and isinstance(req.params, dict):
            key = (session.id, req.params.get("requestId"))
            cancel_scope = self.in_flight.get(key)
            if cancel_scope is not None:
                self.withdrawn.add(key)
                cancel_scope.cancel()

    async def call_tool(
        self, params: dict[str, Any], outbox: Outbox | None = None
    ) -> dict[str, Any]:
        name = params.get("name")
        args = params.get("arguments")
        if not isinstance(name, str):
            raise rpc.RpcError(rpc.INVALID_PARAMS, "tools/call needs a tool name")
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise rpc.RpcError(rpc.INVALID_PARAMS, "arguments must be an object")
        catalog = self.registry.catalog
        entry = catalog.tool(name)
        server = self.registry.servers.get(entry.server) if entry else None
        if entry is None or server is None:
            self._refuse_disabled(name)
            raise rpc.RpcError(rpc.INVALID_PARAMS, f"Unknown tool: {name}")
        if not server.spec.enabled or entry.upstream_name in server.spec.disabled_tools:
            return tool_error(f"Tool {name} is disabled on this gateway")
        errors = await self.registry.checker.errors(entry, args)
        if errors:
            return tool_error(f"Invalid arguments for tool {name}: " + "; ".join(errors))
        meta = params.get("_meta")
        token = meta.get("progressToken") if isinstance(meta, dict) else None
        result = await server.call_tool(entry.upstream_name, args, outbox, token)
        if self.tool_result_hook is not None:
            result = await self.tool_result_hook(name, result)
        return result

    def _refuse_disabled(self, name: str) -> None:
        server_name, sep, tool = name.partition(NAMESPACE_SEPARATOR)
        server = self.registry.servers.get(server_name) if sep else None
        if server is not None and (not server.spec.enabled or tool in server.spec.disabled_tools):
            raise rpc.RpcError(rpc.INVALID_PARAMS, f"Tool {name} is disabled on this gateway")

    async def get_prompt(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params.get("name")
        entry = self.registry.catalog.prompt(name) if isinstance(name, str) else None
        server = self.registry.servers.get(entry.server) if entry else None
        if entry is None or server is None:
            raise rpc.RpcError(rpc.INVALID_PARAMS, f"Unknown prompt: {name}")
        arguments = params.get("arguments")
        if arguments is not None and not isinstance(arguments, dict):
            raise rpc.RpcError(rpc.INVALID_PARAMS, "arguments must be an object")
        return await server.request(
            "prompts/get", {"name": entry.upstream_name, "arguments": arguments}
        )

    async def read_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        uri = params.get("uri")
        owner = self.registry.catalog.resource_server(uri) if isinstance(uri, str) else None
        server = self.registry.servers.get(owner) if owner else None
        if server is None:
            raise rpc.RpcError(rpc.INVALID_PARAMS, f"Unknown resource: {uri}")
        return await server.request("resources/read", {"uri": uri})
