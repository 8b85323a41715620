"""Bounded fire-and-forget work: the one helper for "do this after the response".

Work the client must not wait for (cache stores, post-call plugins, shared
breaker and usage writes) runs here instead of in a nursery each component
keeps for itself. The bound is a count of tasks in flight: when it is reached
:meth:`BackgroundWork.spawn` drops the work and counts it, it never blocks the
request that asked (a slow Redis must not turn into slow responses, and an
unbounded queue is the memory leak the old asyncio gateway had)::

    work = BackgroundWork("cache_store", limit=256)
    await nursery.start(work.run)           # in the owner's own ``run``
    work.spawn(store, key, body)            # False (and counted) when full or stopped

A failing task is logged and counted, never propagated: one bad store must not
cancel its siblings or the owner. :meth:`close` stops accepting work and lets
``run`` return once the tasks in flight are done (a reload retires an old
pipeline that way); cancelling ``run`` cancels them (shutdown).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import trio

__all__ = ["BackgroundWork", "bind_metrics"]

log = logging.getLogger("routeiq.background")


class BackgroundWork:
    """At most ``limit`` tasks at once in a nursery this object owns."""

    def __init__(self, name: str, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.name = name
        self.limit = limit
        #: Tasks running now.
        self.pending = 0
        #: Work turned away: full, not started yet, or closed.
        self.dropped = 0
        #: Tasks that raised (logged).
        self.failed = 0
        self._nursery: trio.Nursery | None = None
        self._closing = trio.Event()
        self._idle = trio.Event()

    @property
    def running(self) -> bool:
        return self._nursery is not None

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Host the work until cancelled, or until :meth:`close` and the last task ends."""
        async with trio.open_nursery() as nursery:
            self._nursery = nursery
            task_status.started()
            try:
                await self._closing.wait()
                while self.pending:
                    await self._idle.wait()
                    self._idle = trio.Event()
            finally:
                self._nursery = None

    def close(self) -> None:
        """Accept no more work; ``run`` returns once the tasks in flight have ended."""
        self._closing.set()

    def spawn(self, fn: Callable[..., Awaitable[Any]], *args: Any) -> bool:
        """Start ``fn(*args)`` in the background; never blocks. False (and counted in
        :attr:`dropped`) when ``limit`` tasks are in flight or the work is not running."""
        nursery = self._nursery
        if nursery is None or self.pending >= self.limit or self._closing.is_set():
            self.dropped += 1
            return False
        self.pending += 1
        nursery.start_soon(self._tracked, fn, args)
        return True

    async def _tracked(self, fn: Callable[..., Awaitable[Any]], args: tuple[Any, ...]) -> None:
        try:
            await fn(*args)
        except Exception:
            self.failed += 1
            log.exception("background work %s failed", self.name)
        finally:
            self.pending -= 1
            if not self.pending:
                self._idle.set()


def bind_metrics(meter: Any, works: Callable[[], Iterable[BackgroundWork]]) -> None:
    """``routeiq.background.dropped`` / ``.failed`` (counters) and ``.pending`` (gauge),
    labelled ``work=<name>``; ``works`` is read at each collection (a reload swaps some)."""
    from opentelemetry.metrics import CallbackOptions, Observation

    def observe(attr: str) -> Callable[[CallbackOptions], Iterable[Observation]]:
        def callback(options: CallbackOptions) -> Iterable[Observation]:
            return [Observation(getattr(w, attr), {"work": w.name}) for w in works()]

        return callback

    meter.create_observable_counter(
        "routeiq.background.dropped",
        callbacks=[observe("dropped")],
        description="Background work turned away: bound reached, not running or closed",
    )
    meter.create_observable_counter(
        "routeiq.background.failed",
        callbacks=[observe("failed")],
        description="Background tasks that raised (logged)",
    )
    meter.create_observable_gauge(
        "routeiq.background.pending",
        callbacks=[observe("pending")],
        description="Background tasks in flight",
    )
