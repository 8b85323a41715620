"""Backpressure and drain (pure ASGI).

Over ``max_in_flight`` the next request gets 503 with ``Retry-After`` at
once, never after waiting in a queue. While draining, every new request gets
503 with ``Connection: close``. Health endpoints are exempt from both.

Each admitted request runs in a cancel scope the :class:`Lifecycle` can
cancel when the drain deadline passes; the request then ends cleanly rather
than being torn off the socket: a stream that had begun gets a final SSE
event ``{"error": {"type": "server_shutting_down", ...}}`` and its end, a
request that had sent nothing gets a 503 in the same shape.
"""

from __future__ import annotations

import trio

from routeiq.asgi.respond import send_error
from routeiq.asgi.types import ASGIApp, Message, Receive, Scope, Send
from routeiq.errors import Draining, Overloaded, ShuttingDown
from routeiq.lifecycle import Lifecycle

SSE = b"text/event-stream"
CUT_MESSAGE = "The gateway is shutting down and its drain deadline passed; retry elsewhere"


class _Progress:
    __slots__ = ("ended", "sse", "started")

    def __init__(self) -> None:
        self.started = False
        self.sse = False
        self.ended = False


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
        progress = _Progress()

        async def tracked(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                progress.started = True
                for k, v in message.get("headers", ()):
                    if k == b"content-type":
                        progress.sse = v.startswith(SSE)
            elif kind == "http.response.body" and not message.get("more_body", False):
                progress.ended = True
            await send(message)

        cut = trio.CancelScope()
        lc.track(cut)
        try:
            with cut:
                await self.app(scope, receive, tracked)
            if cut.cancelled_caught and not progress.ended:
                await self._end_cut(send, progress)
        finally:
            lc.untrack(cut)
            lc.leave()

    async def _end_cut(self, send: Send, progress: _Progress) -> None:
        err = ShuttingDown(CUT_MESSAGE, headers={"retry-after": self.retry_after})
        if not progress.started:
            await send_error(send, err, [(b"connection", b"close")])
            return
        if progress.sse:
            event = b"data: " + err.body_bytes() + b"\n\n"
            await send({"type": "http.response.body", "body": event, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
