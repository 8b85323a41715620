"""Bounds and expiry mechanics specific to the memory backend (autojump clock)."""

from __future__ import annotations

import trio
import trio.testing

from routeiq.state import MemoryStore, StateSettings, open_store
from routeiq.state.broker import Broker
from routeiq.state.locks import KeyedLocks


async def test_full_store_evicts_least_recently_written(
    autojump_clock: trio.testing.MockClock,
) -> None:
    store = MemoryStore(max_keys=3)
    for key in ("a", "b", "c"):
        await store.set(key, key.encode())
    await store.set("a", b"a2")  # a is now the most recently written
    assert await store.get("b") == b"b"  # reads do not refresh
    await store.set("d", b"d")
    assert len(store) == 3
    assert await store.get_many(["a", "b", "c", "d"]) == [b"a2", None, b"c", b"d"]
    assert store.stats.evicted == 1
    await store.incr("e")
    assert await store.get_many(["a", "c"]) == [b"a2", None]
    assert store.stats.evicted == 2


async def test_full_store_expires_due_keys_before_evicting(
    autojump_clock: trio.testing.MockClock,
) -> None:
    store = MemoryStore(max_keys=2)
    await store.set("old", b"1")
    await store.set("short", b"2", ttl=1.0)
    await trio.sleep(1.0)
    await store.set("new", b"3")  # "short" is due: it goes, "old" stays
    assert store.stats.evicted == 0
    assert store.stats.expired == 1
    assert await store.get_many(["old", "short", "new"]) == [b"1", None, b"3"]


async def test_sweeper_expires_unread_keys_at_its_interval(
    autojump_clock: trio.testing.MockClock,
) -> None:
    store = MemoryStore(max_keys=10_000, sweep_interval=1.0, sweep_batch=100)
    async with trio.open_nursery() as nursery:
        t0 = trio.current_time()
        await nursery.start(store.run)
        for i in range(1000):
            await store.set(f"k{i}", b"v", ttl=0.5)
        await store.set("keep", b"v", ttl=10.0)
        assert len(store) == 1001
        await trio.sleep_until(t0 + 1.0 - 1e-6)
        assert len(store) == 1001  # nothing read, nothing swept yet
        await trio.sleep_until(t0 + 1.0 + 1e-6)
        # The sweep ran in batches of 100 with checkpoints between them.
        assert len(store) == 1
        assert store.stats.expired == 1000
        nursery.cancel_scope.cancel()


async def test_writes_do_bounded_expiry_work(autojump_clock: trio.testing.MockClock) -> None:
    store = MemoryStore(max_keys=10_000, expire_per_op=8)
    for i in range(100):
        await store.set(f"k{i}", b"v", ttl=1.0)
    await trio.sleep(2.0)
    await store.set("x", b"v")
    assert store.stats.expired == 8  # one write expired at most 8 due keys
    assert len(store) == 93


async def test_refreshing_a_ttl_does_not_grow_the_heap(
    autojump_clock: trio.testing.MockClock,
) -> None:
    store = MemoryStore(max_keys=100)
    for _ in range(10_000):
        await store.set("hot", b"v", ttl=60.0)
        await trio.sleep(0.001)
    assert len(store._heap) == 1
    # Shortening TTLs and deleting leave stale entries; the heap stays bounded.
    for i in range(5_000):
        await store.set(f"k{i % 50}", b"v", ttl=1000.0 - i * 0.1)
        await store.delete(f"k{(i + 25) % 50}")
    assert len(store._heap) <= 2 * 100 + 1024
    assert len(store) <= 100


async def test_heap_entries_follow_a_lengthened_ttl(autojump_clock: trio.testing.MockClock) -> None:
    store = MemoryStore(max_keys=10, sweep_interval=0.4)
    async with trio.open_nursery() as nursery:
        t0 = trio.current_time()
        await nursery.start(store.run)
        await store.set("k", b"v", ttl=1.0)
        await store.set("k", b"v", ttl=3.0)  # no new heap entry; the old one re-pushes
        await trio.sleep_until(t0 + 2.9)
        assert len(store) == 1
        await trio.sleep_until(t0 + 3.0 + 1e-6)
        assert len(store) == 1  # due, but the sweeper runs at 2.8 and 3.2
        await trio.sleep_until(t0 + 3.2 + 1e-6)
        assert len(store) == 0
        assert store.stats.expired == 1
        nursery.cancel_scope.cancel()


async def test_set_without_ttl_persists(autojump_clock: trio.testing.MockClock) -> None:
    store = MemoryStore(max_keys=10)
    await store.set("k", b"v", ttl=1.0)
    await store.set("k", b"w")
    await trio.sleep(5.0)
    assert await store.get("k") == b"w"
    assert store.expire_due(trio.current_time(), 100) == 1  # the stale entry, skipped
    assert await store.get("k") == b"w"


async def test_memory_ops_never_checkpoint() -> None:
    store = MemoryStore(max_keys=10)
    with trio.CancelScope() as cancel_scope:
        cancel_scope.cancel()
        # Already cancelled: any checkpoint would raise Cancelled here.
        await store.set("k", b"v", ttl=1.0)
        assert await store.get("k") == b"v"
        assert await store.update("k", lambda raw: b"w") == b"w"
        assert await store.incr("n") == 1
    assert not cancel_scope.cancelled_caught


def test_broker_counts_drops_and_forgets_empty_channels() -> None:
    broker = Broker(subscriber_buffer=2)

    async def main() -> None:
        async with broker.subscribe("c") as sub:
            assert broker.subscriber_count("c") == 1
            assert broker.publish("c", b"1") == 1
            broker.publish("c", b"2")
            broker.publish("c", b"3")
            assert (sub.dropped, broker.dropped) == (1, 1)
            assert [await sub.__anext__(), await sub.__anext__()] == [b"2", b"3"]
        assert broker.subscriber_count("c") == 0
        assert broker._channels == {}
        assert broker.publish("c", b"x") == 0

    trio.run(main)


async def test_keyed_locks_serialise_one_key_and_forget_it(
    autojump_clock: trio.testing.MockClock,
) -> None:
    locks = KeyedLocks()
    order: list[str] = []

    async def hold(key: str, name: str) -> None:
        async with locks.hold(key):
            order.append(f"{name}+")
            await trio.sleep(1.0)
            order.append(f"{name}-")

    t0 = trio.current_time()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(hold, "a", "a1")
        nursery.start_soon(hold, "a", "a2")
        nursery.start_soon(hold, "b", "b1")
        await trio.sleep(0.5)
        assert len(locks) == 2
    assert trio.current_time() == t0 + 2.0  # a2 waited for a1; b1 ran alongside
    a_events = [event for event in order if event.startswith("a")]
    first, second = a_events[0][:2], a_events[2][:2]
    assert a_events == [f"{first}+", f"{first}-", f"{second}+", f"{second}-"]
    assert order.index("b1+") < order.index(f"{first}-")
    assert len(locks) == 0


def test_open_store_builds_the_configured_backend() -> None:
    assert isinstance(open_store(StateSettings()), MemoryStore)
    redis_store = open_store(StateSettings(backend="redis", redis_url="redis://127.0.0.1:1/0"))
    assert redis_store.name == "redis"
    assert redis_store.health == "down"  # nothing connected before run()
