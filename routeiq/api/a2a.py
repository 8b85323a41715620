"""HTTP for the A2A gateway (pure ASGI).

- ``GET /.well-known/agent-card.json`` (and ``/a2a/.well-known/agent-card.json``,
  where ``@a2a-js/sdk`` looks when given ``/a2a/<agent>`` without a trailing
  slash, and ``GET /a2a``): the gateway's card, a directory of agents whose
  interface is ``POST /a2a``, which routes each call to its agent
  (:meth:`routeiq.a2a.gateway.A2AGateway.route`).
- ``GET /a2a/{agent}/.well-known/agent-card.json`` (and ``GET /a2a/{agent}``):
  the agent's card, its interface pointing at ``/a2a/{agent}``.
- ``POST /a2a/{agent}``: JSON-RPC 2.0, one message or a batch. A single
  ``SendStreamingMessage``/``SubscribeToTask`` (or v0.3 ``message/stream``/
  ``tasks/resubscribe``) is answered with an SSE stream; everything else with
  JSON (a batch with an array; only notifications: 204). Malformed input gets
  JSON-RPC error objects with HTTP 200 (as the a2a-sdk does), never a 500.
  A client that disconnects cancels its calls and closes upstream streams.
- Admin (master key): ``GET|POST /routeiq/a2a/agents``,
  ``GET|PUT|DELETE /routeiq/a2a/agents/{name}``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from routeiq import jsonrpc as rpc
from routeiq.a2a.gateway import A2AGateway
from routeiq.a2a.hub import ClientSSE
from routeiq.a2a.registry import CARD_PATH
from routeiq.a2a.settings import AgentSpec
from routeiq.a2a.tasks import METHODS, STREAMING
from routeiq.api.body_json import parse_rpc
from routeiq.asgi.auth import KeyRing
from routeiq.asgi.body import read_body
from routeiq.asgi.boundary import Boundary
from routeiq.asgi.respond import send_bytes, send_json
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send, header
from routeiq.errors import MethodNotAllowed, NotFound, PayloadTooLarge
from routeiq.jsonrpc_asgi import read_model, require_master, run_beside_client, tenant_of

PREFIX = "/a2a/"
ADMIN = "/routeiq/a2a/agents"
_JSON = b"application/json"


class A2AApp:
    """Serves the A2A routes; passes everything else to ``inner``."""

    def __init__(self, gateway: A2AGateway, inner: ASGIApp, keys: KeyRing | None = None):
        self.a2a = gateway
        self.inner = inner
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        mine = path in (CARD_PATH, "/a2a") or path.startswith(PREFIX) or path.startswith(ADMIN)
        if scope["type"] != "http" or not mine:
            await self.inner(scope, receive, send)
            return
        # Errors are answered by the one error boundary (routeiq.dispatch).
        if path.startswith(ADMIN):
            await self.admin(scope, receive, send)
        elif path == CARD_PATH:
            self._only(scope, "GET")
            await send_json(send, 200, self.a2a.registry.gateway_card(self.base_url(scope)))
        else:
            await self.agent_route(scope, receive, send, path[len(PREFIX) :])  # "/a2a" -> ""

    def base_url(self, scope: Scope) -> str:
        if self.a2a.settings.public_url:
            return self.a2a.settings.public_url.rstrip("/")
        host = header(scope, b"host")
        if host is None:
            server = scope.get("server") or ("localhost", 80)
            return f"{scope.get('scheme', 'http')}://{server[0]}:{server[1]}"
        return f"{scope.get('scheme', 'http')}://{host.decode('latin-1')}"

    @staticmethod
    def _only(scope: Scope, method: str) -> None:
        if scope["method"] not in (method, "HEAD" if method == "GET" else method):
            raise MethodNotAllowed(f"Use {method} on {scope['path']}", headers={"allow": method})

    async def agent_route(self, scope: Scope, receive: Receive, send: Send, rest: str) -> None:
        name, _, tail = rest.partition("/")
        if name == "" or (name == ".well-known" and tail == "agent-card.json"):
            if scope["method"] in ("GET", "HEAD") and not (name == "" and tail):
                await send_json(send, 200, self.a2a.registry.gateway_card(self.base_url(scope)))
                return
            if name == "" and not tail:
                self._only(scope, "POST")
                await self.post(scope, receive, send, None)
                return
            raise NotFound("No such route on this gateway")
        if tail in ("", CARD_PATH.lstrip("/")) and scope["method"] in ("GET", "HEAD"):
            await send_json(send, 200, self.a2a.registry.card(name, self.base_url(scope)))
            return
        if tail:
            raise NotFound("No such route on this gateway")
        self._only(scope, "POST")
        await self.post(scope, receive, send, name)

    async def post(self, scope: Scope, receive: Receive, send: Send, agent: str | None) -> None:
        try:
            body = await read_body(scope, receive, self.a2a.settings.max_body_bytes)
        except PayloadTooLarge as exc:
            data = rpc.error_bytes(None, rpc.INVALID_REQUEST, exc.message)
            await send_bytes(send, 413, data, _JSON)
            return
        batch = await parse_rpc(body, self.a2a.settings.max_batch)
        raw_version = header(scope, b"a2a-version")
        version = raw_version.decode("latin-1") if raw_version else None
        first = batch.messages[0]
        if (
            not batch.is_batch
            and isinstance(first, rpc.Request)
            and not first.is_notification
            and METHODS.get(first.method, ("send", False))[0] in STREAMING
        ):
            await self.stream(agent, first, version, send, receive, tenant_of(scope))
            return
        replies = await self.answer(agent, batch, version, receive, tenant_of(scope))
        out = rpc.encode_replies(replies, batch.is_batch)
        if out is None:
            await send_bytes(send, 204, b"", _JSON)
        else:
            await send_bytes(send, 200, out, _JSON)

    async def stream(
        self,
        agent: str | None,
        req: rpc.Request,
        version: str | None,
        send: Send,
        receive: Receive,
        tenant: str,
    ) -> None:
        sse = ClientSSE(send, req.id)
        job = partial(self.a2a.stream, agent, req, version, sse, tenant)
        # Raises ClientClosed (the stream is cancelled) if the client goes away.
        await run_beside_client(receive, [job])
        await sse.close()

    async def answer(
        self,
        agent: str | None,
        batch: rpc.Batch,
        version: str | None,
        receive: Receive,
        tenant: str,
    ) -> list[dict[str, Any]]:
        replies: list[dict[str, Any] | None] = [None] * len(batch.messages)

        async def one(i: int, req: rpc.Request) -> None:
            try:
                reply = await self.a2a.call(agent, req, version, tenant)
            except rpc.RpcError as err:
                reply = rpc.error(req.id, err)
            if not req.is_notification:
                replies[i] = reply

        jobs = []
        for i, msg in enumerate(batch.messages):
            if isinstance(msg, rpc.Invalid):
                replies[i] = rpc.error(msg.id, msg.error)
            elif isinstance(msg, rpc.Response):
                err = rpc.RpcError(rpc.INVALID_REQUEST, "'method' is required")
                replies[i] = rpc.error(msg.id, err)
            else:
                jobs.append(partial(one, i, msg))
        await run_beside_client(receive, jobs)
        return [r for r in replies if r is not None]

    async def admin(self, scope: Scope, receive: Receive, send: Send) -> None:
        require_master(scope, self.keys)
        registry = self.a2a.registry
        method = scope["method"]
        name = scope["path"][len(ADMIN) :].strip("/")
        if not name:
            if method == "GET":
                agents = [self._status(n) for n in registry.agents]
                await send_json(send, 200, {"agents": agents, "tasks": len(self.a2a.tasks)})
            elif method == "POST":
                spec = await read_model(scope, receive, AgentSpec, 64 * 1024)
                await self.a2a.admin_add(spec)
                await send_json(send, 201, self._status(spec.name))
            else:
                raise MethodNotAllowed("Use GET or POST", headers={"allow": "GET, POST"})
            return
        if method == "GET":
            if registry.get(name) is None:
                raise NotFound(f"No agent named {name!r}")
            await send_json(send, 200, self._status(name))
        elif method == "PUT":
            spec = await read_model(scope, receive, AgentSpec, 64 * 1024)
            if spec.name != name:
                raise NotFound(f"The body names {spec.name!r}, the path {name!r}")
            await self.a2a.admin_add(spec, replace=True)
            await send_json(send, 200, self._status(name))
        elif method == "DELETE":
            await self.a2a.admin_remove(name)
            await send_json(send, 200, {"deleted": name})
        else:
            raise MethodNotAllowed("Use GET, PUT or DELETE", headers={"allow": "GET, PUT, DELETE"})

    def _status(self, name: str) -> dict[str, Any]:
        spec = self.a2a.registry.agents[name]
        card = self.a2a.registry.upstream_cards.get(name)
        out = spec.model_dump()
        out["headers"] = {k: "***" for k in spec.headers}  # never echo credentials
        out["card_fetched"] = card is not None
        return out


def mount(gateway: A2AGateway, inner: ASGIApp, keys: KeyRing | None = None) -> ASGIApp:
    """The ASGI app serving the A2A routes in front of ``inner``."""
    if not gateway.settings.enabled:
        return inner
    return Boundary(A2AApp(gateway, inner, keys))  # asgi/boundary.py
