"""The shared counters' Redis keys of older layouts (``gov:`` hashes and sorted sets,
``gov:v2:`` strings) are deleted once in the background after the first connection,
with SCAN + UNLINK, on a real redis-server; the current layout's keys and everything
outside the gateway's prefix stay."""

from __future__ import annotations

import coredis
import trio

from routeiq.governance.legacy_keys import glob_escape, is_legacy, sweep
from tests.governance.conftest import Clock, counters_at

pytest_plugins = ["tests.redis_fixture"]


def test_which_keys_are_of_an_older_layout() -> None:
    assert is_legacy(b"p:gov:key:abc", "p:") and is_legacy("p:gov:v2:team:t:r", "p:")
    assert not is_legacy(b"p:gov:v3:key:abc", "p:")
    assert not is_legacy(b"q:gov:key:abc", "p:") and not is_legacy(b"p:cache:x", "p:")
    assert glob_escape("a*b?[c]\\") == "a\\*b\\?\\[c\\]\\\\"


async def _seed(client: coredis.Redis[bytes], prefix: str, n: int) -> tuple[set[bytes], set[bytes]]:
    """``n`` principals in each older layout, and keys that must stay."""
    old: set[bytes] = set()
    for i in range(n):
        await client.hset(f"{prefix}gov:key:k{i}", {"sp": "1.5", "rs": "0"})
        await client.zadd(f"{prefix}gov:key:k{i}:log", {"m": 1.0})
        await client.set(f"{prefix}gov:v2:key:k{i}", "x" * 64)
        await client.set(f"{prefix}gov:v2:key:k{i}:r", "y")
        old |= {f"{prefix}gov:key:k{i}".encode(), f"{prefix}gov:key:k{i}:log".encode()}
        old |= {f"{prefix}gov:v2:key:k{i}".encode(), f"{prefix}gov:v2:key:k{i}:r".encode()}
    keep = {
        f"{prefix}gov:v3:key:k0".encode(),
        f"{prefix}cache:entry".encode(),
        f"other-{prefix}gov:key:k0".encode(),  # another gateway's prefix
    }
    for k in keep:
        await client.set(k, "keep")
    return old, keep


async def _keys(client: coredis.Redis[bytes], prefix: str) -> set[bytes]:
    found: set[bytes] = set()
    async for k in client.scan_iter(match=f"*{prefix}*"):
        found.add(k)
    return found


async def test_a_sweep_unlinks_the_older_layouts_in_bounded_batches(redis_url: str) -> None:
    prefix = "sweep-a:"
    async with coredis.Redis.from_url(redis_url) as client:
        old, keep = await _seed(client, prefix, 40)
        assert await _keys(client, prefix) == old | keep
        # COUNT 7: many SCAN round trips, each batch unlinked on its own.
        assert await sweep(client, prefix, count=7) == len(old) == 160
        assert await _keys(client, prefix) == keep
        assert await sweep(client, prefix) == 0  # idempotent (several processes)


async def test_the_counters_sweep_once_after_connecting(redis_url: str, clock: Clock) -> None:
    prefix = "sweep-b:"
    async with coredis.Redis.from_url(redis_url) as client:
        _old, keep = await _seed(client, prefix, 5)
        async with counters_at(redis_url, prefix, clock) as counters:
            with trio.fail_after(10):
                while not counters.swept[0]:
                    await trio.sleep(0.01)
            assert await _keys(client, prefix) == keep
