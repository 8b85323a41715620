"""One upstream MCP server: a kept-open ``mcp`` client session, health and listing.

:meth:`UpstreamServer.run` lives in the lifespan nursery (under the registry's
per-server cancel scope). It checks the URL against the SSRF guard, opens the
official ``mcp.Client`` (streamable HTTP, or SSE for older servers), fetches
the tools, prompts and resources, and then keeps the session open: a ping
every ``health_interval`` and a re-list whenever the server sends
``notifications/tools/list_changed`` (or the prompts/resources equivalents).
Any failure closes the session, marks the server ``down`` and reconnects after
a backoff that doubles up to ``backoff_cap``; it never gives up.

Request handlers call :meth:`call_tool` & co. from their own tasks: the
``ClientSession`` multiplexes concurrent requests over the one session. Every
call runs under a deadline, and every upstream failure (JSON-RPC error,
transport error, timeout) is returned as a value, never raised: tool calls as
MCP tool errors (``isError: true``), the rest as :class:`~routeiq.jsonrpc.RpcError`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any, Literal

import trio

from routeiq import jsonrpc as rpc
from routeiq.mcp.catalog import Listing
from routeiq.mcp.settings import MCPServerSpec, MCPSettings
from routeiq.ssrf import SSRFBlocked, SSRFGuard
from routeiq.tracecontext import outgoing_headers

if TYPE_CHECKING:
    from mcp import Client
    from mcp.client.session import IncomingMessage

# The mcp SDK costs ~1.5 s to import: it is imported when the first upstream
# server connects, not when the gateway starts.

log = logging.getLogger("routeiq.mcp")

# Fields the SDK adds for the 2026 stateless era; our clients speak the handshake era.
_MODERN_ONLY = ("resultType", "ttlMs", "cacheScope")
_MAX_LIST_PAGES = 1000

State = Literal["connecting", "up", "down"]


def dump(model: Any) -> dict[str, Any]:
    """An SDK result model as MCP wire JSON."""
    out: dict[str, Any] = model.model_dump(by_alias=True, mode="json", exclude_none=True)
    for key in _MODERN_ONLY:
        out.pop(key, None)
    return out


def tool_error(text: str) -> dict[str, Any]:
    """A ``CallToolResult`` reporting a failure to the model (not a transport error)."""
    return {"content": [{"type": "text", "text": text}], "isError": True}


class UpstreamServer:
    """See the module docstring."""

    def __init__(
        self,
        spec: MCPServerSpec,
        settings: MCPSettings,
        guard: SSRFGuard,
        on_listing: Callable[[UpstreamServer, Listing], None],
    ) -> None:
        self.spec = spec
        self.settings = settings
        self.guard = guard
        self.on_listing = on_listing
        self.state: State = "connecting"
        self.last_error: str | None = None
        self.connects = 0
        self.failures = 0
        self.listing: Listing | None = None
        self.scope = trio.CancelScope()
        self._client: Client | None = None
        self._relist = trio.Event()

    def status(self) -> dict[str, Any]:
        """Health for the admin API."""
        return {
            "name": self.spec.name,
            "url": self.spec.url,
            "transport": self.spec.transport,
            "enabled": self.spec.enabled,
            "state": self.state,
            "last_error": self.last_error,
            "connects": self.connects,
            "failures": self.failures,
            "tools": len(self.listing.tools) if self.listing else 0,
        }

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Connect, serve and reconnect until cancelled. ``started`` after the first
        attempt, successful or not (a down server stays registered and retries)."""
        started = False

        def mark_started() -> None:
            nonlocal started
            if not started:
                started = True
                task_status.started()

        delay = self.settings.backoff_initial
        with self.scope:
            while True:
                try:
                    await self._session(mark_started)
                except* Exception as group:
                    # except*: a failure that lands while the session is being
                    # cancelled arrives grouped with the Cancelled (the SDK's task
                    # group raises both); the failure is handled here and the
                    # Cancelled goes on to its scope. A plain `except Exception`
                    # let such a group escape and crash the owner's nursery.
                    self.failures += 1
                    self.last_error = _describe(_first(group))
                    log.warning("MCP server %s: %s", self.spec.name, self.last_error)
                if self.state == "up":
                    delay = self.settings.backoff_initial  # it was serving: retry promptly
                self.state = "down"
                mark_started()
                await trio.sleep(delay)
                delay = min(delay * 2, self.settings.backoff_cap)
        self.state = "down"  # removed (its scope was cancelled)
        mark_started()

    async def _session(self, mark_started: Callable[[], None]) -> None:
        await self.guard.check_url(self.spec.url)
        # One scope covers the whole session: the connect deadline applies until
        # the first listing arrives, then it is lifted (a cancel scope cannot be
        # exited before the client's own task group, so no nested fail_after).
        scope = trio.CancelScope(deadline=trio.current_time() + self.settings.connect_timeout)
        try:
            with scope:
                async with self._open() as client:
                    listing = await self._fetch(client)
                    scope.deadline = math.inf
                    self._client = client
                    self.state = "up"
                    self.connects += 1
                    self.last_error = None
                    self._publish(listing)
                    mark_started()
                    await self._serve(client)
        finally:
            self._client = None  # no call may use a session that is closing
        if scope.cancelled_caught:
            raise TimeoutError(f"no answer within {self.settings.connect_timeout} s")

    @asynccontextmanager
    async def _open(self) -> AsyncIterator[Client]:
        import httpx2
        from mcp import Client
        from mcp.client.sse import sse_client
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        spec = self.spec
        transport: AbstractAsyncContextManager[Any]
        if spec.transport == "sse":
            transport = sse_client(
                spec.url, headers=dict(spec.headers), timeout=self.settings.connect_timeout
            )
            async with Client(transport, **self._client_kwargs()) as client:
                yield client
            return
        timeout = httpx2.Timeout(self.settings.connect_timeout, read=max(300.0, self._call_timeout))
        async with create_mcp_http_client(headers=dict(spec.headers), timeout=timeout) as http:
            transport = streamable_http_client(spec.url, http_client=http)
            async with Client(transport, **self._client_kwargs()) as client:
                yield client

    def _client_kwargs(self) -> dict[str, Any]:
        # legacy: the initialize handshake every server era understands. No SDK
        # response cache: the gateway's catalog is the cache.
        return {"mode": "legacy", "cache": None, "message_handler": self._on_message}

    async def _on_message(self, message: IncomingMessage) -> None:
        import mcp_types

        if isinstance(
            message,
            mcp_types.ToolListChangedNotification
            | mcp_types.PromptListChangedNotification
            | mcp_types.ResourceListChangedNotification,
        ):
            self._relist.set()
        await trio.lowlevel.checkpoint()

    async def _serve(self, client: Client) -> None:
        while True:
            with trio.move_on_after(self.settings.health_interval):
                await self._relist.wait()
            if self._relist.is_set():
                self._relist = trio.Event()
                with trio.fail_after(self.settings.connect_timeout):
                    self._publish(await self._fetch(client))
                continue
            with trio.fail_after(self.settings.health_timeout):
                await client.session.send_ping()

    def _publish(self, listing: Listing) -> None:
        if listing != self.listing:  # a reconnect with the same listing is not a change
            self.listing = listing
            self.on_listing(self, listing)

    async def _fetch(self, client: Client) -> Listing:
        import mcp_types

        caps = client.server_capabilities
        tools: list[dict[str, Any]] = []
        prompts: list[dict[str, Any]] = []
        resources: list[dict[str, Any]] = []
        session = client.session
        if caps.tools is not None:
            cursor: str | None = None
            for _ in range(_MAX_LIST_PAGES):
                page = await session.list_tools(
                    params=mcp_types.PaginatedRequestParams(cursor=cursor)
                )
                tools.extend(dump(t) for t in page.tools)
                if (cursor := page.next_cursor) is None:
                    break
        if caps.prompts is not None:
            cursor = None
            for _ in range(_MAX_LIST_PAGES):
                pp = await session.list_prompts(
                    params=mcp_types.PaginatedRequestParams(cursor=cursor)
                )
                prompts.extend(dump(p) for p in pp.prompts)
                if (cursor := pp.next_cursor) is None:
                    break
        if caps.resources is not None:
            cursor = None
            for _ in range(_MAX_LIST_PAGES):
                rp = await session.list_resources(
                    params=mcp_types.PaginatedRequestParams(cursor=cursor)
                )
                resources.extend(dump(r) for r in rp.resources)
                if (cursor := rp.next_cursor) is None:
                    break
        return Listing(tools, prompts, resources)

    @property
    def _call_timeout(self) -> float:
        return self.spec.call_timeout or self.settings.call_timeout

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """``tools/call`` upstream; failures come back as tool errors (see module docstring)."""
        from mcp.shared.exceptions import MCPError

        where = f"MCP server {self.spec.name!r}"
        try:
            client = await self._ready()
        except rpc.RpcError as err:
            return tool_error(err.message)
        timeout = self._call_timeout
        with trio.move_on_after(timeout):
            try:
                result = await client.session.call_tool(name, arguments, meta=_trace_meta())
            except MCPError as exc:
                return tool_error(f"{where} returned an error: {exc.message} (code {exc.code})")
            except Exception as exc:
                return tool_error(f"{where} failed: {_describe(exc)}")
            return dump(result)
        return tool_error(f"{where} did not answer within {timeout:g} s")

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """``prompts/get`` or ``resources/read`` upstream; raises :class:`RpcError`."""
        from mcp.shared.exceptions import MCPError
        from pydantic import BaseModel

        client = await self._ready()
        timeout = self._call_timeout
        with trio.move_on_after(timeout):
            try:
                got: BaseModel
                if method == "prompts/get":
                    got = await client.session.get_prompt(
                        params["name"], params.get("arguments") or None, meta=_trace_meta()
                    )
                else:
                    got = await client.session.read_resource(params["uri"], meta=_trace_meta())
            except MCPError as exc:
                raise rpc.RpcError(exc.code, exc.message, exc.data) from None
            except Exception as exc:
                msg = f"MCP server {self.spec.name!r} failed: {_describe(exc)}"
                raise rpc.RpcError(rpc.UPSTREAM_UNAVAILABLE, msg) from None
            return dump(got)
        raise rpc.RpcError(rpc.UPSTREAM_TIMEOUT, f"MCP server {self.spec.name!r} timed out")

    async def _ready(self) -> Client:
        client = self._client
        if client is None or self.state != "up":
            detail = f": {self.last_error}" if self.last_error else ""
            msg = f"MCP server {self.spec.name!r} is unavailable{detail}"
            raise rpc.RpcError(rpc.UPSTREAM_UNAVAILABLE, msg)
        try:
            await self.guard.check_url(self.spec.url)  # DNS may have changed since connect
        except SSRFBlocked as exc:
            raise rpc.RpcError(rpc.UPSTREAM_FORBIDDEN, exc.message) from None
        return client


def _trace_meta() -> Any:
    """The request's W3C trace context for ``params._meta`` (the OpenTelemetry MCP
    conventions' carrier: a session's HTTP requests are not made by the request's task)."""
    return outgoing_headers() or None


def _first(group: BaseExceptionGroup[Exception]) -> Exception:
    """The first leaf of a (possibly nested) exception group."""
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    assert isinstance(exc, Exception)
    return exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        return _describe(exc.exceptions[0])
    if isinstance(exc, SSRFBlocked):
        return exc.message
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
