"""Spans carry the request's facts; the loop instrument catches a blocking step."""

from __future__ import annotations

import logging
import time

import httpx
import pytest
import trio
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from routeiq.telemetry.loopblock import LoopBlockInstrument
from tests.conftest import CHAT, running_stack


async def test_one_span_per_request_with_its_facts() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        exporter = InMemorySpanExporter()
        s.gw.telemetry.add_span_processor(SimpleSpanProcessor(exporter))
        r = await c.post("/v1/chat/completions", json=CHAT, headers={"x-request-id": "span-1"})
        assert r.status_code == 200
        with trio.fail_after(2):
            while not exporter.get_finished_spans():
                await trio.sleep(0.01)
        # The request's SERVER span (its one upstream attempt is a CLIENT span under it).
        (span,) = [s for s in exporter.get_finished_spans() if s.parent is None]
        attrs = dict(span.attributes or {})
        assert attrs["routeiq.request_id"] == "span-1"
        assert attrs["gen_ai.request.model"] == "gpt-test"
        assert attrs["routeiq.deployment"] == "dep-a"
        assert attrs["http.response.status_code"] == 200
        usage = r.json()["usage"]
        assert attrs["gen_ai.usage.input_tokens"] == usage["prompt_tokens"]
        assert attrs["gen_ai.usage.output_tokens"] == usage["completion_tokens"]
        assert span.end_time is not None and span.start_time is not None
        assert span.end_time > span.start_time


async def test_loop_instrument_reports_a_blocking_step(caplog: pytest.LogCaptureFixture) -> None:
    inst = LoopBlockInstrument(warn_seconds=0.02)
    trio.lowlevel.add_instrument(inst)
    try:
        await trio.lowlevel.checkpoint()

        async def blocker() -> None:
            time.sleep(0.05)  # noqa: ASYNC251  (deliberately blocks the loop)

        with caplog.at_level(logging.WARNING, logger="routeiq.loop"):
            async with trio.open_nursery() as n:
                n.start_soon(blocker, name="the-blocker")
    finally:
        trio.lowlevel.remove_instrument(inst)
    assert inst.max_seconds >= 0.05
    assert inst.max_task == "the-blocker"
    assert inst.warnings == 1
    assert "the-blocker" in caplog.text
    text = inst.prometheus()
    assert 'routeiq_loop_task_step_seconds_bucket{le="0.1"}' in text
    assert int(text.split('le="0.02"} ')[1].split()[0]) == inst.steps - 1


async def test_a_forgotten_step_is_not_timed(caplog: pytest.LogCaptureFixture) -> None:
    """The heap freeze's one start-up collection is forgotten, not reported as a stall."""
    inst = LoopBlockInstrument(warn_seconds=0.02)
    trio.lowlevel.add_instrument(inst)
    try:
        await trio.lowlevel.checkpoint()

        async def startup_work() -> None:
            time.sleep(0.5)  # noqa: ASYNC251  (deliberate start-up work)
            inst.forget_current_step()

        with caplog.at_level(logging.WARNING, logger="routeiq.loop"):
            async with trio.open_nursery() as n:
                n.start_soon(startup_work, name="startup")
    finally:
        trio.lowlevel.remove_instrument(inst)
    assert inst.warnings == 0 and inst.max_seconds < 0.5  # the forgotten step was 0.5 s
    assert "startup" not in caplog.text
