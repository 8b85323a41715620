"""ROUTEIQ_LOOP_STACKS: the watchdog logs the loop thread's stack during a long step."""

from __future__ import annotations

import logging
import time

import pytest
import trio
import trio.lowlevel

from routeiq.heap import GcPauses
from routeiq.telemetry.stepprofile import LoopStepProfile


def _hold_the_loop_for(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def test_a_long_step_is_logged_with_the_loop_stack(caplog: pytest.LogCaptureFixture) -> None:
    profile = LoopStepProfile(1.0, GcPauses())
    trio.lowlevel.add_instrument(profile)
    try:
        profile.watch_stacks()
        await trio.lowlevel.checkpoint()
        with caplog.at_level(logging.WARNING, logger="routeiq.loop"):
            _hold_the_loop_for(0.1)  # one step of 100 ms: the watchdog fires after 12 ms
            await trio.sleep(0.05)
    finally:
        profile.stop_stacks()
        trio.lowlevel.remove_instrument(profile)
    stacks = [r.getMessage() for r in caplog.records if "loop stack" in r.getMessage()]
    assert stacks and "_hold_the_loop_for" in stacks[0]
    # Between steps (waiting for I/O) nothing is logged: one long step, one stack.
    assert len(stacks) == 1
