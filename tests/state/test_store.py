"""One behavioural suite, run against every backend (memory and a real Redis).

Tests that take ``clock`` run the memory backend on the autojump clock (exact
virtual times) and the Redis backend on the real clock with short TTLs.
"""

from __future__ import annotations

import orjson
import pytest
import trio
import trio.lowlevel
import trio.testing

from routeiq.state import StateStore


async def test_get_set_delete(store: StateStore) -> None:
    assert await store.get("a") is None
    await store.set("a", b"1")
    await store.set("b", b"\x00\xffbinary")
    assert await store.get("a") == b"1"
    assert await store.get("b") == b"\x00\xffbinary"
    await store.set("a", b"2")
    assert await store.get("a") == b"2"
    assert await store.get_many(["a", "missing", "b"]) == [b"2", None, b"\x00\xffbinary"]
    assert await store.get_many([]) == []
    assert await store.delete("a") is True
    assert await store.delete("a") is False
    assert await store.get("a") is None


async def test_rejects_non_positive_ttl(store: StateStore) -> None:
    for bad in (0, -1.0):
        with pytest.raises(ValueError, match="ttl"):
            await store.set("k", b"v", ttl=bad)
        with pytest.raises(ValueError, match="ttl"):
            await store.incr("k", ttl=bad)
    assert await store.get("k") is None


async def _at(t0: float, offset: float) -> None:
    await trio.sleep_until(t0 + offset)


async def test_ttl_expiry(store: StateStore, clock: trio.testing.MockClock | None) -> None:
    t0 = trio.current_time()
    await store.set("short", b"s", ttl=0.2)
    await store.set("long", b"l", ttl=5.0)
    await store.set("forever", b"f")
    await _at(t0, 0.1)
    assert await store.get("short") == b"s"
    if clock is not None:  # exact virtual time: alive until the deadline itself
        await _at(t0, 0.2 - 1e-6)
        assert await store.get("short") == b"s"
        await _at(t0, 0.2)
        assert await store.get("short") is None
    else:
        await _at(t0, 0.35)
        assert await store.get("short") is None
    assert await store.get_many(["short", "long", "forever"]) == [None, b"l", b"f"]
    # A write without ttl persists a key that had one.
    await store.set("long", b"l2")
    if clock is not None:
        await _at(t0, 10.0)
        assert await store.get("long") == b"l2"
        assert trio.current_time() == t0 + 10.0


async def test_ttl_refresh_extends(store: StateStore, clock: trio.testing.MockClock | None) -> None:
    t0 = trio.current_time()
    await store.set("k", b"v", ttl=0.2)
    await _at(t0, 0.1)
    t1 = trio.current_time()
    await store.set("k", b"v", ttl=0.2)  # now expires at t1 + 0.2
    await _at(t0, 0.25)
    assert await store.get("k") == b"v"
    if clock is not None:
        await _at(t1, 0.2 - 1e-6)
        assert await store.get("k") == b"v"
        await _at(t1, 0.2)
    else:
        await _at(t0, 0.45)
    assert await store.get("k") is None


async def test_incr_counts_and_keeps_first_ttl(
    store: StateStore, clock: trio.testing.MockClock | None
) -> None:
    t0 = trio.current_time()
    assert await store.incr("rpm", ttl=0.2) == 1
    assert await store.incr("rpm", 5, ttl=0.2) == 6
    await _at(t0, 0.1)
    # A later increment does not extend the window (the ttl set on creation holds).
    assert await store.incr("rpm", ttl=0.2) == 7
    assert await store.get("rpm") == b"7"
    if clock is not None:
        await _at(t0, 0.2)
    else:
        await _at(t0, 0.35)
    assert await store.get("rpm") is None
    assert await store.incr("rpm", -3) == -3  # a new window, no ttl
    assert await store.incr("plain") == 1
    await store.set("text", b"not a number")
    with pytest.raises(ValueError):
        await store.incr("text")
    assert await store.get("text") == b"not a number"


async def test_update_read_modify_write(store: StateStore) -> None:
    def bump(raw: bytes | None) -> bytes:
        doc = orjson.loads(raw) if raw is not None else {"n": 0}
        doc["n"] += 1
        return orjson.dumps(doc)

    assert await store.update("doc", bump) == b'{"n":1}'
    assert await store.update("doc", bump) == b'{"n":2}'
    assert await store.get("doc") == b'{"n":2}'
    assert await store.update("doc", lambda raw: None) is None
    assert await store.get("doc") is None
    assert await store.update("doc", lambda raw: None) is None


async def test_update_with_ttl(store: StateStore, clock: trio.testing.MockClock | None) -> None:
    t0 = trio.current_time()
    assert await store.update("u", lambda raw: b"x", ttl=0.2) == b"x"
    await _at(t0, 0.1)
    assert await store.get("u") == b"x"
    if clock is not None:
        await _at(t0, 0.2)
    else:
        await _at(t0, 0.35)
    assert await store.get("u") is None


async def test_update_is_atomic_under_concurrent_updaters(store: StateStore) -> None:
    calls = 0

    def bump(raw: bytes | None) -> bytes:
        nonlocal calls
        calls += 1
        doc: dict[str, int] = orjson.loads(raw) if raw is not None else {"n": 0}
        doc["n"] += 1
        return orjson.dumps(doc)

    async def updater() -> None:
        await trio.lowlevel.checkpoint()
        await store.update("counter", bump)

    async with trio.open_nursery() as nursery:
        for _ in range(50):
            nursery.start_soon(updater)
    raw = await store.get("counter")
    assert raw is not None
    assert orjson.loads(raw)["n"] == 50
    # One process: updaters of a key queue behind each other, so no retries.
    assert calls == 50


async def test_pubsub_delivery(store: StateStore) -> None:
    async with store.subscribe("events") as first, store.subscribe("events") as second:
        async with store.subscribe("other") as other:
            await store.publish("events", b"m1")
            await store.publish("events", b"m2")
            await store.publish("other", b"o1")
            with trio.fail_after(5):
                assert [await first.__anext__(), await first.__anext__()] == [b"m1", b"m2"]
                assert [await second.__anext__(), await second.__anext__()] == [b"m1", b"m2"]
                assert await other.__anext__() == b"o1"
        assert first.dropped == 0
    # No subscriber: publishing is a no-op, not an error.
    await store.publish("events", b"nobody")


async def test_pubsub_slow_subscriber_drops_oldest(store: StateStore) -> None:
    # The fixture's subscriber buffer holds 4 messages.
    async with store.subscribe("busy") as sub:
        for i in range(10):
            await store.publish("busy", b"%d" % i)
        if store.name == "redis":
            # Messages arrive through the relay task: wait until all 10 were pushed.
            for _ in range(500):
                if sub.dropped >= 6:
                    break
                await trio.sleep(0.01)
        assert sub.dropped == 6
        with trio.fail_after(5):
            assert [await sub.__anext__() for _ in range(4)] == [b"6", b"7", b"8", b"9"]


async def test_ping_and_health(store: StateStore) -> None:
    assert await store.ping() is True
    assert store.health == "up"
    assert store.name in ("memory", "redis")
