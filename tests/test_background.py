"""``routeiq.background``: bounded fire-and-forget work, on the virtual clock."""

from __future__ import annotations

import pytest
import trio
from trio.testing import MockClock

from routeiq.background import BackgroundWork


async def test_work_runs_in_the_background_and_is_counted_while_in_flight(
    autojump_clock: MockClock,
) -> None:
    work = BackgroundWork("t", limit=4)
    done: list[float] = []

    async def job(seconds: float) -> None:
        await trio.sleep(seconds)
        done.append(trio.current_time())

    async with trio.open_nursery() as nursery:
        await nursery.start(work.run)
        t0 = trio.current_time()
        assert work.spawn(job, 2.0) and work.spawn(job, 1.0)
        assert work.pending == 2
        await trio.sleep(3)
        assert done == [t0 + 1.0, t0 + 2.0]
        assert work.pending == 0 and work.dropped == 0
        nursery.cancel_scope.cancel()


async def test_full_drops_and_counts_and_never_blocks(autojump_clock: MockClock) -> None:
    work = BackgroundWork("t", limit=2)
    async with trio.open_nursery() as nursery:
        await nursery.start(work.run)
        t0 = trio.current_time()
        accepted = [work.spawn(trio.sleep, 10) for _ in range(5)]
        # spawn is synchronous: the caller (a request) never waits for room.
        assert trio.current_time() == t0
        assert accepted == [True, True, False, False, False]
        assert work.pending == 2 and work.dropped == 3
        await trio.sleep(10.5)
        assert work.pending == 0
        assert work.spawn(trio.sleep, 1)  # room again once the first ones ended
        nursery.cancel_scope.cancel()


async def test_not_running_drops() -> None:
    work = BackgroundWork("t", limit=2)
    assert not work.running
    assert work.spawn(trio.sleep, 1) is False
    assert work.dropped == 1


async def test_a_failing_task_is_counted_and_does_not_cancel_its_siblings(
    autojump_clock: MockClock, caplog: pytest.LogCaptureFixture
) -> None:
    work = BackgroundWork("t", limit=4)
    finished: list[str] = []

    async def boom() -> None:
        await trio.sleep(1)
        raise ValueError("boom")

    async def slow() -> None:
        await trio.sleep(2)
        finished.append("slow")

    async with trio.open_nursery() as nursery:
        await nursery.start(work.run)
        work.spawn(boom)
        work.spawn(slow)
        await trio.sleep(3)
        assert finished == ["slow"] and work.failed == 1
        assert "background work t failed" in caplog.text
        nursery.cancel_scope.cancel()


async def test_close_lets_work_in_flight_finish_then_run_returns(
    autojump_clock: MockClock,
) -> None:
    work = BackgroundWork("t", limit=4)
    finished: list[float] = []

    async def job() -> None:
        await trio.sleep(5)
        finished.append(trio.current_time())

    async with trio.open_nursery() as nursery:
        await nursery.start(work.run)
        t0 = trio.current_time()
        work.spawn(job)
        await trio.sleep(1)
        work.close()
        assert work.spawn(job) is False  # closed: no more work
    # The nursery ended by itself: run returned once the job in flight was done.
    assert finished == [t0 + 5]
    assert trio.current_time() == t0 + 5
    assert not work.running and work.dropped == 1


async def test_cancelling_run_cancels_the_work(autojump_clock: MockClock) -> None:
    work = BackgroundWork("t", limit=4)
    cancelled: list[float] = []

    async def job() -> None:
        try:
            await trio.sleep(100)
        except trio.Cancelled:
            cancelled.append(trio.current_time())
            raise

    async with trio.open_nursery() as nursery:
        await nursery.start(work.run)
        t0 = trio.current_time()
        work.spawn(job)
        await trio.sleep(2)
        nursery.cancel_scope.cancel()
    assert cancelled == [t0 + 2]
    assert work.pending == 0 and not work.running


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        BackgroundWork("t", limit=0)
