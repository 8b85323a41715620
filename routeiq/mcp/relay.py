"""``tools/call`` relayed over the upstream's own streamable HTTP session, raw.

The official ``mcp`` client multiplexes every gateway client's calls over one
upstream session, so what an upstream sends *during* a call (progress,
``notifications/message`` logging, sampling/elicitation/roots requests) cannot
be told apart by call: it dropped progress, and the SDK's model building and
validation cost about 3 ms a call. Here the gateway POSTs ``tools/call`` itself
inside that same session (its ``Mcp-Session-Id``, captured when the SDK
connected) and reads the answer: a JSON body, or an SSE stream on which
everything before the result belongs to this call alone. So:

- ``notifications/progress`` go to the client with the client's own
  ``progressToken`` (the upstream sees a token minted per call);
- ``notifications/message`` go to the client as they come;
- a request from the upstream (``sampling/createMessage``, ``elicitation/create``,
  ``roots/list``) is put to the client through :meth:`Outbox.ask`, which
  refuses it with a clear error when the client did not declare the
  capability; the answer is POSTed back upstream;
- ``notifications/*/list_changed`` wake the server's re-listing;
- a call that is cancelled (the client's ``notifications/cancelled``, its
  disconnect, the deadline) sends ``notifications/cancelled`` upstream; a
  request the upstream withdraws (its ``notifications/cancelled``) is withdrawn
  from the client the same way.

A 404 means the upstream forgot the session: :class:`SessionGone`, and the
caller reconnects. Nothing here imports the ``mcp`` SDK.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import orjson
import trio

from routeiq import jsonrpc as rpc
from routeiq.llm.sse import SSEFramer, event_data
from routeiq.tracecontext import outgoing_headers

_LIST_CHANGED = frozenset(
    {
        "notifications/tools/list_changed",
        "notifications/prompts/list_changed",
        "notifications/resources/list_changed",
    }
)
_counter = itertools.count(1)


class SessionGone(Exception):
    """The upstream answered 404: its session ended; reconnect."""


class Outbox(Protocol):
    """Where messages for the client go while its request runs."""

    async def notify(self, message: dict[str, Any]) -> None:
        """Send a notification to the client (dropped if it cannot get one)."""
        ...

    async def ask(self, method: str, params: Any, request_id: str) -> dict[str, Any]:
        """Put a request (id ``request_id``) to the client; its JSON-RPC response
        object (result or error)."""
        ...


@dataclass(slots=True)
class Link:
    """The upstream session the SDK opened: where and how to POST within it."""

    url: str
    headers: dict[str, str]
    session_id: str | None = None
    protocol_version: str | None = None
    _base: dict[str, str] = field(default_factory=dict)
    # Parsed once: httpx would re-parse a string URL on every call.
    target: httpx.URL = field(init=False)

    def __post_init__(self) -> None:
        self.target = httpx.URL(self.url)

    def request_headers(self) -> dict[str, str]:
        if not self._base:
            h = {
                "content-type": "application/json",
                "accept": "application/json, text/event-stream",
                **self.headers,
            }
            if self.session_id:
                h["mcp-session-id"] = self.session_id
            if self.protocol_version:
                h["mcp-protocol-version"] = self.protocol_version
            self._base = h
        return self._base


def _error_reply(rid: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": rid, "error": {"code": code, "message": message}}


async def _post(http: httpx.AsyncClient, link: Link, message: dict[str, Any]) -> None:
    """POST a notification or a response within the session (answer: 202)."""
    r = await http.post(link.target, content=orjson.dumps(message), headers=link.request_headers())
    await r.aclose()


async def _drain(chunks: Any) -> None:
    """Read the rest of a finished call's stream (the server ends it right after
    the result) so the connection goes back to the pool instead of being closed:
    a new TCP connection per call cost more than the rest of the relay."""
    with trio.move_on_after(0.5):
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            if size > 1 << 20:
                return


async def _drain_and_close(response: httpx.Response, chunks: Any) -> None:
    try:
        await _drain(chunks)
    finally:
        with trio.CancelScope(shield=True):
            await response.aclose()


#: Runs a job after the call has returned (the upstream session's nursery).
Spawn = Callable[[Callable[[], Awaitable[None]]], None]


class RawCall:
    """One relayed call (see the module docstring)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        link: Link,
        outbox: Outbox | None,
        on_list_changed: Callable[[], None],
        spawn: Spawn | None = None,
    ) -> None:
        self.http = http
        self.link = link
        self.outbox = outbox
        self.on_list_changed = on_list_changed
        # Where the rest of a stream is read once the result is in hand, so the
        # client's answer does not wait for the upstream to end its stream.
        self.spawn = spawn
        self.rid = f"rq-{next(_counter)}-{secrets.token_hex(4)}"
        # Requests from the upstream being put to the client: their id upstream ->
        # (the id the client sees, the scope to cancel if the upstream withdraws it).
        self.asking: dict[Any, tuple[str, trio.CancelScope]] = {}
        self._nursery: trio.Nursery | None = None

    async def run(self, method: str, params: dict[str, Any], client_token: Any) -> dict[str, Any]:
        """The upstream's JSON-RPC response object to ``method``."""
        params = dict(params)
        meta: dict[str, Any] = {}
        if client_token is not None and self.outbox is not None:
            meta["progressToken"] = self.rid
        # The request's W3C trace context (the OpenTelemetry MCP conventions' carrier).
        meta.update(outgoing_headers())
        if meta:
            params["_meta"] = meta
        else:
            params.pop("_meta", None)
        body = orjson.dumps({"jsonrpc": "2.0", "id": self.rid, "method": method, "params": params})
        finished = False
        try:
            failure: Exception | None = None
            async with trio.open_nursery() as nursery:  # the upstream's requests run here
                self._nursery = nursery
                try:
                    reply = await self._exchange(body, client_token)
                except Exception as exc:  # raised below, outside the nursery's group
                    failure = exc
                nursery.cancel_scope.cancel()  # a request still open is moot now
            if failure is not None:
                raise failure
            finished = True
            return reply
        finally:
            if not finished:
                with trio.CancelScope(shield=True), trio.move_on_after(2.0):
                    note = {
                        "jsonrpc": "2.0",
                        "method": "notifications/cancelled",
                        "params": {"requestId": self.rid, "reason": "cancelled by the client"},
                    }
                    try:
                        await _post(self.http, self.link, note)
                    except httpx.HTTPError:
                        pass

    async def _exchange(self, body: bytes, client_token: Any) -> dict[str, Any]:
        request = self.http.build_request(
            "POST", self.link.target, content=body, headers=self.link.request_headers()
        )
        response = await self.http.send(request, stream=True)
        handed_off = False
        try:
            if response.status_code == 404:
                raise SessionGone("the upstream session is gone (HTTP 404)")
            ctype = response.headers.get("content-type", "")
            if response.status_code != 200:
                raise rpc.RpcError(
                    rpc.UPSTREAM_UNAVAILABLE, f"HTTP {response.status_code} from the upstream"
                )
            if "text/event-stream" not in ctype:
                raw = await response.aread()
                return self._reply(orjson.loads(raw))
            framer = SSEFramer()
            chunks = response.aiter_raw()
            async for chunk in chunks:
                for block in framer.feed(chunk):
                    for data in event_data(block):
                        reply = await self._message(orjson.loads(data), client_token)
                        if reply is None:
                            continue
                        if self.spawn is None:
                            await _drain(chunks)
                        else:
                            self.spawn(lambda: _drain_and_close(response, chunks))
                            handed_off = True
                        return reply
            raise rpc.RpcError(rpc.UPSTREAM_UNAVAILABLE, "the upstream closed the stream early")
        finally:
            if not handed_off:
                await response.aclose()

    def _reply(self, obj: Any) -> dict[str, Any]:
        if isinstance(obj, dict) and ("result" in obj) != isinstance(obj.get("error"), dict):
            return obj
        raise rpc.RpcError(rpc.UPSTREAM_UNAVAILABLE, "the upstream sent an invalid response")

    async def _message(self, msg: Any, client_token: Any) -> dict[str, Any] | None:
        """Handle one message of the call's stream; the response once it arrives."""
        if not isinstance(msg, dict):
            return None
        method = msg.get("method")
        if not isinstance(method, str):
            return self._reply(msg) if msg.get("id") == self.rid else None
        if "id" in msg:  # a request from the upstream to the client, answered beside
            assert self._nursery is not None
            self._nursery.start_soon(self._answer, msg)
            return None
        if method in _LIST_CHANGED:
            self.on_list_changed()
        elif method == "notifications/cancelled":
            await self._withdrawn(msg.get("params"))
        elif self.outbox is None:
            pass
        elif method == "notifications/progress":
            params = msg.get("params")
            if isinstance(params, dict) and client_token is not None:
                out = {**params, "progressToken": client_token}
                await self.outbox.notify({"jsonrpc": "2.0", "method": method, "params": out})
        elif method == "notifications/message":
            await self.outbox.notify(
                {"jsonrpc": "2.0", "method": method, "params": msg.get("params")}
            )
        return None

    async def _answer(self, request: dict[str, Any]) -> None:
        rid = request.get("id")
        if self.outbox is None:
            reply = _error_reply(
                rid, rpc.METHOD_NOT_FOUND, "The client cannot receive requests on this call"
            )
        else:
            client_id = f"gw-{secrets.token_hex(8)}"
            with trio.CancelScope() as cancel_scope:
                self.asking[rid] = (client_id, cancel_scope)
                try:
                    method = str(request["method"])
                    answer = await self.outbox.ask(method, request.get("params"), client_id)
                finally:
                    self.asking.pop(rid, None)
            if cancel_scope.cancelled_caught:
                return  # withdrawn by the upstream: it expects no answer
            reply = {"jsonrpc": "2.0", "id": rid}
            if isinstance(answer.get("error"), dict):
                reply["error"] = answer["error"]
            else:
                reply["result"] = answer.get("result", {})
        try:
            await _post(self.http, self.link, reply)
        except httpx.HTTPError:
            pass  # the call's own stream reports a broken upstream

    async def _withdrawn(self, params: Any) -> None:
        """The upstream cancelled a request it put to the client: tell the client."""
        if not isinstance(params, dict) or params.get("requestId") not in self.asking:
            return
        client_id, cancel_scope = self.asking[params["requestId"]]
        cancel_scope.cancel()
        if self.outbox is not None:
            note_params = {"requestId": client_id}
            if isinstance(params.get("reason"), str):
                note_params["reason"] = params["reason"]
            note = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": note_params}
            await self.outbox.notify(note)
