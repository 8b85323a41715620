"""The chat path's ``mock_response`` stage (LiteLLM's test answers; see
``compat/mock_response.py``): answers when the request carries the field, else passes."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import orjson

from routeiq.api.flow import Flow
from routeiq.asgi.respond import send_bytes
from routeiq.asgi.response_headers import SSE_CONTENT_TYPE, SSE_HEADERS, decision_headers
from routeiq.compat.mock_response import FIELD, mock_completion
from routeiq.errors import RouteIQError
from routeiq.llm.replay import completion_events
from routeiq.llm.stream_usage import wants_usage

if TYPE_CHECKING:
    from routeiq.gateway import Gateway

_SSE_REST = [h for h in SSE_HEADERS if h[0] != b"content-type"]


class MockResponseStage:
    """Answers a request with ``mock_response`` without calling a deployment (after the
    guardrails, before the cache: a made-up answer is never stored or served from it)."""

    def __init__(self, gw: Gateway) -> None:
        self.gw = gw  # its router is read per request: a reload may replace it

    async def enter(self, flow: Flow) -> bool:
        if FIELD not in flow.req:  # one dict lookup on every other request
            return False
        router = self.gw.router
        router.group(router.resolver.canonical(flow.model))  # 404 for an unknown model
        ctx = flow.ctx
        body = mock_completion(flow.req, flow.model, ctx.request_id, int(time.time()))
        ctx.status = 200
        headers = decision_headers(ctx)
        if flow.stream:
            sse = completion_events(body, include_usage=wants_usage(flow.req))
            await send_bytes(flow.send, 200, sse, SSE_CONTENT_TYPE, [*_SSE_REST, *headers])
        else:
            flow.body = raw = orjson.dumps(body)
            await send_bytes(flow.send, 200, raw, b"application/json", headers)
        return True

    def leave(self, flow: Flow, error: RouteIQError | None) -> None:
        return None
