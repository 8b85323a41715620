"""Backpressure and drain (pure ASGI).

Over ``max_in_flight`` the next request gets 503 with ``Retry-After`` at
once, never after waiting in a queue. While draining, every new request gets
503 with ``Connection: close``. Health endpoints are exempt from both.
"""

from __future__ import annotations

from routeiq.asgi.respond import send_error
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send
from routeiq.errors import Draining, Overloaded
from routeiq.lifecycle import Lifecycle


class BackpressureMiddleware:
    def __init__(
        self, app: ASGIApp, lifecycle: Lifecycle, exempt: frozenset[str], retry_after: int
    ) -> None:
        self.app = app
        self.lifecycle = lifecycle
        self.exempt = exempt
        self.retry_after = str(retry_after)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        lc = self.lifecycle
        if lc.draining:
            lc.rejected_draining += 1
            err = Draining(
                "The gateway is shutting down; retry on another instance",
                headers={"retry-after": self.retry_after},
            )
            await send_error(send, err, [(b"connection", b"close")])
            return
        if not lc.try_enter():
            err2 = Overloaded(
                "Too many requests in flight; retry shortly",
                headers={"retry-after": self.retry_after},
            )
            await send_error(send, err2)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            lc.leave()
