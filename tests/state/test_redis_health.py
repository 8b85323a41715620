"""The Redis backend's failure handling: fallback, backoff probes, recovery."""

from __future__ import annotations

import logging
import random
import socket
from collections.abc import Callable

import pytest
import trio
import trio.testing

from routeiq.state import RedisStore, StateSettings, next_delay
from tests.redis_fixture import RedisServer


def _dead_url() -> str:
    """A 127.0.0.1 URL where nothing listens (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


async def test_probe_schedule_exact_virtual_times(autojump_clock: trio.testing.MockClock) -> None:
    settings = StateSettings(
        backend="redis", redis_url=_dead_url(), backoff_initial=0.1, backoff_cap=1.0
    )
    store = RedisStore(settings, rng=random.Random(7))
    expected = random.Random(7)
    delays = [next_delay(attempt, 0.1, 1.0, expected) for attempt in range(12)]
    async with trio.open_nursery() as nursery:
        t0 = trio.current_time()
        await nursery.start(store.run)
        # The first probe failed before run() reported started, at no virtual cost.
        assert trio.current_time() == t0
        assert (store.health, store.counters.probes) == ("down", 1)
        # Every operation works, served by the fallback.
        await store.set("k", b"v")
        assert await store.get("k") == b"v"
        assert await store.incr("n") == 1
        assert await store.ping() is False
        assert store.counters.fallback_ops == 3
        probe_at = t0
        for number, delay in enumerate(delays, start=2):
            probe_at += delay
            await trio.sleep_until(probe_at - 1e-6)
            assert store.counters.probes == number - 1
            await trio.sleep_until(probe_at + 1e-6)
            assert store.counters.probes == number
        assert store.health == "down"
        assert (store.counters.downs, store.counters.ups) == (0, 0)
        nursery.cancel_scope.cancel()
    # The schedule doubled from 0.1 s and then stayed (jittered) under the 1 s cap.
    assert delays[0] < 0.1 < delays[2]
    assert all(0.5 <= d <= 1.0 for d in delays[4:])


async def _wait_for(predicate: Callable[[], bool], limit: float) -> float:
    """Poll ``predicate()`` every 10 ms (at most ``limit`` s); return the seconds it took."""
    start = trio.current_time()
    with trio.fail_after(limit):
        while True:
            if predicate():
                return trio.current_time() - start
            await trio.sleep(0.01)


async def test_outage_is_served_by_fallback_then_recovers(
    redis_server: RedisServer, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="routeiq.state")
    settings = StateSettings(
        backend="redis",
        redis_url=redis_url,
        key_prefix="fault:",
        op_timeout=0.25,
        backoff_initial=0.05,
        backoff_cap=0.5,
    )
    store = RedisStore(settings, rng=random.Random(3))
    completed = 0
    stop = trio.Event()

    async def steady_traffic() -> None:
        nonlocal completed
        i = 0
        while not stop.is_set():
            # Every call must return normally whatever Redis does.
            await store.set(f"k{i % 20}", b"%d" % i, ttl=30.0)
            await store.get(f"k{(i + 7) % 20}")
            await store.incr("requests", ttl=30.0)
            await store.update("doc", lambda raw: b"%d" % (int(raw or b"0") + 1))
            completed += 1
            i += 1
            await trio.sleep(0.005)

    async with trio.open_nursery() as nursery:
        await nursery.start(store.run)
        assert store.health == "up"
        async with store.subscribe("events") as events:
            nursery.start_soon(steady_traffic)
            await trio.sleep(0.3)
            assert store.counters.fallback_ops == 0
            before_outage = completed

            await trio.to_thread.run_sync(redis_server.stop)
            await _wait_for(lambda: store.health == "down", limit=1.0)
            assert store.counters.downs == 1
            await trio.sleep(2.0)
            health: str = store.health  # (mypy narrowed the property to "up" above)
            assert health == "down"
            assert completed > before_outage + 50  # traffic kept flowing, from the fallback
            assert store.counters.fallback_ops > 200
            # While down: read-your-writes from the fallback, local pub/sub delivery.
            await store.set("during", b"outage")
            assert await store.get("during") == b"outage"
            await store.publish("events", b"local")
            with trio.fail_after(1):
                assert await events.__anext__() == b"local"

            await trio.to_thread.run_sync(redis_server.start)
            took = await _wait_for(lambda: store.health == "up", limit=3.0)
            # The next probe comes at most one capped backoff later (+ its PING).
            assert took <= settings.backoff_cap + settings.op_timeout
            assert (store.counters.downs, store.counters.ups) == (1, 2)

            await store.set("after", b"recovered")
            # A fresh client sees the write: it went to Redis, not the fallback.
            assert redis_server.command("GET", "fault:after") == b"$9\r\nrecovered\r\n"
            # The relay re-subscribed in Redis: messages flow through Redis again.
            with trio.fail_after(3):
                while True:
                    await store.publish("events", b"via-redis")
                    with trio.move_on_after(0.1):
                        assert await events.__anext__() == b"via-redis"
                        break
            stop.set()
        nursery.cancel_scope.cancel()
    messages = [r.getMessage() for r in caplog.records if r.name == "routeiq.state"]
    assert any("is down" in m for m in messages)
    assert sum("is up" in m for m in messages) == 2


async def test_hung_redis_call_is_cut_by_the_deadline(
    redis_server: RedisServer, redis_url: str
) -> None:
    # A listener that accepts connections and never answers: Redis "hangs".
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    settings = StateSettings(
        backend="redis", redis_url=f"redis://127.0.0.1:{port}/0", op_timeout=0.2
    )
    store = RedisStore(settings, rng=random.Random(0))
    try:
        async with trio.open_nursery() as nursery:
            start = trio.current_time()
            await nursery.start(store.run)
            # The connect/PING probe gave up at the deadline, not later.
            assert trio.current_time() - start < 2.0  # 10x slack for a loaded machine
            assert store.health == "down"
            start = trio.current_time()
            await store.set("k", b"v")
            assert await store.get("k") == b"v"
            assert trio.current_time() - start < 0.2  # down: not even one op_timeout wait
            nursery.cancel_scope.cancel()
    finally:
        listener.close()


async def test_paused_redis_costs_one_deadline_then_nothing(
    redis_server: RedisServer, redis_url: str
) -> None:
    settings = StateSettings(
        backend="redis", redis_url=redis_url, op_timeout=0.2, backoff_initial=0.05, backoff_cap=0.2
    )
    store = RedisStore(settings, rng=random.Random(0))
    async with trio.open_nursery() as nursery:
        await nursery.start(store.run)
        await store.set("k", b"before")
        redis_server.pause()
        try:
            start = trio.current_time()
            await store.set("k", b"during")  # hangs in Redis until the deadline
            first = trio.current_time() - start
            assert 0.2 <= first < 2.0  # the deadline, not a hang (slack for a loaded machine)
            assert store.health == "down"
            start = trio.current_time()
            for _ in range(100):
                assert await store.get("k") == b"during"
            assert trio.current_time() - start < 0.2  # served locally: not one op_timeout
        finally:
            redis_server.resume()
        await _wait_for(lambda: store.health == "up", limit=2.0)
        # (The timed-out SET may still land when Redis resumes: a deadline says
        # nothing about whether a sent command ran. Only what followed is local.)
        await store.set("k2", b"after")
        assert redis_server.command("GET", "routeiq:k2") == b"$5\r\nafter\r\n"
        nursery.cancel_scope.cancel()
