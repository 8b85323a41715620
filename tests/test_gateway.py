"""One way to start components: every step is a ``run`` started with
``nursery.start``; start-up is one list (``Gateway.steps``), shutdown its mirror."""

from __future__ import annotations

from typing import Any

import trio
import trio.testing
from trio.testing import MockClock

from routeiq.config import load_config
from routeiq.gateway import Step
from routeiq.testing import (
    MASTER_KEY,
    Reply,
    ScriptedUpstream,
    build_gateway,
    config_dict,
    in_process,
)

BASE = "http://up.test/v1"
AUTH = {"authorization": f"Bearer {MASTER_KEY}"}


def document(**routeiq: Any) -> dict[str, Any]:
    return config_dict(BASE, **routeiq)


async def test_every_step_starts_in_order_and_stops_in_reverse(autojump_clock: MockClock) -> None:
    upstream = ScriptedUpstream({"up.test": [Reply()]})
    doc = document(cache={"enabled": True}, a2a={"enabled": True}, mcp={"enabled": True})
    async with in_process(doc, upstream) as stack:
        gw = stack.gw
        names = [s.name for s in gw.steps()]
        assert gw.ready and gw.started_order == names
        # Each component reported ready through task_status: its work is hosted now.
        assert all(w.running for w in gw.background_work())
        assert gw.mcp.registry._nursery is not None
        work = gw.background_work()
    assert gw.stopped_order == list(reversed(names))
    assert not gw.ready
    # Everything the steps held ended with them (no task left behind to be cancelled).
    assert not any(w.running for w in work)
    assert gw.mcp.registry._nursery is None


async def test_shutdown_waits_for_each_step_before_stopping_the_one_below(
    autojump_clock: MockClock,
) -> None:
    """A step that needs time to stop (a final flush) ends before the step it was
    started after is cancelled: the store outlives the spend flush that writes to it."""
    _, gw = build_gateway(load_config(document()))
    events: list[tuple[float, str]] = []

    def component(name: str, ready_after: float, stop_takes: float) -> Step:
        async def run(*, task_status: trio.TaskStatus[None]) -> None:
            await trio.sleep(ready_after)
            events.append((trio.current_time(), f"{name} ready"))
            task_status.started()
            try:
                await trio.sleep_forever()
            finally:
                with trio.CancelScope(shield=True):
                    await trio.sleep(stop_takes)
                    events.append((trio.current_time(), f"{name} stopped"))

        return Step(name, run)

    steps = [component("store", 1, 0.5), component("spend", 2, 3)]
    gw.steps = lambda: steps  # type: ignore[method-assign]
    async with trio.open_nursery() as nursery:
        t0 = trio.current_time()
        await gw.startup(nursery)
        assert trio.current_time() == t0 + 3  # one after the other, each once ready
        await gw.shutdown()
        nursery.cancel_scope.cancel()
    assert [(t - t0, what) for t, what in events] == [
        (1, "store ready"),
        (3, "spend ready"),
        (6, "spend stopped"),
        (6.5, "store stopped"),
    ]
    assert gw.stopped_order == ["spend", "store"]


async def test_a_full_background_bound_drops_and_the_metric_counts_it(
    autojump_clock: MockClock,
) -> None:
    upstream = ScriptedUpstream({"up.test": [Reply()]})
    async with in_process(document(cache={"enabled": True}), upstream) as stack:
        stores = stack.gw.cache.stores
        stores.pending = stores.limit  # as if that many stores were in flight
        t0 = trio.current_time()
        answer = await stack.call("/v1/chat/completions", {**CHAT_REQUEST}, headers=AUTH)
        assert answer.status == 200
        assert trio.current_time() == t0  # the request never waited for room
        assert stores.dropped == 1
        assert stack.gw.cache.stats.store_skipped["dropped"] == 1
        stores.pending = 0
        text = (await stack.call("/metrics", method="GET")).body.decode()
    line = next(ln for ln in text.splitlines() if 'work="cache_store"' in ln and "dropped" in ln)
    assert line.startswith("routeiq_background_dropped")
    assert float(line.rsplit(" ", 1)[1]) == 1.0


CHAT_REQUEST = {
    "model": "gpt-test",
    "temperature": 0,
    "messages": [{"role": "user", "content": "hi"}],
}


async def test_a_reload_that_replaces_the_pipeline_retires_the_old_one(
    autojump_clock: MockClock,
) -> None:
    upstream = ScriptedUpstream({"up.test": [Reply()]})
    async with in_process(document(), upstream) as stack:
        gw = stack.gw
        old = gw.pipeline
        assert old.work.running
        ended = trio.Event()

        async def in_flight() -> None:
            await trio.sleep(5)
            ended.set()

        assert old.work.spawn(in_flight)  # post-call work of a request before the reload
        changed = document(guardrails={"pii": {"action": "redact"}})
        await gw.reloader._swap(load_config(changed))
        assert gw.pipeline is not old and gw.pipeline.work.running
        assert not old.work.spawn(in_flight)  # retired: takes no more work
        assert old.work.running  # ...but finishes what it has
        await ended.wait()
        await trio.testing.wait_all_tasks_blocked()
        assert not old.work.running and old.work.dropped == 1
