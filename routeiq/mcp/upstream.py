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
``ClientSession`` multiplexes concurrent requests over the one session;
``tools/call`` on a streamable HTTP server goes around the SDK, raw, within
that same session (:mod:`routeiq.mcp.relay`), so that what the upstream sends
during the call reaches this call's client. Every
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

import httpx
import trio

from routeiq import jsonrpc as rpc
from routeiq.backoff import backoff_delay
from routeiq.mcp.catalog import Listing
from routeiq.mcp.relay import Link, Outbox, RawCall, SessionGone
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
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.spec = spec
        self.http = http  # for the raw tools/call relay (None: every call via the SDK)
        self.link: Link | None = None
        self._background: trio.Nursery | None = None  # see _session
        self._session_id: str | None = None
        self.settings = settings
        self.guard = guard
        self.on_listing = on_listing
        self.state: State = "connecting"
        self.last_error: str | None = None
        self.connects = 0
        self.failures = 0
        self.listing: Listing | None = None
        self.cancel_scope = trio.CancelScope()
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

        failed = 0  # tries in a row that did not serve
        with self.cancel_scope:
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
                    failed = 0  # it was serving: retry promptly
                self.state = "down"
                mark_started()
                s = self.settings
                await trio.sleep(backoff_delay(failed, s.backoff_initial, s.backoff_cap, None))
                failed += 1
        self.state = "down"  # removed (its scope was cancelled)
        mark_started()

    async def _session(self, mark_started: Callable[[], None]) -> None:
        await self.guard.check_url(self.spec.url)
        # One scope covers the whole session: the connect deadline applies until
        # the first listing arrives, then it is lifted (a cancel scope cannot be
        # exited before the client's own task group, so no nested fail_after).
        cancel_scope = trio.CancelScope(
            deadline=trio.current_time() + self.settings.connect_timeout
        )
        try:
            with cancel_scope:
                async with self._open() as client:
                    listing = await self._fetch(client)
                    cancel_scope.deadline = math.inf
                    self._client = client
                    if self.spec.transport == "streamable_http" and self.http is not None:
                        self.link = Link(
                            self.spec.url,
                            dict(self.spec.headers),
                            self._session_id,
                            client.protocol_version,
                        )
                    self.state = "up"
                    self.connects += 1
                    self.last_error = None
                    self._publish(listing)
                    mark_started()
                    # Streams of finished calls are read to their end here.
                    async with trio.open_nursery() as background:
                        self._background = background
                        try:
                            await self._serve(client)
                        finally:
                            self._background = None
                            background.cancel_scope.cancel()
        finally:
            self._client = None  # no call may use a session that is closing
            self.link = None
            self._session_id = None
        if cancel_scope.cancelled_caught:
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
            http.event_hooks["response"].append(self._capture_session)
            transport = streamable_http_client(spec.url, http_client=http)
            async with Client(transport, **self._client_kwargs()) as client:
                yield client

    async def _capture_session(self, response: Any) -> None:
        sid = response.headers.get("mcp-session-id")
        if sid:
            self._session_id = sid

    def _client_kwargs(self) -> dict[str, Any]:
        # legacy: the initialize handshake every server era understands. No SDK
        # response cache: the gateway's catalog is the cache. The client
        # capabilities are declared so that upstreams put sampling, elicitation
        # and roots requests to the gateway, which passes those made during a
        # relayed tools/call to the client that made it (or refuses them for
        # it); requests arriving on the shared session belong to no client.
        return {
            "mode": "legacy",
            "cache": None,
            "message_handler": self._on_message,
            "sampling_callback": _no_client,
            "elicitation_callback": _no_client,
            "list_roots_callback": _no_client,
        }

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
        caps = client.server_capabilities
        session = client.session
        tools = prompts = resources = templates = []
        if caps.tools is not None:
            tools = await _all_pages(session.list_tools, "tools")
        if caps.prompts is not None:
            prompts = await _all_pages(session.list_prompts, "prompts")
        if caps.resources is not None:
            resources = await _all_pages(session.list_resources, "resources")
            templates = await _all_pages(session.list_resource_templates, "resource_templates")
        return Listing(tools, prompts, resources, templates)

    @property
    def _call_timeout(self) -> float:
        return self.spec.call_timeout or self.settings.call_timeout

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any],
        outbox: Outbox | None = None,
        progress_token: Any = None,
    ) -> dict[str, Any]:
        """``tools/call`` upstream; failures come back as tool errors (see module docstring).

        ``outbox``: where progress, log messages and requests from the upstream
        for this call go; ``progress_token``: the client's, if it asked for progress."""
        where = f"MCP server {self.spec.name!r}"
        try:
            client = await self._ready()
        except rpc.RpcError as err:
            return tool_error(err.message)
        timeout = self._call_timeout
        link = self.link
        if link is not None and self.http is not None:
            with trio.move_on_after(timeout):
                return await self._call_raw(link, name, arguments, outbox, progress_token)
            return tool_error(f"{where} did not answer within {timeout:g} s")

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            if outbox is not None and progress_token is not None:
                params = {"progressToken": progress_token, "progress": progress}
                if total is not None:
                    params["total"] = total
                if message is not None:
                    params["message"] = message
                note = {"jsonrpc": "2.0", "method": "notifications/progress", "params": params}
                await outbox.notify(note)

        from mcp.shared.exceptions import MCPError

        with trio.move_on_after(timeout):
            try:
                result = await client.session.call_tool(
                    name, arguments, progress_callback=on_progress, meta=_trace_meta()
                )
            except MCPError as exc:
                return tool_error(f"{where} returned an error: {exc.message} (code {exc.code})")
            except Exception as exc:
                return tool_error(f"{where} failed: {_describe(exc)}")
            return dump(result)
        return tool_error(f"{where} did not answer within {timeout:g} s")

    async def _call_raw(
        self,
        link: Link,
        name: str,
        arguments: dict[str, Any],
        outbox: Outbox | None,
        progress_token: Any,
    ) -> dict[str, Any]:
        assert self.http is not None
        where = f"MCP server {self.spec.name!r}"
        background = self._background
        spawn = None if background is None else background.start_soon
        call = RawCall(self.http, link, outbox, lambda: self._relist.set(), spawn)
        try:
            reply = await call.run(
                "tools/call", {"name": name, "arguments": arguments}, progress_token
            )
        except SessionGone:
            self._relist.set()  # re-list; a failing session reconnects
            return tool_error(f"{where} lost its session; try again")
        except rpc.RpcError as err:
            return tool_error(f"{where} failed: {err.message}")
        except (httpx.HTTPError, ValueError) as exc:
            return tool_error(f"{where} failed: {_describe(exc)}")
        failure = reply.get("error")
        if isinstance(failure, dict):
            return tool_error(
                f"{where} returned an error: {failure.get('message')} (code {failure.get('code')})"
            )
        result = reply["result"]
        return result if isinstance(result, dict) else tool_error(f"{where} sent no result")

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


async def _all_pages(list_page: Callable[..., Any], field: str) -> list[dict[str, Any]]:
    """Every item of a paged ``*/list`` (at most ``_MAX_LIST_PAGES`` pages), as wire JSON."""
    import mcp_types

    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(_MAX_LIST_PAGES):
        page = await list_page(params=mcp_types.PaginatedRequestParams(cursor=cursor))
        items.extend(dump(item) for item in getattr(page, field))
        if (cursor := page.next_cursor) is None:
            break
    return items


async def _no_client(*args: Any) -> Any:
    import mcp_types

    return mcp_types.ErrorData(
        code=rpc.METHOD_NOT_FOUND,
        message="The gateway passes server requests only to the client of a tools/call",
    )


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
