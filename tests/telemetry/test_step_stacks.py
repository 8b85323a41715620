"""ROUTEIQ_LOOP_STACKS: a step that uses more CPU than the threshold is logged with
its own profile; a step that is long only in wall time is not."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest
import trio
import trio.lowlevel

from routeiq.heap import GcPauses
from routeiq.telemetry.stepprofile import LoopStepProfile


def _compute_for(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def _quick() -> int:
    return sum(range(100))


async def _reports(caplog: pytest.LogCaptureFixture, step: Callable[[], object]) -> list[str]:
    profile = LoopStepProfile(10.0, GcPauses())
    trio.lowlevel.add_instrument(profile)
    try:
        profile.watch_stacks(report_cpu=0.02)
        with caplog.at_level(logging.WARNING, logger="routeiq.loop"):
            _quick()  # a short step before: its profile is not reported
            await trio.lowlevel.checkpoint()
            step()
            await trio.lowlevel.checkpoint()
            _quick()  # nor one after
            await trio.sleep(0.01)
    finally:
        profile.stop_stacks()
        trio.lowlevel.remove_instrument(profile)
    return [r.getMessage() for r in caplog.records if "profiled" in r.getMessage()]


async def test_a_step_over_the_cpu_threshold_is_logged_with_its_profile(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reports = await _reports(caplog, lambda: _compute_for(0.1))
    assert len(reports) == 1  # one step of 100 ms CPU, one report
    assert "_compute_for" in reports[0]
    assert "_quick" not in reports[0]  # only that step's calls


async def test_a_step_long_only_in_wall_time_is_not_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # 100 ms blocked in a syscall (as when the OS runs another process): no CPU used.
    assert await _reports(caplog, lambda: time.sleep(0.1)) == []


async def _park_after_computing(seconds: float, parked: trio.Event) -> None:
    _compute_for(seconds)
    parked.set()
    await trio.sleep_forever()  # the step above ends here


async def test_costliest_steps_say_where_the_task_stopped() -> None:
    """Without any profiler: the steps that used the most CPU are kept with the
    line their task stopped at, so a rare long step can be found in a soak."""
    profile = LoopStepProfile(10.0, GcPauses(), keep=3)
    trio.lowlevel.add_instrument(profile)
    try:
        async with trio.open_nursery() as nursery:
            parked = trio.Event()
            nursery.start_soon(_park_after_computing, 0.03, parked)
            await parked.wait()
            for _ in range(20):
                _quick()
                await trio.lowlevel.checkpoint()
            nursery.cancel_scope.cancel()
    finally:
        trio.lowlevel.remove_instrument(profile)
    cpu, _, _, task, at = max(profile.costliest)
    assert cpu >= 0.03
    assert task.endswith("_park_after_computing")
    assert "test_step_stacks.py" in at and "_park_after_computing" in at
    text = profile.prometheus()
    assert 'routeiq_loop_costliest_step_seconds{rank="0",task="' in text
    cpu_lines = [
        line
        for line in text.splitlines()
        if line.startswith("routeiq_loop_costliest_step_seconds{") and 'kind="cpu"' in line
    ]
    assert len(cpu_lines) == 3  # keep=3
