"""``TranslatedExchange``: one call to a translated deployment, relayed to one client.

It is an :class:`~routeiq.llm.proxy.Exchange` (same ``run(receive, deadline)``,
``AttemptResult``, disconnect watcher, deadline and
error handling); only the exchange itself differs: the OpenAI-format request
is translated by the deployment's adapter, sent with our httpx client, and
the provider's answer is translated back before anything reaches the client:

- not streamed: the whole answer becomes a ``chat.completion`` body; its cost
  goes in the ``x-routeiq-response-cost`` header;
- streamed: each piece of the provider's stream is parsed as it arrives and
  the resulting ``chat.completion.chunk`` events are sent at once, then
  ``data: [DONE]``; the cost follows as an SSE comment
  (``: x-routeiq-response-cost=<usd>``), which clients ignore, since headers
  are long gone when the usage arrives;
- a provider without a streaming parser is asked for a whole answer, sent
  as a stream of two chunks (content, finish).

Request translation (and whole-answer translation) runs in a worker thread
for adapters measured slow at start-up (``adapter.offload``, see
``runtime.OFFLOAD_ABOVE``); stream events are parsed inline (~60-80 us each).
"""

from __future__ import annotations

from typing import Any

import httpx
import trio

from routeiq.asgi.response_headers import decision_headers
from routeiq.asgi.types import RequestContext, Send
from routeiq.errors import BadRequest, RouteIQError
from routeiq.llm.proxy import Exchange, read_limited, release
from routeiq.llm.translated.adapters import Adapter, Call, response_error
from routeiq.llm.translated.chunks import ChunkWriter
from routeiq.llm.upstream import Target, map_status
from routeiq.pricing.breakdown import cost_headers

COST_COMMENT = b": x-routeiq-response-cost="


class TranslatedExchange(Exchange):
    """See the module docstring. ``req`` is the client's parsed body (not modified)."""

    def __init__(
        self,
        adapter: Adapter,
        target: Target,
        endpoint: str,
        req: dict[str, Any],
        ctx: RequestContext,
        send: Send,
        **options: Any,
    ) -> None:
        """``options``: the keyword arguments of :class:`Exchange` (``stream``,
        ``max_error_bytes``, ``on_chunk``, ``pricer``, ``want_id``)."""
        super().__init__(target, endpoint, b"", ctx, send, **options)
        self.adapter = adapter
        self.req = req

    async def _exchange(self) -> None:
        adapter = self.adapter
        if self.endpoint != "chat":
            raise BadRequest(
                f"Deployments of provider {adapter.provider!r} serve chat completions only"
            )
        if adapter.offload:  # slow for this provider: off the event loop (see runtime)
            call = await trio.to_thread.run_sync(
                adapter.prepare, self.req, self.stream, limiter=adapter.limiter
            )
        else:
            call = adapter.prepare(self.req, self.stream)
        headers = dict(call.headers)
        headers["x-request-id"] = self.ctx.request_id
        if self.ctx.trace is not None:
            self.ctx.trace.propagate(headers)
        client = self.target.client
        request = client.build_request("POST", call.url, content=call.body, headers=headers)
        response = await client.send(request, stream=True)
        try:
            if response.status_code >= 400:
                body = await read_limited(response, self.max_error_bytes)
                raise map_status(response.status_code, body, response.headers.get("retry-after"))
            if not self.stream:
                await self._relay_whole_translated(call, response)
            elif call.upstream_stream:
                await self._relay_stream_translated(call, response)
            else:
                await self._relay_emulated_stream(call, response)
        finally:
            await response.aclose()
            release(response)

    def _price(self, usage: dict[str, Any] | None) -> bytes | None:
        if self.pricer is None:
            return None
        self.ctx.cost, value = self.pricer.header(usage)
        return value

    async def _relay_whole_translated(self, call: Call, response: httpx.Response) -> None:
        await response.aread()
        adapter = self.adapter
        if adapter.offload:
            body, usage = await trio.to_thread.run_sync(
                adapter.body, call, response, limiter=adapter.limiter
            )
        else:
            body, usage = adapter.body(call, response)
        self.usage = usage
        if self.on_chunk is not None:
            body = await self.on_chunk.whole(body)
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        headers.extend(decision_headers(self.ctx))
        headers.extend(self.relayed(response))
        if self.pricer is not None:  # the cost and LiteLLM's breakdown of it
            self.ctx.cost, priced = cost_headers(self.pricer, usage)
            headers.extend(priced)
        await self._send_whole(response.status_code, headers, body)

    async def _relay_stream_translated(self, call: Call, response: httpx.Response) -> None:
        await self._start_stream(response.status_code, self.relayed(response))
        decoder = self.adapter.decoder(call)
        writer = ChunkWriter(call.model, include_usage=call.include_usage)
        provider = self.adapter.provider
        hook = self.on_chunk
        emit = self.emit
        async for piece in response.aiter_raw():
            try:
                out = b"".join([writer.convert(item) for item in decoder.feed(piece)])
            except RouteIQError:
                raise
            except Exception as exc:  # litellm raises the provider's in-stream errors
                raise response_error(provider, exc) from exc
            if not out:
                continue
            if hook is not None:
                out = await hook.chunk(out)
                if not out:
                    continue
            self.keep_block(out)
            await emit(out)
        try:
            rest = b"".join([writer.convert(item) for item in decoder.end()]) + writer.end()
        except Exception as exc:
            raise response_error(provider, exc) from exc
        await self._end_stream(rest, writer.usage)

    async def _relay_emulated_stream(self, call: Call, response: httpx.Response) -> None:
        await response.aread()
        try:
            model_response = self.adapter.parse(call, response)
            writer = ChunkWriter(call.model, include_usage=call.include_usage)
            out = writer.whole(model_response) + writer.end()
        except Exception as exc:
            raise response_error(self.adapter.provider, exc) from exc
        await self._start_stream(response.status_code, self.relayed(response))
        await self._end_stream(out, writer.usage)

    async def _end_stream(self, rest: bytes, usage: dict[str, Any] | None) -> None:
        hook = self.on_chunk
        if hook is not None:
            rest = (await hook.chunk(rest) if rest else b"") + await hook.end()
        self.usage = usage
        if b'"finish_reason"' in rest:
            self.last_block = rest
        value = self._price(usage)
        if value is not None:
            rest += COST_COMMENT + value + b"\n\n"
        if rest:
            await self.emit(rest)
        self.finished = True
        await self.send({"type": "http.response.body", "body": b"", "more_body": False})
