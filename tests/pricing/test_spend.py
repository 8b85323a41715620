"""Spend tracking: coalesced background flushes, exact micro-dollars, bounds, shutdown."""

from __future__ import annotations

import trio
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from routeiq.pricing import SpendTracker, read_spend, spend_key
from routeiq.state import MemoryStore


def tracker(store: MemoryStore, **kw: float) -> SpendTracker:
    return SpendTracker(store, models=["gpt", "claude"], **kw)  # type: ignore[arg-type]


async def test_flushes_every_interval_in_the_background(
    autojump_clock: trio.testing.MockClock,
) -> None:
    store = MemoryStore()
    spend = tracker(store, flush_interval=1.0)
    async with trio.open_nursery() as nursery:
        await nursery.start(spend.run)
        t0 = trio.current_time()
        spend.record(0.0015, model="gpt", key="alice", team="research")
        spend.record(0.0005, model="gpt", key="bob", team="research")
        assert await store.get(spend_key("key", "alice")) is None  # nothing written inline
        await trio.sleep(0.999)
        assert await store.get(spend_key("key", "alice")) is None
        await trio.sleep(0.002)
        assert trio.current_time() - t0 == 1.001
        assert await store.get(spend_key("key", "alice")) == b"1500"
        assert await store.get(spend_key("key", "bob")) == b"500"
        assert await store.get(spend_key("team", "research")) == b"2000"
        assert await store.get(spend_key("model", "gpt")) == b"2000"
        assert spend.flushed == 4
        assert spend.pending == {}
        spend.record(0.001, model="gpt", key="alice", team=None)
        await trio.sleep(1.0)
        assert await read_spend(store, "key", "alice") == 0.0025
        nursery.cancel_scope.cancel()


async def test_fractions_of_a_micro_dollar_are_carried_not_lost() -> None:
    store = MemoryStore()
    spend = tracker(store)
    for _ in range(3):
        spend.record(4e-7, model="gpt", key="k", team=None)  # 0.4 micro-dollar each
        await spend.flush()
    # 0.4 (kept) -> 0.8 (kept) -> 1.2: one whole micro-dollar written, 0.2 kept
    assert await store.get(spend_key("key", "k")) == b"1"
    assert abs(spend.pending[("key", "k")] - 2e-7) < 1e-15
    assert spend.flushed == 2  # key and model


async def test_unknown_models_share_one_label_and_the_table_is_bounded() -> None:
    spend = SpendTracker(MemoryStore(), models=["gpt"], max_pending=3)
    spend.record(1.0, model="gpt", key="a", team=None)  # ("key","a"), ("model","gpt")
    spend.record(2.0, model="mystery-1", key=None, team=None)  # ("model","other")
    spend.record(3.0, model="mystery-2", key="b", team=None)  # ("key","b") dropped
    spend.record(0.0, model="gpt", key="c", team=None)  # free: nothing recorded
    spend.record(None, model="gpt", key="c", team=None)
    assert spend.by_model == {"gpt": 1.0, "other": 5.0}
    assert spend.pending == {("key", "a"): 1.0, ("model", "gpt"): 1.0, ("model", "other"): 5.0}
    assert spend.dropped == 1


async def test_a_last_flush_on_shutdown(autojump_clock: trio.testing.MockClock) -> None:
    store = MemoryStore()
    spend = tracker(store, flush_interval=60.0)
    async with trio.open_nursery() as nursery:
        await nursery.start(spend.run)
        spend.record(0.25, model="claude", key="alice", team=None)
        await trio.sleep(1.0)
        nursery.cancel_scope.cancel()
    assert await read_spend(store, "key", "alice") == 0.25
    assert await read_spend(store, "model", "claude") == 0.25


async def test_a_key_that_is_not_a_counter_is_skipped_and_counted() -> None:
    store = MemoryStore()
    await store.set(spend_key("key", "alice"), b"not a number")
    spend = tracker(store)
    spend.record(0.001, model="gpt", key="alice", team=None)
    await spend.flush()
    assert spend.failed == 1
    assert await read_spend(store, "model", "gpt") == 0.001


def test_metric_by_model() -> None:
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    spend = tracker(MemoryStore())
    spend.bind_metrics(provider.get_meter("t"))
    spend.record(0.5, model="claude", key=None, team=None)
    spend.record(0.25, model="nope", key=None, team=None)
    data = reader.get_metrics_data()
    assert data is not None
    (metric,) = [m for rm in data.resource_metrics for sm in rm.scope_metrics for m in sm.metrics]
    assert metric.name == "routeiq.response.cost"
    points = {p.attributes["model"]: p.value for p in metric.data.data_points}  # type: ignore[index, union-attr]
    assert points == {"claude": 0.5, "other": 0.25}
