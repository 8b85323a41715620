"""Cross-process behaviour of the Redis backend: several stores, one Redis."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import orjson
import pytest
import trio

from routeiq.state import RedisStore, StateConflictError, StateSettings
from tests.redis_fixture import RedisServer


@pytest.fixture
async def two_stores(redis_url: str, nursery: trio.Nursery) -> AsyncIterator[list[RedisStore]]:
    """Two stores on one Redis, as two gateway processes would be."""
    settings = StateSettings(backend="redis", redis_url=redis_url, key_prefix="x:", op_timeout=1.0)
    stores = [RedisStore(settings, rng=random.Random(i)) for i in range(2)]
    for store in stores:
        await nursery.start(store.run)
        assert store.health == "up"
    yield stores


def _bump(raw: bytes | None) -> bytes:
    doc: dict[str, int] = orjson.loads(raw) if raw is not None else {"n": 0}
    doc["n"] += 1
    return orjson.dumps(doc)


async def test_concurrent_updates_from_two_processes_are_all_kept(
    two_stores: list[RedisStore],
) -> None:
    async with trio.open_nursery() as nursery:
        for i in range(60):
            nursery.start_soon(two_stores[i % 2].update, "shared", _bump)
    for store in two_stores:
        raw = await store.get("shared")
        assert raw is not None and orjson.loads(raw)["n"] == 60
        assert store.counters.fallback_ops == 0


async def test_conflict_reruns_fn_on_the_value_the_other_writer_left(
    two_stores: list[RedisStore], redis_server: RedisServer
) -> None:
    store = two_stores[0]
    await store.set("doc", b"1")
    seen: list[bytes | None] = []

    def add_one(raw: bytes | None) -> bytes:
        seen.append(raw)
        if len(seen) == 1:
            # Another process writes between our GET and our compare-and-set.
            assert redis_server.command("SET", "x:doc", "100") == b"+OK\r\n"
        return b"%d" % (int(raw or b"0") + 1)

    assert await store.update("doc", add_one) == b"101"
    assert seen == [b"1", b"100"]
    assert redis_server.command("GET", "x:doc") == b"$3\r\n101\r\n"


async def test_conflict_with_a_delete_sees_absence(
    two_stores: list[RedisStore], redis_server: RedisServer
) -> None:
    store = two_stores[0]
    await store.set("gone", b"1")
    seen: list[bytes | None] = []

    def recreate(raw: bytes | None) -> bytes:
        seen.append(raw)
        if len(seen) == 1:
            redis_server.command("DEL", "x:gone")
        return b"fresh" if raw is None else raw + b"!"

    assert await store.update("gone", recreate, ttl=30.0) == b"fresh"
    assert seen == [b"1", None]
    ttl_ms = int(redis_server.command("PTTL", "x:gone")[1:].strip())
    assert 0 < ttl_ms <= 30_000


async def test_endless_conflicts_raise_instead_of_spinning(
    redis_url: str, redis_server: RedisServer, nursery: trio.Nursery
) -> None:
    settings = StateSettings(backend="redis", redis_url=redis_url, key_prefix="x:")
    store = RedisStore(settings, max_update_attempts=3)
    await nursery.start(store.run)
    calls = 0

    def always_raced(raw: bytes | None) -> bytes:
        nonlocal calls
        calls += 1
        redis_server.command("SET", "x:hot", str(calls))
        return b"mine"

    with pytest.raises(StateConflictError):
        await store.update("hot", always_raced)
    assert calls == 3
    assert store.health == "up"  # contention is not an outage


async def test_keys_and_channels_are_prefixed(
    two_stores: list[RedisStore], redis_server: RedisServer
) -> None:
    await two_stores[0].set("k", b"v")
    assert redis_server.command("GET", "x:k") == b"$1\r\nv\r\n"
    assert redis_server.command("EXISTS", "k") == b":0\r\n"
    async with two_stores[1].subscribe("news") as sub:
        assert redis_server.command("PUBLISH", "x:news", "hello") == b":1\r\n"
        with trio.fail_after(2):
            assert await sub.__anext__() == b"hello"
