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


async def test_tenant_lists_newest_first_capped_and_separate(store: StateStore) -> None:
    tasks = TaskStore(store, ttl=60, list_cap=100)
    for i in range(150):  # over two index chunks
        await tasks.apply("echo", task(f"r{i}", "submitted"), False, "team:red")
    await tasks.apply("echo", task("b0", "submitted"), False, "team:blue")
    await tasks.apply("echo", status("r149", "working"), False, "team:blue")  # an update
    red = await tasks.listed("team:red")
    assert [r.id for r in red] == [f"r{i}" for i in range(149, 49, -1)]
    assert red[0].tenant == "team:red" and red[0].state == "working"
    assert [r.id for r in await tasks.listed("team:blue")] == ["b0"]
    assert await tasks.listed("nobody") == []


def test_list_tasks_filters_and_pages() -> None:
    from routeiq import jsonrpc as rpc
    from routeiq.a2a.listing import list_tasks
    from routeiq.a2a.store import TaskRecord

    def rec(i: int, state: str, ctx: str, agent: str = "echo") -> TaskRecord:
        snap = {"id": f"t{i}", "contextId": ctx, "status": {"state": "x"}, "history": [1, 2, 3],
                "artifacts": [{"artifactId": "a"}]}  # fmt: skip
        return TaskRecord(f"t{i}", agent, state, ctx, False, snap, "team:red", 1)

    records = [rec(i, "completed" if i % 2 else "working", f"c{i % 3}") for i in range(7)]
    records.append(rec(99, "working", "c0", agent="other"))
    first = list_tasks(records, "echo", {"pageSize": 3}, False)
    assert [t["id"] for t in first["tasks"]] == ["t0", "t1", "t2"]
    assert (first["totalSize"], first["pageSize"]) == (7, 3)
    assert "artifacts" not in first["tasks"][0]
    assert first["tasks"][1]["status"]["state"] == "TASK_STATE_COMPLETED"
    second = list_tasks(
        records, "echo", {"pageSize": 3, "pageToken": first["nextPageToken"]}, False
    )
    assert [t["id"] for t in second["tasks"]] == ["t3", "t4", "t5"]
    done = list_tasks(records, None, {"status": "TASK_STATE_WORKING", "contextId": "c0"}, False)
    assert [t["id"] for t in done["tasks"]] == ["t0", "t6", "t99"] and done["nextPageToken"] == ""
    some = list_tasks(records, "echo", {"historyLength": 1, "includeArtifacts": True}, False)
    assert some["tasks"][0]["history"] == [3] and some["tasks"][0]["artifacts"]
    for bad in ({"pageSize": 500}, {"pageToken": "nope"}, {"historyLength": -1}):
        with pytest.raises(rpc.RpcError) as info:
            list_tasks(records, "echo", bad, False)
        assert info.value.code == rpc.INVALID_PARAMS


def test_snapshot_applies_status_and_artifact_updates() -> None:
    from routeiq.a2a.snapshot import apply_event, placeholder

    t = placeholder("t", "c", False)
    t = apply_event(t, {"status": {"state": "W", "message": {"messageId": "m1"}}})
    t = apply_event(t, {"artifact": {"artifactId": "a", "parts": [{"text": "0"}]}})
    t = apply_event(t, {"artifact": {"artifactId": "a", "parts": [{"text": "1"}]}, "append": True})
    t = apply_event(t, {"artifact": {"artifactId": "b", "parts": [{"text": "x"}]}, "append": True})
    t = apply_event(
        t, {"status": {"state": "W", "message": {"messageId": "m2"}}, "metadata": {"k": 1}}
    )
    assert t["status"]["message"]["messageId"] == "m2"
    assert t["history"] == [{"messageId": "m1"}]
    assert t["artifacts"] == [
        {"artifactId": "a", "parts": [{"text": "0"}, {"text": "1"}]},
        {"artifactId": "b", "parts": [{"text": "x"}]},
    ]
    replaced = apply_event(t, {"artifact": {"artifactId": "a", "parts": [{"text": "new"}]}})
    assert replaced["artifacts"][0]["parts"] == [{"text": "new"}]
    assert t["metadata"] == {"k": 1}
