"""Forward one request upstream and relay the answer as it arrives.

The upstream exchange and a watcher of the client's connection run as
siblings in one nursery: if the client disconnects, the watcher cancels the
exchange at once, which closes the upstream connection (httpx closes the
stream on cancellation). Everything runs under one overall deadline.

Streaming is relayed event by event: each complete SSE event is sent to the
client as soon as its terminating blank line arrives. Nothing is buffered.
"""

from __future__ import annotations

from typing import Any, Protocol

import httpx
import trio

from routeiq.asgi.disconnect import watch_disconnect
from routeiq.asgi.response_headers import SSE_HEADERS, decision_headers, sse_error_event
from routeiq.asgi.types import Receive, RequestContext, Send
from routeiq.compat.model_stamp import StreamStamper, stamp_body, stamp_for
from routeiq.errors import ClientClosed, RouteIQError, UpstreamTimeout
from routeiq.llm.attempt import AttemptResult, response_id_in, total_tokens
from routeiq.llm.passthrough import passthrough_headers
from routeiq.llm.sse import SSEFramer, usage_from_block
from routeiq.llm.stream_usage import strip_usage as strip_usage_event
from routeiq.llm.upstream import Target, map_status, map_transport_error
from routeiq.pricing.breakdown import cost_headers
from routeiq.pricing.cost import Pricer, usage_in_body

__all__ = [
    "SSE_HEADERS",
    "ChunkHook",
    "Exchange",
    "decision_headers",
    "read_limited",
    "release",
    "sse_error_event",
]


class ChunkHook(Protocol):
    """Sees the output before it is forwarded (the plugin pipeline's output guard).

    ``chunk`` gets each complete SSE block of a stream and returns the bytes
    to forward now (possibly rewritten, possibly b"" to hold them back);
    ``end`` returns what it still holds when the upstream stream ends;
    ``whole`` gets a successful non-streamed body before its headers are sent.
    Raising a RouteIQError ends the response: an SSE error event on a
    stream, the error itself before anything was sent.
    """

    async def chunk(self, block: bytes) -> bytes: ...

    async def end(self) -> bytes: ...

    async def whole(self, body: bytes) -> bytes: ...


