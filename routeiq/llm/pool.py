"""httpcore's connection pool with bookkeeping that does not grow with the pool.

httpcore 1.0.9 (pinned through httpx) re-examines the whole pool whenever a
request starts or ends: it asks every connection ``has_expired()``, which for
an idle one polls its socket (one syscall each), and its surplus-idle test
builds a list of all connections once per connection (quadratic). A proxy
under concurrent load keeps as many upstream connections as it has requests in
the upstream stage (about 20 at 32 concurrent clients in bench/hot_path.py),
so that pass became the one cost per request that grew with concurrency: a
py-spy profile of the gateway put 0.24 samples per request in httpcore's pool
at concurrency 1 and 0.41 at concurrency 32, most of it in that pass.

``LeanConnectionPool`` keeps httpcore's connections, request queue, locking and
I/O, and replaces only ``_assign_requests_to_connections``:

* one pass over the connections drops closed ones and closes idle ones beyond
  ``max_keepalive_connections``;
* an idle connection's socket is polled when it is about to be handed out
  (only that one) and in a sweep of all idle connections started at most once
  per ``sweep_interval`` (so idle connections past ``keepalive_expiry`` or closed
  by the server still go, a little later); a sweep polls at most
  ``sweep_batch`` sockets per pass and resumes in the next pass, so no single
  request's step pays for polling the whole pool (at 128 idle connections a
  one-pass sweep was the largest part of the gateway's costliest request steps
  in a profiled soak);
* a connection is handed to at most one queued request per pass;
* a request that fails on a *reused* keep-alive connection before any byte of
  the answer arrived is sent once more, on a new connection (``_retry_stale``).
  That is the keep-alive race: the upstream (or a proxy) closes an idle
  connection just as the gateway reuses it; the socket poll before reuse cannot
  see a close that is still in flight. The request never reached a live server,
  so the retry is transparent: the caller (and the deployment's breaker) sees
  only the second attempt. Never on a new connection, never after answer bytes,
  never for a body that cannot be replayed (a streamed upload).
"""

from __future__ import annotations

import time
from typing import Any

import httpcore
import httpx
from httpcore._async.interfaces import AsyncConnectionInterface

from routeiq.llm.coalesce import CoalescingBackend, CoalescingStream

__all__ = ["LeanConnectionPool", "lean_transport"]

# Request extensions this pool keeps while it handles a request (popped after).
_ATTEMPT = "routeiq.pool.attempt"  # (the connection, whether it was reused)
_FRESH = "routeiq.pool.fresh"  # the retry: a new connection only
# How a closed keep-alive connection fails: EOF instead of an answer (httpcore's
# "Server disconnected without sending a response"), a reset on read or write.
_STALE_ERRORS = (httpcore.RemoteProtocolError, httpcore.ReadError, httpcore.WriteError)


