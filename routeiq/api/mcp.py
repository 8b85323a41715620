"""HTTP for the MCP gateway: the ``/mcp`` endpoint and the admin API (pure ASGI).

``/mcp`` follows the MCP streamable HTTP transport (2025-03-26 .. 2025-11-25):

- ``POST``: one JSON-RPC message or a batch. ``initialize`` opens a session and
  answers with an ``Mcp-Session-Id`` header; every later request must carry it
  (missing: 400; unknown or expired: 404, the client initializes again).
  Requests are answered as ``application/json`` when the client accepts it,
  else as an SSE stream of one event per answer; only notifications or
  responses: 202 with no body. A client that disconnects cancels its calls.
  A single request from a client that accepts SSE is answered with a stream
  as soon as something for the client arrives before the result: progress
  (``_meta.progressToken``), log messages, and requests from the upstream
  (sampling, elicitation, roots; put to the client only if it declared the
  capability), whose answers the client POSTs back (:class:`ClientStream`).
- ``GET``: an SSE stream of ``notifications/*/list_changed`` whenever the
  catalog changes, with keep-alive comments.
- ``DELETE``: ends the session.

Every malformed message is answered with a JSON-RPC error object, never a 500.

Admin (master key): ``GET|POST /routeiq/mcp/servers``,
``GET|PUT|DELETE /routeiq/mcp/servers/{name}``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import orjson
import trio

from routeiq import jsonrpc as rpc
from routeiq.api.body_json import parse_rpc
from routeiq.asgi.auth import KeyRing
from routeiq.asgi.body import read_body
from routeiq.asgi.boundary import Boundary
from routeiq.asgi.disconnect import watch_disconnect
from routeiq.asgi.respond import Headers, send_bytes, send_json
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send, header
from routeiq.errors import MethodNotAllowed, NotFound, PayloadTooLarge
from routeiq.jsonrpc_asgi import (
    KEEPALIVE,
    accepts,
    end_stream,
    read_model,
    require_master,
    run_beside_client,
    send_chunk,
    sse_event,
    start_stream,
    tenant_of,
)
from routeiq.mcp.gateway import SUPPORTED_VERSIONS, MCPGateway, reply_channel
from routeiq.mcp.sessions import McpSession
from routeiq.mcp.settings import MCPServerSpec

ENDPOINT = "/mcp"
ADMIN = "/routeiq/mcp/servers"
_JSON = b"application/json"
_LIST_CHANGED = [
    b'{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}',
    b'{"jsonrpc":"2.0","method":"notifications/prompts/list_changed"}',
    b'{"jsonrpc":"2.0","method":"notifications/resources/list_changed"}',
]


# Requests an upstream may put to the client during a call -> the client capability.
_CAPABILITY = {"sampling/createMessage": "sampling", "elicitation/create": "elicitation"}
_CAPABILITY["roots/list"] = "roots"


class ClientStream:
    """The answer to one POST as an SSE stream, started by the first message for
    the client (an :class:`~routeiq.mcp.relay.Outbox`). Disabled (batches, clients
    that accept only JSON): notifications are dropped and requests refused."""

    def __init__(self, mcp: MCPGateway, session: McpSession, send: Send, enabled: bool) -> None:
        self.mcp = mcp
        self.session = session
        self.send = send
        self.enabled = enabled
        self.started = False

    async def notify(self, message: dict[str, Any]) -> None:
        if not self.enabled:
            return
        if not self.started:
            self.started = True
            await start_stream(self.send, 200)
        await send_chunk(self.send, sse_event(orjson.dumps(message), "message"))

    async def ask(self, method: str, params: Any, request_id: str) -> dict[str, Any]:
        need = _CAPABILITY.get(method)
        problem = None
        if need is None:
            problem = (rpc.METHOD_NOT_FOUND, f"Method not found: {method}")
        elif not self.enabled:
            problem = (
                rpc.METHOD_NOT_FOUND,
                f"The client cannot be asked for {method}: its request accepts no event stream",
            )
        elif need not in (self.session.capabilities or {}):
            problem = (rpc.METHOD_NOT_FOUND, f"The client did not declare the {need} capability")
        if problem is not None:
            return rpc.error(None, rpc.RpcError(*problem))
        # The answer comes in another POST, maybe to another gateway process.
        async with self.mcp.store.subscribe(reply_channel(self.session.id, request_id)) as sub:
            request = {"jsonrpc": "2.0", "id": request_id, "method": method}
            if params is not None:
                request["params"] = params
            await self.notify(request)
            raw = await sub.__anext__()
        reply: dict[str, Any] = orjson.loads(raw)
        return reply


async def _rpc_error(send: Send, status: int, code: int, message: str) -> None:
    await send_bytes(send, status, rpc.error_bytes(None, code, message), _JSON)


class MCPApp:
    """Serves the MCP routes; passes everything else to ``inner``."""

    def __init__(self, gateway: MCPGateway, inner: ASGIApp, keys: KeyRing | None = None):
        self.mcp = gateway
        self.inner = inner
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == ENDPOINT or path.startswith(ADMIN)):
            await self.inner(scope, receive, send)
            return
        # Errors are answered by the one error boundary (routeiq.dispatch).
        if path == ENDPOINT:
            await self.endpoint(scope, receive, send)
        else:
            await self.admin(scope, receive, send)

    async def endpoint(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        if method == "POST":
            await self.post(scope, receive, send)
            return
        session = await self._session(scope, send)
        if session is None:
            return
        if method == "GET":
            await self.notifications(session, receive, send)
        elif method == "DELETE":
            await self.mcp.sessions.delete(session.id)
            await send_bytes(send, 200, b"", _JSON)
        else:
            raise MethodNotAllowed(
                "Use POST, GET or DELETE on /mcp", headers={"allow": "POST, GET, DELETE"}
            )

    async def _session(self, scope: Scope, send: Send) -> McpSession | None:
        sid = header(scope, b"mcp-session-id")
        if sid is None:
            await _rpc_error(
                send,
                400,
                rpc.INVALID_REQUEST,
                "Missing Mcp-Session-Id header: send initialize first",
            )
            return None
        session = await self.mcp.sessions.get(sid.decode("latin-1"), tenant_of(scope))
        if session is None:
            await _rpc_error(
                send, 404, rpc.INVALID_REQUEST, "Session not found or expired: initialize again"
            )
            return None
        version = header(scope, b"mcp-protocol-version")
        if version is not None and version.decode("latin-1") not in SUPPORTED_VERSIONS:
            await _rpc_error(send, 400, rpc.INVALID_REQUEST, "Unsupported MCP-Protocol-Version")
            return None
        return session

    async def post(self, scope: Scope, receive: Receive, send: Send) -> None:
        json_ok, sse_ok = accepts(scope)
        if not (json_ok or sse_ok):
            await _rpc_error(
                send, 406, rpc.INVALID_REQUEST, "Accept application/json or text/event-stream"
            )
            return
        try:
            body = await read_body(scope, receive, self.mcp.settings.max_body_bytes)
        except PayloadTooLarge as exc:
            await _rpc_error(send, 413, rpc.INVALID_REQUEST, exc.message)
            return
        batch = await parse_rpc(body, self.mcp.settings.max_batch)
        requests = [m for m in batch.messages if isinstance(m, rpc.Request)]
        invalid = [m for m in batch.messages if isinstance(m, rpc.Invalid)]
        if not requests and invalid:
            errors = [rpc.error(m.id, m.error) for m in invalid]
            await send_bytes(send, 400, rpc.encode_replies(errors, batch.is_batch) or b"", _JSON)
            return
        extra: Headers = []
        replies: list[dict[str, Any]]
        init = next((r for r in requests if r.method == "initialize"), None)
        if init is not None:
            if batch.is_batch:
                await _rpc_error(send, 400, rpc.INVALID_REQUEST, "initialize must not be batched")
                return
            if init.is_notification:
                await _rpc_error(send, 400, rpc.INVALID_REQUEST, "initialize needs an id")
                return
            try:
                result, session = await self.mcp.initialize(init, tenant_of(scope))
            except rpc.RpcError as err:
                await send_bytes(send, 400, orjson.dumps(rpc.error(init.id, err)), _JSON)
                return
            extra.append((b"mcp-session-id", session.id.encode()))
            replies = [rpc.result(init.id, result)]
        else:
            maybe = await self._session(scope, send)
            if maybe is None:
                return
            session = maybe
            single = not batch.is_batch and len(requests) == 1
            stream = ClientStream(self.mcp, session, send, sse_ok and single)
            replies, withdrawn = await self._run(batch, session, receive, stream, sse_ok)
            if stream.started or (withdrawn and sse_ok and not replies):
                # progress or a request went out first, or the client withdrew its
                # request: finish (or send) an event stream holding what is left
                if not stream.started:
                    await start_stream(send, 200, extra)
                for reply in replies:
                    await send_chunk(send, sse_event(orjson.dumps(reply), "message"))
                await end_stream(send)
                return
        out = rpc.encode_replies(replies, batch.is_batch)
        if out is None:
            await send_bytes(send, 202, b"", _JSON, extra)
        elif json_ok:
            await send_bytes(send, 200, out, _JSON, extra)
        else:
            await start_stream(send, 200, extra)
            for reply in replies:
                await send_chunk(send, sse_event(orjson.dumps(reply), "message"))
            await end_stream(send)

    async def _run(
        self,
        batch: rpc.Batch,
        session: McpSession,
        receive: Receive,
        outbox: ClientStream,
        sse_ok: bool,
    ) -> tuple[list[dict[str, Any]], bool]:
        """Answer every message of ``batch`` (requests concurrently), in order; say
        whether the client withdrew any of them."""
        replies: list[dict[str, Any] | None] = [None] * len(batch.messages)
        withdrawn = [False] * len(batch.messages)

        async def one(i: int, req: rpc.Request) -> None:
            key = (session.id, req.id)
            with trio.CancelScope() as cancel_scope:
                if not req.is_notification:
                    self.mcp.in_flight[key] = cancel_scope
                try:
                    replies[i] = rpc.result(req.id, await self.mcp.call(req, session, outbox))
                except rpc.RpcError as err:
                    replies[i] = rpc.error(req.id, err)
                finally:
                    if self.mcp.in_flight.get(key) is cancel_scope:
                        del self.mcp.in_flight[key]
            if key in self.mcp.withdrawn:
                self.mcp.withdrawn.discard(key)
                if cancel_scope.cancelled_caught:
                    withdrawn[i] = True
            if cancel_scope.cancelled_caught and not req.is_notification:
                replies[i] = rpc.error(
                    req.id, rpc.RpcError(rpc.INTERNAL_ERROR, "Request cancelled")
                )
            if req.is_notification:
                replies[i] = None

        jobs = []
        for i, msg in enumerate(batch.messages):
            if isinstance(msg, rpc.Invalid):
                replies[i] = rpc.error(msg.id, msg.error)
            elif isinstance(msg, rpc.Response):
                await self.mcp.deliver_reply(session, msg.id, msg.body)
            elif isinstance(msg, rpc.Request):
                if msg.is_notification and msg.method.startswith("notifications/"):
                    self.mcp.notify(msg, session)
                else:
                    jobs.append(partial(one, i, msg))
        await run_beside_client(receive, jobs)
        if sse_ok:
            # A request the client cancelled gets no response (MCP: receivers SHOULD NOT
            # answer it); an event stream may end without one. A JSON-only client
            # still gets the error, since its POST must carry a JSON body.
            replies = [None if w else r for r, w in zip(replies, withdrawn, strict=True)]
        return [r for r in replies if r is not None], any(withdrawn)

    async def notifications(self, session: McpSession, receive: Receive, send: Send) -> None:
        registry = self.mcp.registry
        await start_stream(send, 200, [(b"mcp-session-id", session.id.encode())])
        async with trio.open_nursery() as nursery:
            nursery.start_soon(watch_disconnect, receive, nursery.cancel_scope)
            version = registry.catalog.version
            while True:
                with trio.move_on_after(self.mcp.settings.keepalive_interval):
                    await registry.wait_changed(version)
                if registry.catalog.version == version:
                    await send_chunk(send, KEEPALIVE)
                    continue
                version = registry.catalog.version
                for note in _LIST_CHANGED:
                    await send_chunk(send, sse_event(note, "message"))

    async def admin(self, scope: Scope, receive: Receive, send: Send) -> None:
        require_master(scope, self.keys)
        registry = self.mcp.registry
        method = scope["method"]
        name = scope["path"][len(ADMIN) :].strip("/")
        if not name:
            if method == "GET":
                await send_json(
                    send,
                    200,
                    {
                        "servers": registry.status(),
                        "catalog_version": registry.catalog.version,
                        "tools": len(registry.catalog),
                    },
                )
            elif method == "POST":
                spec = await read_model(scope, receive, MCPServerSpec, 64 * 1024)
                server = await self.mcp.admin_add(spec)
                await send_json(send, 201, server.status())
            else:
                raise MethodNotAllowed("Use GET or POST", headers={"allow": "GET, POST"})
            return
        if method == "GET":
            found = registry.servers.get(name)
            if found is None:
                raise NotFound(f"No MCP server named {name!r}")
            await send_json(send, 200, found.status())
        elif method == "PUT":
            spec = await read_model(scope, receive, MCPServerSpec, 64 * 1024)
            if spec.name != name:
                raise NotFound(f"The body names {spec.name!r}, the path {name!r}")
            server = await self.mcp.admin_add(spec, replace=True)
            await send_json(send, 200, server.status())
        elif method == "DELETE":
            await self.mcp.admin_remove(name)
            await send_json(send, 200, {"deleted": name})
        else:
            raise MethodNotAllowed("Use GET, PUT or DELETE", headers={"allow": "GET, PUT, DELETE"})


def mount(gateway: MCPGateway, inner: ASGIApp, keys: KeyRing | None = None) -> ASGIApp:
    """The ASGI app serving the MCP routes in front of ``inner``."""
    if not gateway.settings.enabled:
        return inner
    return Boundary(MCPApp(gateway, inner, keys))  # asgi/boundary.py
