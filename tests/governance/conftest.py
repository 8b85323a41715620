"""The Redis counters on a clock the test sets (the scripts take their clock as an
argument, so their windows are asserted at exact times on a real redis-server)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import trio

from routeiq.governance.shared import SharedCounters
from tests.redis_fixture import PATIENT


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def clock() -> Clock:
    return Clock(6_000.0)  # the start of a minute bucket


@asynccontextmanager
async def counters_at(redis_url: str, prefix: str, clock: Clock) -> AsyncIterator[SharedCounters]:
    """Redis counters under ``prefix`` reading ``clock``; no background flush."""
    counters = SharedCounters(
        redis_url, prefix, flush_delay=3600.0, clock=clock, op_timeout=PATIENT
    )
    async with trio.open_nursery() as nursery:
        await nursery.start(counters.run)
        yield counters
        nursery.cancel_scope.cancel()
