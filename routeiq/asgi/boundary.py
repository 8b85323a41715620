"""The one error boundary: a gateway error raised by a route becomes its response here.

The status is recorded for the access log and metrics, and the client gets the
OpenAI-style body (``errors.py``) with the decision headers; a client that went
away is a 499 with nothing sent. The route table (``routeiq.dispatch``) calls it
around every route; :class:`Boundary` puts it around a surface's ASGI app when
that app is served on its own (the A2A and MCP mounts in their tests). Errors of
a protocol's own shape (JSON-RPC on A2A and MCP) are answered inside the
surface and never reach here.
"""

from __future__ import annotations

from routeiq.asgi.respond import send_error
from routeiq.asgi.response_headers import decision_headers
from routeiq.asgi.types import CTX_KEY, ASGIApp, Receive, Scope, Send
from routeiq.errors import ClientClosed, RouteIQError


async def error_boundary(scope: Scope, send: Send, err: RouteIQError) -> None:
    """Answer ``err`` (see the module docstring)."""
    ctx = scope.get(CTX_KEY)
    if ctx is not None:
        ctx.status = 499 if isinstance(err, ClientClosed) else err.status
    if isinstance(err, ClientClosed):
        return
    if ctx is None:
        await send_error(send, err)
        return
    extra = decision_headers(ctx)
    # A request refused after governance admitted it (a guardrail, an upstream error)
    # was counted against its limits: its answer carries their x-ratelimit-* headers
    # as every other answer does (``routeiq.governance.service.Admission.headers``).
    limits = getattr(ctx.admission, "headers", None)
    if limits:
        own = {name.lower().encode("latin-1") for name in err.headers}
        extra = [*extra, *((k, v) for k, v in limits if k not in own)]
    await send_error(send, err, extra)


class Boundary:
    """``app`` with the error boundary around it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except RouteIQError as err:
            await error_boundary(scope, send, err)
