"""The task store and rate limiter on both state backends (memory and a real Redis)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest
import trio
import trio.testing

from routeiq.a2a.store import RateLimiter, TaskStore
from routeiq.a2a.tasks import InvalidTransition, TaskUpdate
from routeiq.state import MemoryStore, RedisStore, StateSettings, StateStore


def redis_store(url: str) -> RedisStore:
    settings = StateSettings(backend="redis", redis_url=url, key_prefix="a2a-t:", op_timeout=1.0)
    return RedisStore(settings, rng=random.Random(0))


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest, nursery: trio.Nursery) -> AsyncIterator[StateStore]:
    s: MemoryStore | RedisStore
    if request.param == "memory":
        s = MemoryStore(max_keys=1000)
    else:
        s = redis_store(request.getfixturevalue("redis_url"))
    await nursery.start(s.run)
    yield s


def task(tid: str, state: str) -> TaskUpdate:
    snap = {"id": tid, "contextId": "c", "status": {"state": f"TASK_STATE_{state.upper()}"}}
    return TaskUpdate(tid, "c", state, snap)


def status(tid: str, state: str) -> TaskUpdate:
    return TaskUpdate(tid, "c", state, None)


async def test_create_update_and_refuse_invalid_transition(store: StateStore) -> None:
    tasks = TaskStore(store, ttl=60)
    rec = await tasks.apply("echo", task("t1", "submitted"), False)
    assert (rec.agent, rec.state, rec.context_id) == ("echo", "submitted", "c")
    rec = await tasks.apply("echo", status("t1", "working"), False)
    assert rec.state == "working"
    assert rec.snapshot is not None
    assert rec.snapshot["status"] == {"state": "TASK_STATE_WORKING"}
    await tasks.apply("echo", status("t1", "completed"), False)
    with pytest.raises(InvalidTransition, match="completed cannot become working"):
        await tasks.apply("echo", status("t1", "working"), False)
    stored = await tasks.get("t1")
    assert stored is not None and stored.state == "completed"
    assert tasks.rejected_transitions == 1
    assert await tasks.get("nope") is None


async def test_records_expire_after_ttl_on_redis(redis_url: str, nursery: trio.Nursery) -> None:
    # Redis expires keys in real time (the memory backend: test_expiry_sweep_autojump).
    store = redis_store(redis_url)
    await nursery.start(store.run)
    tasks = TaskStore(store, ttl=0.3)
    await tasks.apply("echo", task("t1", "working"), False)
    assert await tasks.get("t1") is not None
    await trio.sleep(0.6)
    assert await tasks.get("t1") is None


async def test_cap_evicts_the_record_closest_to_expiry(store: StateStore) -> None:
    tasks = TaskStore(store, ttl=60, max_tasks=3)
    for i in range(3):
        await tasks.apply("echo", task(f"t{i}", "working"), False)
    await tasks.apply("echo", status("t0", "working"), False)  # t0 refreshed: t1 is oldest
    await tasks.apply("echo", task("t3", "working"), False)
    assert len(tasks) == 3
    assert tasks.evicted == 1
    assert await tasks.get("t1") is None
    for tid in ("t0", "t2", "t3"):
        assert await tasks.get(tid) is not None


async def test_rate_limiter_fixed_window(store: StateStore) -> None:
    limiter = RateLimiter(store, clock=lambda: 6000.0 + 45.0)  # 45 s into a window
    assert await limiter.check("echo", 2) is None
    assert await limiter.check("echo", 2) is None
    assert await limiter.check("echo", 2) == 15.0
    assert await limiter.check("other", 2) is None


async def test_expiry_sweep_autojump(autojump_clock: trio.testing.MockClock) -> None:
    store = MemoryStore(max_keys=10_000, sweep_interval=1.0)
    tasks = TaskStore(store, ttl=10.0, sweep_interval=1.0, sweep_batch=64)
    async with trio.open_nursery() as nursery:
        await nursery.start(store.run)
        await nursery.start(tasks.run)
        for i in range(1000):
            await tasks.apply("echo", task(f"t{i}", "working"), False)
        await trio.sleep(5.0)
        await tasks.apply("echo", status("t7", "working"), False)  # refreshed at t=5
        assert len(tasks) == 1000
        await trio.sleep(5.5)  # t=10.5: everything but t7 is due and swept
        assert len(tasks) == 1
        assert tasks.expired == 999
        assert await tasks.get("t8") is None
        assert await tasks.get("t7") is not None
        await trio.sleep(5.0)  # t=15.5
        assert len(tasks) == 0
        assert await tasks.get("t7") is None
        nursery.cancel_scope.cancel()
