"""Response headers every surface shares: SSE headers and the decision headers.

One place for them, so a stream from an upstream, a plugin's answer and a cache
hit carry the same ``content-type``/``cache-control``/``x-accel-buffering`` and
the same ``x-routeiq-*`` decision headers.
"""

from __future__ import annotations

import time

import orjson

from routeiq.asgi.headers import header_text
from routeiq.asgi.litellm_headers import attempt_headers
from routeiq.asgi.types import RequestContext
from routeiq.errors import RouteIQError

SSE_CONTENT_TYPE = b"text/event-stream; charset=utf-8"  # what OpenAI's API sends
_NO_BUFFERING = [(b"cache-control", b"no-cache"), (b"x-accel-buffering", b"no")]
SSE_HEADERS = [(b"content-type", SSE_CONTENT_TYPE), *_NO_BUFFERING]
# A2A and MCP streams: the official MCP client compares the content type to
# "text/event-stream" exactly (mcp/client/streamable_http.py), so no charset.
PROTOCOL_SSE_HEADERS = [(b"content-type", b"text/event-stream"), *_NO_BUFFERING]


def decision_headers(ctx: RequestContext) -> list[tuple[bytes, bytes]]:
    """``x-routeiq-request-ms``, ``-attempts``, ``-model``, ``-deployment``, ``-route``."""
    ms = (time.perf_counter() - ctx.started) * 1000.0
    out = [(b"x-routeiq-request-ms", b"%.2f" % ms)]
    if ctx.attempts:
        out.append((b"x-routeiq-attempts", b"%d" % ctx.attempts))
    if ctx.model is not None:
        out.append((b"x-routeiq-model", header_text(ctx.model)))
    if ctx.deployment is not None:
        out.append((b"x-routeiq-deployment", header_text(ctx.deployment)))
    if ctx.group is not None:
        out.extend(attempt_headers(ctx))
    if ctx.route is not None:
        out.append((b"x-routeiq-route", ctx.route))
    return out


def sse_error_event(err: RouteIQError) -> bytes:
    """An error told in-band on an OpenAI-format stream whose headers are gone."""
    return b"data: " + orjson.dumps(err.body()) + b"\n\n"
