"""In-flight accounting, backpressure and graceful drain.

``Lifecycle`` is the one place that knows how many requests are in flight
and whether the process is draining. A streaming request holds its slot
until its stream has ended, because the slot is released only when the ASGI
call returns. When the drain deadline passes, every admitted request that is
still running is cancelled (its cancel scope was registered with
:meth:`track`), and the backpressure middleware ends it cleanly: a final SSE
error event on a stream, a 503 if nothing was sent yet.
"""

from __future__ import annotations

import trio

# After the cut, how long the cancelled requests get to write their last event
# (a local socket write each; they are normally done in microseconds).
CUT_WRITE_SECONDS = 1.0


class Lifecycle:
    def __init__(self, max_in_flight: int) -> None:
        self.max_in_flight = max_in_flight
        self.in_flight = 0
        self.entered = 0  # requests admitted since start
        self.draining = False
        self.rejected_overload = 0
        self.rejected_draining = 0
        self._idle = trio.Event()
        self._idle.set()
        self._drain_started = trio.Event()
        self._running: set[trio.CancelScope] = set()
        self.cut_requests = 0  # requests cancelled by the drain deadline

    def try_enter(self) -> bool:
        if self.in_flight >= self.max_in_flight:
            self.rejected_overload += 1
            return False
        self.in_flight += 1
        self.entered += 1
        if self.in_flight == 1:
            self._idle = trio.Event()
        return True

    def leave(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0:
            self._idle.set()

    def track(self, cancel_scope: trio.CancelScope) -> None:
        """Register an admitted request's cancel scope, cancelled if the drain runs out."""
        self._running.add(cancel_scope)

    def untrack(self, cancel_scope: trio.CancelScope) -> None:
        self._running.discard(cancel_scope)

    def begin_drain(self) -> None:
        self.draining = True
        self._drain_started.set()

    async def wait_drain_requested(self) -> None:
        await self._drain_started.wait()

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def drain(self, grace: float) -> bool:
        """Begin draining and wait up to ``grace`` seconds for in-flight work to end.

        Returns True if everything finished in time. The caller then cancels
        whatever is left (the server's cancel scope), so the process can exit.
        """
        self.begin_drain()
        with trio.move_on_after(grace):
            await self.wait_idle()
            return True
        # The deadline is exactly ``grace``: cut what is left, right now.
        running, self._running = self._running, set()
        self.cut_requests += len(running)
        for cancel_scope in running:
            cancel_scope.cancel()
        if running:
            with trio.move_on_after(CUT_WRITE_SECONDS):
                await self.wait_idle()
        return False
