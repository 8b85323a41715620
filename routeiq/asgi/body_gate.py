"""Read the whole request body, under its own deadline, before anything counts it.

A client that sends headers and then trickles (or never finishes) its body
must not hold an in-flight slot: 40 such sockets used to keep every other
request at 503. This middleware sits before policy and backpressure, reads
the body under ``routeiq.server.body_timeout`` (408 with ``Connection:
close`` when it expires; 413 past the size limit, before reading more) and
hands the rest of the chain a ``receive`` that replays it at once. Only then
does backpressure admit the request. A slow body costs its socket and at
most ``limit`` bytes, nothing shared. Paths in ``streamed`` (uploads relayed as
they arrive, e.g. ``/v1/audio/transcriptions``) pass through unread: their handler
bounds each piece's wait and the total size itself.
"""

from __future__ import annotations

import trio

from routeiq.asgi.body import read_body, replay
from routeiq.asgi.respond import send_error
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send
from routeiq.errors import ClientClosed, RequestTimeout, RouteIQError

CLOSE = [(b"connection", b"close")]


class BodyGate:
    def __init__(
        self, app: ASGIApp, limit: int, timeout: float, streamed: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout
        self.streamed = streamed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.streamed:
            await self.app(scope, receive, send)
            return
        try:
            with trio.fail_after(self.timeout):
                body = await read_body(scope, receive, self.limit)
        except trio.TooSlowError:
            err = RequestTimeout(f"The request body did not arrive within {self.timeout:g} s")
            await send_error(send, err, CLOSE)
            return
        except ClientClosed:
            return
        except RouteIQError as err:  # 413, bad Content-Length: the rest is not read
            await send_error(send, err, CLOSE)
            return
        await self.app(scope, replay(body, receive), send)
