"""Phase 1: guardrails run concurrently; the first block cancels the others."""

from __future__ import annotations

import pytest
import trio
from trio.testing import MockClock

from routeiq.errors import GuardrailBlocked, Unavailable
from routeiq.plugins.guardrails import PIISettings
from routeiq.plugins.settings import GuardrailsSection
from tests.plugins.helpers import chat, no_send, run_of, spec, started
from tests.plugins.sample_plugins import SleepGuard


async def test_three_100ms_guardrails_take_100ms_not_300(autojump_clock: MockClock) -> None:
    specs = [spec("SleepGuard", name=f"g{i}", settings={"sleep": 0.1}) for i in range(3)]
    async with started(GuardrailsSection(pii=PIISettings()), specs) as pipeline:
        t0 = trio.current_time()
        answered = await run_of(pipeline, chat("hello")).before(no_send)
        assert trio.current_time() - t0 == pytest.approx(0.1, abs=1e-9)
        assert answered is False
        guards = [lp.plugin for lp in pipeline.plugins]
        assert all(isinstance(g, SleepGuard) for g in guards)
        assert [g.started for g in guards] == [t0, t0, t0]  # all started together
        assert [g.finished for g in guards] == [t0 + 0.1] * 3


async def test_a_block_cancels_the_siblings(autojump_clock: MockClock) -> None:
    specs = [
        spec("SleepGuard", name="slow-a", settings={"sleep": 0.3}),
        spec("SleepGuard", name="quick-block", settings={"sleep": 0.05, "block": True}),
        spec("SleepGuard", name="slow-b", settings={"sleep": 0.3}),
    ]
    async with started(GuardrailsSection(), specs) as pipeline:
        t0 = trio.current_time()
        with pytest.raises(GuardrailBlocked) as info:
            await run_of(pipeline, chat("hello")).before(no_send)
        assert trio.current_time() - t0 == pytest.approx(0.05, abs=1e-9)
        assert info.value.status == 400
        assert info.value.code == "guardrail_blocked"
        assert info.value.message == "Blocked by guardrail 'quick-block': the sleep guard says no"
        a, block, b = (lp.plugin for lp in pipeline.plugins)
        assert a.cancelled and b.cancelled and not block.cancelled
        assert a.finished is None and b.finished is None
        counts = {lp.name: dict(lp.counts) for lp in pipeline.plugins}
        assert counts["quick-block"] == {("pre_call", "blocked"): 1}
        assert counts["slow-a"] == {}  # cancelled: neither ok nor failed


async def test_a_builtin_block_cancels_plugin_guardrails_at_once(autojump_clock: MockClock) -> None:
    specs = [spec("SleepGuard", name="slow", settings={"sleep": 1.0})]
    section = GuardrailsSection(pii=PIISettings(action="block"))
    async with started(section, specs) as pipeline:
        t0 = trio.current_time()
        with pytest.raises(GuardrailBlocked) as info:
            await run_of(pipeline, chat("mail me at jane.doe@example.com")).before(no_send)
        assert trio.current_time() == t0
        assert info.value.message == "Request blocked by guardrail 'pii' (EMAIL)"
        assert "jane" not in info.value.message
        assert pipeline.plugins[0].plugin.cancelled
        assert pipeline.verdicts[("pii", "input", "block")] == 1


async def test_a_fail_closed_guardrail_that_times_out_is_503(autojump_clock: MockClock) -> None:
    specs = [
        spec(
            "Broken",
            settings={"hang": True, "guardrail": True},
            deadline=0.2,
            failure_mode="fail_closed",
        ),
        spec("SleepGuard", settings={"sleep": 1.0}),
    ]
    async with started(GuardrailsSection(), specs) as pipeline:
        t0 = trio.current_time()
        with pytest.raises(Unavailable) as info:
            await run_of(pipeline, chat("hello")).before(no_send)
        assert trio.current_time() - t0 == pytest.approx(0.2, abs=1e-9)
        assert info.value.status == 503
        assert info.value.code == "plugin_unavailable"
        assert pipeline.plugins[0].counts[("pre_call", "timeout")] == 1
        assert pipeline.plugins[1].plugin.cancelled


async def test_a_fail_open_guardrail_that_raises_is_ignored(autojump_clock: MockClock) -> None:
    specs = [
        spec("Broken", settings={"guardrail": True}, failure_mode="fail_open"),
        spec("SleepGuard", settings={"sleep": 0.1}),
    ]
    async with started(GuardrailsSection(), specs) as pipeline:
        t0 = trio.current_time()
        assert await run_of(pipeline, chat("hello")).before(no_send) is False
        assert trio.current_time() - t0 == pytest.approx(0.1, abs=1e-9)
        assert pipeline.plugins[0].counts[("pre_call", "error")] == 1
        assert pipeline.plugins[1].counts[("pre_call", "ok")] == 1


async def test_background_work_is_bounded() -> None:
    from routeiq.plugins import pipeline as module

    async with started(GuardrailsSection(pii=PIISettings())) as pipeline:
        pipeline.work.pending = module.MAX_BACKGROUND
        run = run_of(pipeline, chat("hello"))
        await run.phase1()
        run.after(None)
        assert pipeline.background_dropped == 1
        pipeline.work.pending = 0
        run.after(None)
        assert pipeline.work.pending == 1 and pipeline.background_dropped == 1
