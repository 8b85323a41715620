"""LRU + TTL on trio's autojump clock, asserting exact virtual times."""

from __future__ import annotations

import pytest
import trio
import trio.testing

from routeiq.cache.lru import LRUCache


def make(max_entries: int = 10, ttl: float = 5.0, **kw: object) -> LRUCache[str, int]:
    return LRUCache(max_entries, ttl, now=trio.current_time, **kw)  # type: ignore[arg-type]


async def test_entry_lives_exactly_its_ttl(autojump_clock: trio.testing.MockClock) -> None:
    lru = make(ttl=5.0)
    t0 = trio.current_time()
    lru.set("a", 1)
    await trio.sleep_until(t0 + 4.5)
    assert lru.get("a") == 1
    assert lru.ttl_left("a") == pytest.approx(0.5)
    await trio.sleep_until(t0 + 5.0)  # the deadline itself is already expired
    assert trio.current_time() == t0 + 5.0
    assert "a" not in lru
    assert lru.get("a") is None
    assert len(lru) == 0
    assert (lru.stats.hits, lru.stats.misses, lru.stats.expirations) == (1, 1, 1)


async def test_get_does_not_extend_ttl_and_set_renews_it(
    autojump_clock: trio.testing.MockClock,
) -> None:
    lru = make(ttl=2.0)
    t0 = trio.current_time()
    lru.set("a", 1)
    await trio.sleep_until(t0 + 1.5)
    assert lru.get("a") == 1
    lru.set("b", 2)
    await trio.sleep_until(t0 + 2.0)
    assert lru.get("a") is None  # stored at t0, read at t0+1.5: still due at t0+2
    assert lru.get("b") == 2
    lru.set("b", 3)  # overwrite at t0+2: new deadline t0+4
    await trio.sleep_until(t0 + 3.5)  # b's first deadline (t0+3.5) passes harmlessly
    assert lru.get("b") == 3
    await trio.sleep_until(t0 + 4.0)
    assert lru.get("b") is None


async def test_per_entry_ttl(autojump_clock: trio.testing.MockClock) -> None:
    lru = make(ttl=10.0)
    t0 = trio.current_time()
    lru.set("short", 1, ttl=1.0)
    lru.set("long", 2)
    lru.set("never", 3, ttl=0)  # a non-positive TTL stores nothing
    assert "never" not in lru
    assert lru.next_deadline() == t0 + 1.0
    await trio.sleep_until(t0 + 1.0)
    assert lru.get("short") is None
    assert lru.get("long") == 2
    await trio.sleep_until(t0 + 10.0)
    assert lru.get("long") is None


def test_least_recently_used_is_evicted_first() -> None:
    dropped: list[tuple[str, int]] = []
    clock = [0.0]
    lru: LRUCache[str, int] = LRUCache(
        3, 60.0, now=lambda: clock[0], on_drop=lambda k, v: dropped.append((k, v))
    )
    for i, k in enumerate("abc"):
        lru.set(k, i)
    assert lru.get("a") == 0  # a is now the most recent; b the least
    lru.set("d", 3)
    assert dropped == [("b", 1)]
    assert [k for k, _ in lru.items()] == ["c", "a", "d"]
    lru.set("e", 4)
    assert dropped == [("b", 1), ("c", 2)]
    assert lru.stats.evictions == 2
    assert len(lru) == 3


async def test_on_drop_on_expiry_not_on_pop_or_overwrite(
    autojump_clock: trio.testing.MockClock,
) -> None:
    dropped: list[tuple[str, int]] = []
    lru = make(ttl=1.0, on_drop=lambda k, v: dropped.append((k, v)))
    t0 = trio.current_time()
    lru.set("a", 1)
    lru.set("a", 2)  # overwrite: no callback
    lru.set("b", 3)
    assert lru.pop("b") == 3  # live pop: no callback
    assert dropped == []
    lru.set("c", 4)
    await trio.sleep_until(t0 + 1.0)
    assert lru.pop("c") is None  # popping an expired entry is its expiry
    assert lru.expire() == 1
    assert dropped == [("c", 4), ("a", 2)]


async def test_sweep_work_per_call_is_bounded(autojump_clock: trio.testing.MockClock) -> None:
    lru = make(max_entries=100, ttl=1.0, sweep_limit=8)
    t0 = trio.current_time()
    for i in range(20):
        lru.set(f"k{i}", i)
    await trio.sleep_until(t0 + 1.0)
    assert lru.get("absent") is None
    assert len(lru) == 12  # one call dropped exactly sweep_limit entries
    lru.set("fresh", 1)
    assert len(lru) == 5  # another 8 went, "fresh" came
    assert lru.expire(limit=2) == 2
    assert lru.expire() == 2
    assert [k for k, _ in lru.items()] == ["fresh"]
    assert lru.stats.expirations == 20


def test_heap_stays_bounded_under_overwrites() -> None:
    lru: LRUCache[str, int] = LRUCache(4, 60.0, now=lambda: 0.0)
    for i in range(10_000):
        lru.set(f"k{i % 2}", i)
    assert len(lru) == 2
    assert len(lru._heap) <= 2 * len(lru) + 64 + 1
    assert lru.get("k0") == 9998
    assert lru.get("k1") == 9999


async def test_background_sweeper_clears_idle_entries(
    autojump_clock: trio.testing.MockClock,
) -> None:
    lru = make(ttl=3.0)
    t0 = trio.current_time()
    lru.set("a", 1)
    lru.set("b", 2, ttl=7.0)
    cleared_at: list[float] = []

    async def sweeper() -> None:
        # The gateway's pattern: sleep until the earliest deadline, sweep, repeat.
        while len(lru):
            deadline = lru.next_deadline()
            assert deadline is not None
            await trio.sleep_until(deadline)
            lru.expire(limit=100)
            cleared_at.append(trio.current_time() - t0)

    await sweeper()
    assert cleared_at == [3.0, 7.0]


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        LRUCache(0, 1.0, now=lambda: 0.0)
    with pytest.raises(ValueError, match="ttl"):
        LRUCache(1, 0.0, now=lambda: 0.0)
