"""One chat request through the cache: lookup, the decision header, capture, store.

Used by ``routeiq.api.openai`` after the guardrails (phases 0-2) and before
routing::

    cached = CacheRequest.begin(gw.cache, ctx, req, scope["headers"], stream=stream)
    if cached is not None:
        if await cached.serve(send):         # a hit was sent: done
            return
        send = cached.wrap_send(send)        # adds x-routeiq-cache, captures the body
    ... route_and_call(...) ...
    cached.finish(ok)                        # stores in the background if ok

A hit's ``model`` field is restamped to the name asked this time (answers are kept
per model group: the first asker may have used an alias), as LiteLLM's proxy names
every answer (``compat/model_stamp.py``); but after a learned route, whose answers
name the model that answered.

The captured bytes are exactly what the client received (after any output
guardrail rewrote them); they are kept only while the response is a 200 and
within ``max_entry_bytes``, and parsed/assembled only in the background store.
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from routeiq.asgi.response_headers import SSE_HEADERS, decision_headers
from routeiq.asgi.types import Message, RequestContext, Send
from routeiq.cache.answer import completion_sse
from routeiq.cache.keys import Headers
from routeiq.cache.service import CacheService, Hit, Query
from routeiq.compat.model_stamp import stamp_body
from routeiq.pricing.breakdown import ZERO_COST_HEADERS

__all__ = ["HEADER", "SIMILARITY_HEADER", "CacheRequest"]

HEADER = b"x-routeiq-cache"
SIMILARITY_HEADER = b"x-routeiq-cache-similarity"
_JSON = b"application/json"


class CacheRequest:
    """See the module docstring."""

    __slots__ = (
        "_capture",
        "_size",
        "ctx",
        "include_usage",
        "outcome",
        "query",
        "restamp",
        "served",
        "service",
        "stream",
    )

    def __init__(
        self,
        service: CacheService,
        ctx: RequestContext,
        query: Query,
        *,
        stream: bool,
        include_usage: bool,
        restamp: bool = True,
    ) -> None:
        self.service = service
        self.restamp = restamp
        self.ctx = ctx
        self.query = query
        self.stream = stream
        self.include_usage = include_usage
        self.outcome = "bypass"
        #: The ``chat.completion`` body of the answer served from cache (on a hit).
        self.served: bytes | None = None
        self._capture: list[bytes] | None = [] if query.store else None
        self._size = 0

    @classmethod
    def begin(
        cls,
        service: CacheService,
        ctx: RequestContext,
        request: dict[str, Any],
        headers: Headers,
        *,
        stream: bool,
        restamp: bool = True,
    ) -> CacheRequest | None:
        """A handle for one chat request, or ``None`` when the cache is off;
        ``restamp`` False leaves a hit's ``model`` as stored (a learned route)."""
        if not service.enabled:
            return None
        options = request.get("stream_options")
        include_usage = isinstance(options, dict) and options.get("include_usage") is True
        query = service.query(ctx, request, headers)
        return cls(service, ctx, query, stream=stream, include_usage=include_usage, restamp=restamp)

    async def serve(self, send: Send) -> bool:
        """Look the request up; on a hit send the cached answer and return True."""
        q = self.query
        stats = self.service.stats
        if not q.lookup:
            stats.outcomes["bypass"] += 1
            return False
        t0 = time.perf_counter()
        hit = await self.service.lookup(q)
        if hit is None:
            self.outcome = "miss"
        else:
            self.outcome = "hit-semantic" if hit.tier == "semantic" else "hit-exact"
        stats.outcomes[self.outcome] += 1
        stats.latency[self.outcome].observe(time.perf_counter() - t0)
        if hit is None:
            return False
        answer = hit.answer.body
        if self.restamp and self.ctx.model:
            answer = stamp_body(answer, orjson.dumps(self.ctx.model))
        self.served = answer
        await self._send_hit(send, hit, answer)
        return True

    async def _send_hit(self, send: Send, hit: Hit, answer: bytes) -> None:
        headers = decision_headers(self.ctx)
        headers.append((HEADER, self.outcome.encode()))
        if self.service.priced(self.query.model):  # cost 0, as LiteLLM says on a hit
            headers.extend(ZERO_COST_HEADERS)
        if hit.similarity is not None:
            headers.append((SIMILARITY_HEADER, b"%.4f" % hit.similarity))
        if self.stream:
            body = completion_sse(answer, include_usage=self.include_usage)
            headers = [*SSE_HEADERS, *headers]
        else:
            body = answer
            headers = [(b"content-type", _JSON), *headers]
        headers.append((b"content-length", b"%d" % len(body)))
        self.ctx.status = 200
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    def wrap_send(self, send: Send) -> Send:
        """``send`` plus the decision header and, when storable, a bounded capture."""
        value = self.outcome.encode()
        limit = self.service.settings.max_entry_bytes

        async def cache_send(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (HEADER, value)]
                if message.get("status") != 200:
                    self._capture = None
            elif kind == "http.response.body" and self._capture is not None:
                body = message.get("body", b"")
                if body:
                    self._size += len(body)
                    if self._size > limit:
                        self._capture = None
                        self.service.stats.store_skipped["too-large"] += 1
                    else:
                        self._capture.append(bytes(body))
            await send(message)

        return cache_send

    def finish(self, ok: bool) -> None:
        """After the response: store it (in the background) if it ended well."""
        capture, self._capture = self._capture, None
        if ok and capture and self.ctx.status == 200:
            self.service.spawn_store(self.query, b"".join(capture), stream=self.stream)