class LeanConnectionPool(httpcore.AsyncConnectionPool):
    sweep_interval = 1.0
    sweep_batch = 16
    _next_sweep = 0.0
    _sweep_at = -1  # where the sweep in progress resumes in _connections; -1: none

    @classmethod
    def adopt(cls, pool: httpcore.AsyncConnectionPool) -> LeanConnectionPool:
        """Turn a freshly built httpcore pool (all its settings kept) into this class."""
        if type(pool) is not httpcore.AsyncConnectionPool:
            raise TypeError(f"expected httpcore.AsyncConnectionPool, got {type(pool).__name__}")
        pool.__class__ = cls
        assert isinstance(pool, cls)
        # Each request leaves in one socket write (routeiq/llm/coalesce.py).
        pool._network_backend = CoalescingBackend(pool._network_backend)
        return pool

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        try:
            return await super().handle_async_request(request)
        except _STALE_ERRORS:
            if not _retry_stale(request):
                raise
        finally:
            request.extensions.pop(_ATTEMPT, None)
        request.extensions[_FRESH] = True
        try:
            return await super().handle_async_request(request)
        finally:
            request.extensions.pop(_FRESH, None)
            request.extensions.pop(_ATTEMPT, None)

    def _assign_requests_to_connections(self) -> list[AsyncConnectionInterface]:
        closing: list[AsyncConnectionInterface] = []
        now = time.monotonic()
        if self._sweep_at < 0 and now >= self._next_sweep:
            self._next_sweep = now + self.sweep_interval
            self._sweep_at = 0
        start, resume, budget = self._sweep_at, -1, self.sweep_batch
        kept: list[AsyncConnectionInterface] = []
        idle = 0
        for i, conn in enumerate(self._connections):
            if conn.is_closed():
                continue
            if conn.is_idle():
                if idle >= self._max_keepalive_connections:
                    closing.append(conn)
                    continue
                if 0 <= start <= i and resume < 0:
                    if budget:
                        budget -= 1
                        if conn.has_expired():  # polls this one socket
                            closing.append(conn)
                            continue
                    else:
                        resume = len(kept)  # this one is the next pass's first
                idle += 1
            kept.append(conn)
        self._connections = kept
        if start >= 0:
            self._sweep_at = resume  # -1 when this pass reached the end

        # Queued requests are matched against an index of the available
        # connections by origin, built once per pass: scanning every connection
        # for every queued request was quadratic once requests queued for a full
        # pool (1,000 in flight over 512 connections: up to 37 ms of CPU in one
        # pass, 86% of the gateway's CPU in a py-spy profile of the soak).
        free: dict[Key | None, list[AsyncConnectionInterface]] | None = None
        for pool_request in self._requests:
            if not pool_request.is_queued():
                continue
            request = pool_request.request
            origin = request.url.origin
            if free is None:
                free = self._free_by_origin()
            chosen = None
            if not request.extensions.get(_FRESH):
                chosen = self._take(free.get(_key(origin)), closing) or self._take_other(
                    free.get(None), origin, closing
                )
            reused = chosen is not None
            if chosen is None:
                if len(self._connections) >= self._max_connections:
                    spare = _spare_idle(free)
                    if spare is None:
                        if not any(free.values()):
                            break  # nothing can be handed out until a connection frees up
                        continue  # stays queued; another origin may still have one
                    self._connections.remove(spare)
                    closing.append(spare)
                chosen = self.create_connection(origin)
                self._connections.append(chosen)
            request.extensions[_ATTEMPT] = (chosen, reused)
            pool_request.assign_to_connection(chosen)
        return closing

    def _free_by_origin(self) -> dict[Key | None, list[AsyncConnectionInterface]]:
        """The available connections by origin, each listed once (so it is handed to
        at most one request per pass), the most recently added last. Connections
        of a kind with no ``_origin`` (proxies) are listed under ``None``."""
        free: dict[Key | None, list[AsyncConnectionInterface]] = {}
        for conn in self._connections:
            if conn.is_available():
                origin = getattr(conn, "_origin", None)
                free.setdefault(None if origin is None else _key(origin), []).append(conn)
        return free

    def _take_other(
        self,
        candidates: list[AsyncConnectionInterface] | None,
        origin: Any,
        closing: list[AsyncConnectionInterface],
    ) -> AsyncConnectionInterface | None:
        for i, conn in enumerate(candidates or ()):
            if conn.can_handle_request(origin):
                assert candidates is not None
                return self._take([candidates.pop(i)], closing)
        return None

    def _take(
        self,
        candidates: list[AsyncConnectionInterface] | None,
        closing: list[AsyncConnectionInterface],
    ) -> AsyncConnectionInterface | None:
        while candidates:
            conn = candidates.pop()
            if conn.is_idle() and conn.has_expired():  # polls this one socket
                self._connections.remove(conn)
                closing.append(conn)
                continue
            return conn
        return None


def _retry_stale(request: httpcore.Request) -> bool:
    """Whether a request that just failed may go once more on a new connection:
    its connection was a reused one, no byte of an answer had arrived on it, and
    its body can be sent again (bytes, not a one-shot stream)."""
    attempt = request.extensions.get(_ATTEMPT)
    if attempt is None or request.extensions.get(_FRESH):
        return False
    conn, reused = attempt
    if not reused or not isinstance(request.stream, httpx.ByteStream):
        return False
    stream = getattr(getattr(conn, "_connection", None), "_network_stream", None)
    return isinstance(stream, CoalescingStream) and stream.received == 0


Key = tuple[bytes, bytes, int]


def _key(origin: Any) -> Key:
    return (origin.scheme, origin.host, origin.port)


def _spare_idle(
    free: dict[Key | None, list[AsyncConnectionInterface]],
) -> AsyncConnectionInterface | None:
    """An idle connection (of another origin) to close to make room, taken out of
    the index."""
    for conns in free.values():
        for i, conn in enumerate(conns):
            if conn.is_idle():
                return conns.pop(i)
    return None


def lean_transport(**kwargs: Any) -> httpx.AsyncHTTPTransport:
    """``httpx.AsyncHTTPTransport(**kwargs)`` whose pool is a ``LeanConnectionPool``."""
    transport = httpx.AsyncHTTPTransport(**kwargs)
    transport._pool = LeanConnectionPool.adopt(transport._pool)
    return transport
