"""In-flight accounting, backpressure and graceful drain.

``Lifecycle`` is the one place that knows how many requests are in flight
and whether the process is draining. A streaming request holds its slot
until its stream has ended, because the slot is released only when the ASGI
call returns.
"""

from __future__ import annotations

import trio


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
        return False
