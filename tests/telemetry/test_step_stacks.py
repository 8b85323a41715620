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
