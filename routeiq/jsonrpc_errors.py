"""A gateway error as a JSON-RPC error object, for the JSON-RPC endpoints (``/mcp``,
``POST /a2a/{agent}``): what the middleware answers there before the route runs (a
missing key, a body over the limit or too slow, backpressure, a policy denial) comes
out in the surface's own shape, as the routes' errors do. The HTTP status stays; the
gateway's OpenAI-style ``type`` and ``code`` ride in ``error.data``."""

from __future__ import annotations

from routeiq import jsonrpc as rpc
from routeiq.errors import RouteIQError


def _code(status: int) -> int:
    if status == 429:
        return rpc.RATE_LIMITED
    if status == 504:
        return rpc.UPSTREAM_TIMEOUT
    if status >= 500:
        return rpc.UPSTREAM_UNAVAILABLE if status == 503 else rpc.INTERNAL_ERROR
    return rpc.INVALID_REQUEST


def error_body(err: RouteIQError) -> bytes:
    """``err`` as ``{"jsonrpc": "2.0", "id": null, "error": {...}}`` (no request id
    is known: the body was not read, or not parsed)."""
    data = {"type": err.type, "code": err.code, "status": err.status}
    return rpc.error_bytes(None, _code(err.status), err.message, data)