class Exchange:
    """One upstream call relayed to one client; ``run`` returns its :class:`AttemptResult`."""

    def __init__(
        self,
        target: Target,
        endpoint: str,
        payload: bytes,
        ctx: RequestContext,
        send: Send,
        *,
        stream: bool,
        max_error_bytes: int,
        on_chunk: ChunkHook | None = None,
        pricer: Pricer | None = None,
        strip_usage: bool = False,
        want_id: bool = False,
    ) -> None:
        self.target = target
        self.endpoint = endpoint
        self.payload = payload
        self.ctx = ctx
        self.send = send
        self.stream = stream
        self.max_error_bytes = max_error_bytes
        self.on_chunk = on_chunk
        self.pricer = pricer  # prices the usage: x-routeiq-response-cost (routeiq.pricing)
        self.started = False  # the response start went to the client: never retried
        self.finished = False  # the final body message is being sent: a disconnect now is normal
        self.client_gone = False
        self.usage: dict[str, Any] | None = None
        self.response_body: bytes | None = None
        # The upstream was asked for usage that the client did not ask for (stream_usage.py).
        self.strip_usage = strip_usage
        self.want_id = want_id  # find the response id (previous_response_id affinity, learned)
        self.response_id: str | None = None
        self.t0 = 0.0
        self.first_body_at: float | None = None
        # A stream's first and last blocks, for the attempt's span (read after the response).
        self.first_block: bytes | None = None
        self.last_block: bytes | None = None
        # The answer's "model" as LiteLLM's proxy returns it (compat/model_stamp.py).
        self.stamp = (
            stamp_for(
                ctx.model,
                ctx.group,
                fallbacks=ctx.fallbacks,
                stream=stream,
                learned_route=ctx.route is not None,
            )
            if endpoint in _STAMPED
            else None
        )
        self.stamper = StreamStamper(self.stamp) if stream and self.stamp is not None else None

    async def run(self, receive: Receive, deadline: float) -> AttemptResult:
        """Relay the exchange within ``deadline`` seconds and return its outcome.

        Never raises a gateway error: a failure before the response started is
        returned for the router to retry; one after it is told to the client
        in-band (an SSE error event on a stream) and the body is ended. A client
        disconnect cancels the upstream call at once (sibling watcher) and comes
        back as ``ClientClosed``. Cancellation from outside propagates."""
        failure: RouteIQError | None = None
        self.t0 = trio.current_time()
        async with trio.open_nursery() as nursery:
            nursery.start_soon(self._watch_disconnect, receive, nursery.cancel_scope)
            with trio.move_on_after(deadline) as deadline_scope:
                try:
                    await self._exchange()
                except httpx.HTTPError as exc:
                    failure = map_transport_error(exc)
                except RouteIQError as exc:
                    failure = exc
            if deadline_scope.cancelled_caught:
                failure = UpstreamTimeout(f"The upstream did not answer within {deadline:.3g} s")
            nursery.cancel_scope.cancel()
        if self.client_gone:
            failure = ClientClosed("The client closed the connection")
        elif failure is not None and self.started:
            # Headers are gone: tell a streaming client in-band, then end the body.
            self.ctx.status = failure.status
            if self.stream:
                await self.send(
                    {
                        "type": "http.response.body",
                        "body": sse_error_event(failure),
                        "more_body": True,
                    }
                )
            await self.send({"type": "http.response.body", "body": b"", "more_body": False})
        if failure is not None:
            failure.__traceback__ = None  # kept in the result: no frame <-> error cycle
        return self.result(failure)

    def result(self, error: RouteIQError | None) -> AttemptResult:
        ttft = None
        if self.stream and self.first_body_at is not None:
            ttft = self.first_body_at - self.t0
        return AttemptResult(
            error=error,
            started=self.started,
            ttft=ttft,
            tokens=total_tokens(self.usage),
            response_id=self.response_id,
            usage=self.usage,
            elapsed=trio.current_time() - self.t0,
            body=self.response_body,
            first_block=self.first_block,
            last_block=self.last_block,
        )

    async def emit(self, body: bytes) -> None:
        """Send one piece of a streamed body (noting the first: time to first token)."""
        if self.stamper is not None:
            body = self.stamper(body)
        if self.first_body_at is None:
            self.first_body_at = trio.current_time()
            if self.want_id:
                self.response_id = response_id_in(body)
        await self.send({"type": "http.response.body", "body": body, "more_body": True})

    def keep_block(self, block: bytes) -> None:
        """Keep (a reference to) the first block and the last naming a finish reason."""
        if self.first_block is None:
            self.first_block = block
        if b'"finish_reason"' in block:
            self.last_block = block

    def relayed(self, response: httpx.Response) -> list[tuple[bytes, bytes]]:
        """The upstream's headers passed back to the client (llm/passthrough.py)."""
        return passthrough_headers(response.headers.raw, self.target.provider_headers)

    async def _watch_disconnect(self, receive: Receive, cancel_scope: trio.CancelScope) -> None:
        self.client_gone = await watch_disconnect(receive, cancel_scope, self._is_finished)

    def _is_finished(self) -> bool:
        return self.finished

    async def _exchange(self) -> None:
        t = self.target
        headers = dict(t.headers)
        headers["x-request-id"] = self.ctx.request_id
        if self.ctx.trace is not None:
            self.ctx.trace.propagate(headers)
        request = t.client.build_request(
            "POST", t.urls[self.endpoint], content=self.payload, headers=headers
        )
        response = await t.client.send(request, stream=True)
        try:
            if response.status_code >= 400:
                body = await read_limited(response, self.max_error_bytes)
                raise map_status(response.status_code, body, response.headers.get("retry-after"))
            if self.stream:
                await self._relay_stream(response)
            else:
                await self._relay_whole(response)
        finally:
            await response.aclose()
            release(response)

    async def _relay_whole(self, response: httpx.Response) -> None:
        body = await response.aread()
        if self.on_chunk is not None:
            body = await self.on_chunk.whole(body)
        ctype = response.headers.get("content-type", "application/json").encode("latin-1")
        headers = [(b"content-type", ctype), (b"content-length", b"%d" % len(body))]
        headers.extend(decision_headers(self.ctx))
        headers.extend(self.relayed(response))
        # Usage found from the body's end, not a full parse: microseconds.
        self.usage = usage_in_body(body)
        if self.pricer is not None and response.status_code < 300:
            self.ctx.cost, priced = cost_headers(self.pricer, self.usage)
            headers.extend(priced)
        await self._send_whole(response.status_code, headers, body)

    async def _send_whole(
        self, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        """Send a complete answer (headers already include the decision headers)."""
        if self.stamp is not None and status < 300:
            stamped = stamp_body(body, self.stamp)
            if len(stamped) != len(body):
                length = b"%d" % len(stamped)
                headers = [(k, length if k == b"content-length" else v) for k, v in headers]
            body = stamped
        self.started = True
        self.ctx.status = status
        await self.send({"type": "http.response.start", "status": status, "headers": headers})
        self.finished = True
        if self.want_id:
            self.response_id = response_id_in(body)
        await self.send({"type": "http.response.body", "body": body, "more_body": False})
        self.response_body = body

    async def _start_stream(
        self, status: int, upstream: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        """Send the SSE response start with the decision headers (and the upstream's
        rate-limit headers)."""
        headers = list(SSE_HEADERS)
        headers.extend(decision_headers(self.ctx))
        if upstream:
            headers.extend(upstream)
        self.started = True
        self.ctx.status = status
        await self.send({"type": "http.response.start", "status": status, "headers": headers})

    async def _relay_stream(self, response: httpx.Response) -> None:
        await self._start_stream(response.status_code, self.relayed(response))
        emit = self.emit
        framer = SSEFramer()
        hook = self.on_chunk
        strip = self.strip_usage
        async for piece in response.aiter_raw():
            for block in framer.feed(piece):
                usage = usage_from_block(block)
                if usage is not None:
                    self.usage = usage
                if strip:
                    block = strip_usage_event(block)
                    if not block:
                        continue
                self.keep_block(block)
                if hook is not None:
                    block = await hook.chunk(block)
                    if not block:
                        continue
                await emit(block)
        rest = framer.flush()
        if hook is not None:
            rest = (await hook.chunk(rest) if rest else b"") + await hook.end()
        if self.pricer is not None and self.usage is not None:
            # Headers are gone when usage arrives: the cost follows as an SSE comment.
            self.ctx.cost, cost = self.pricer.header(self.usage)
            if cost is not None:
                rest += b": x-routeiq-response-cost=" + cost + b"\n\n"
        if rest:
            await emit(rest)
        self.finished = True
        await self.send({"type": "http.response.body", "body": b"", "more_body": False})


_STAMPED = frozenset({"chat", "completions", "embeddings"})  # "model" restamped (LiteLLM)
_SPENT = httpx.ByteStream(b"")


def release(response: httpx.Response) -> None:
    """Break httpx's response <-> stream cycle once the response is closed.

    httpx wraps each response's stream in a ``BoundAsyncStream`` that points back
    at the response, so a finished exchange (response, request, headers, URL:
    ~24 objects) is freed only by the cyclic collector, after surviving into
    the older generations under load. Without the cycle, reference counting
    frees it the moment the exchange ends.
    """
    response.stream = _SPENT


async def read_limited(response: httpx.Response, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    async for piece in response.aiter_raw():
        parts.append(piece)
        size += len(piece)
        if size >= limit:
            break
    return b"".join(parts)[:limit]
