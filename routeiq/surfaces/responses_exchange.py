"""One pass-through call to an upstream's own Responses API, relayed as it arrives.

The chat pass-through :class:`~routeiq.llm.proxy.Exchange` with two differences:
the usage is the Responses API's (``input_tokens``/``output_tokens``, on the whole
object or in the ``response.completed``/``.incomplete``/``.failed`` event), renamed
to the chat names the pricer, governance and telemetry read; and the response id
is handed to ``on_id`` before the bytes that carry it go out, so a client that
reads it can retrieve or continue the response at once (the gateway has already
noted which deployment holds it). The bytes themselves are relayed untouched,
event by event; a priced stream ends with the cost as an SSE comment, as chat does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
import orjson

from routeiq.llm.attempt import response_id_in
from routeiq.llm.proxy import Exchange, decision_headers
from routeiq.llm.sse import SSEFramer, event_data
from routeiq.pricing.breakdown import cost_headers
from routeiq.pricing.cost import usage_in_body

_USAGE = b'"usage"'


def chat_usage(usage: Any) -> dict[str, Any] | None:
    """A Responses ``usage`` object with the chat names (``prompt_tokens``...)."""
    if not isinstance(usage, Mapping):
        return None
    i, o = usage.get("input_tokens"), usage.get("output_tokens")
    if not isinstance(i, int) and not isinstance(o, int):
        return None
    i = i if isinstance(i, int) else 0
    o = o if isinstance(o, int) else 0
    total = usage.get("total_tokens")
    out: dict[str, Any] = {}
    # Anthropic's input_tokens leave out cache reads and writes; the pricer counts
    # them apart from prompt_tokens under these names.
    for name in ("cache_read_input_tokens", "cache_creation_input_tokens"):
        n = usage.get(name)
        if isinstance(n, int) and n > 0:
            out[name] = n
            i += n
    out |= {
        "prompt_tokens": i,
        "completion_tokens": o,
        "total_tokens": total if isinstance(total, int) else i + o,
    }
    details = usage.get("input_tokens_details")
    cached = details.get("cached_tokens") if isinstance(details, Mapping) else None
    if isinstance(cached, int) and cached > 0:
        out["prompt_tokens_details"] = {"cached_tokens": cached}
    return out


def usage_in_events(block: bytes) -> dict[str, Any] | None:
    """The (chat-named) usage of a final Responses event in ``block``, if one is there."""
    if _USAGE not in block:
        return None
    found = None
    for data in event_data(block):
        if _USAGE not in data:
            continue
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError:
            continue
        resp = obj.get("response") if isinstance(obj, dict) else None
        if isinstance(resp, dict):
            usage = chat_usage(resp.get("usage"))
            if usage is not None:
                found = usage
    return found


class NativeResponsesExchange(Exchange):
    """See the module docstring; ``on_id(response_id)`` is awaited once per answer."""

    def __init__(
        self, *args: Any, on_id: Callable[[str], Awaitable[None]] | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.on_id = on_id

    async def _noted(self, body: bytes) -> None:
        rid = response_id_in(body)
        self.response_id = rid
        if rid is not None and self.on_id is not None:
            await self.on_id(rid)

    async def emit(self, body: bytes) -> None:
        if self.first_body_at is None:
            await self._noted(body)
        await super().emit(body)

    async def _relay_whole(self, response: httpx.Response) -> None:
        body = await response.aread()
        ctype = response.headers.get("content-type", "application/json").encode("latin-1")
        headers = [(b"content-type", ctype), (b"content-length", b"%d" % len(body))]
        headers.extend(decision_headers(self.ctx))
        headers.extend(self.relayed(response))
        self.usage = chat_usage(usage_in_body(body))
        if self.pricer is not None:
            self.ctx.cost, priced = cost_headers(self.pricer, self.usage)
            headers.extend(priced)
        await self._noted(body)
        self.want_id = False  # noted above: _send_whole need not look again
        await self._send_whole(response.status_code, headers, body)

    async def _relay_stream(self, response: httpx.Response) -> None:
        await self._start_stream(response.status_code, self.relayed(response))
        framer = SSEFramer()
        async for piece in response.aiter_raw():
            for block in framer.feed(piece):
                usage = usage_in_events(block)
                if usage is not None:
                    self.usage = usage
                self.keep_block(block)
                await self.emit(block)
        rest = framer.flush()
        if rest:
            usage = usage_in_events(rest)
            if usage is not None:
                self.usage = usage
        if self.pricer is not None and self.usage is not None:
            self.ctx.cost, cost = self.pricer.header(self.usage)
            if cost is not None:
                rest += b": x-routeiq-response-cost=" + cost + b"\n\n"
        if rest:
            await self.emit(rest)
        self.finished = True
        await self.send({"type": "http.response.body", "body": b"", "more_body": False})
