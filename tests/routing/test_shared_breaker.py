"""Breaker state shared between two router instances through one store
(memory: two routers in one process; Redis: the real server)."""

from __future__ import annotations

import time

import trio

from routeiq.config import RouterSettings
from routeiq.routing.router import BREAKER_KEY, Router
from routeiq.routing.settings import BreakerSettings, RoutingSettings
from routeiq.state import StateStore
from tests.routing.helpers import dep

GROUP = [dep("a"), dep("b")]
SETTINGS = RoutingSettings(
    breaker=BreakerSettings(min_requests=2, failure_rate=0.5, cooldown=5.0),
    breaker_sync_interval=0.05,
)


def instance(store: StateStore) -> Router:
    return Router(
        {"m": GROUP},
        router_settings=RouterSettings(),
        settings=SETTINGS,
        store=store,
        wall=time.time,
    )


async def wait_until_open(r: Router, dep_id: str) -> float:
    with trio.fail_after(5):
        while r.breakers.state(dep_id, trio.current_time()) != "open":
            await trio.sleep(0.005)
    return r.breakers.breakers[dep_id].open_until


async def test_open_breaker_reaches_the_other_instance(store: StateStore) -> None:
    one, two = instance(store), instance(store)
    async with trio.open_nursery() as nursery:
        await nursery.start(one.run)
        await nursery.start(two.run)
        now = trio.current_time()
        one.breakers.end("a", False, now, None)
        one.breakers.end("a", False, now, None)
        assert one.breakers.state("a", now) == "open"
        until = await wait_until_open(two, "a")
        assert abs(until - one.breakers.breakers["a"].open_until) < 0.05
        assert two.breakers.breakers["a"].state == "open"
        assert two.breakers.last is not None and two.breakers.last.source == "shared"
        # The receiver does not echo it back; the sender ignores its own message.
        assert one.breakers.count("closed", "open") == 1
        assert two.breakers.count("closed", "open") == 1
        # Traffic on the second instance avoids "a" without ever having seen it fail.
        assert {two.choose("m").id for _ in range(20)} == {"b"}
        # An instance started later reads the stored key at start-up.
        three = instance(store)
        await nursery.start(three.run)
        assert three.breakers.state("a", trio.current_time()) == "open"
        assert await store.get(BREAKER_KEY + "a") is not None
        nursery.cancel_scope.cancel()


async def test_lost_message_is_recovered_by_the_periodic_sync(store: StateStore) -> None:
    one, two = instance(store), instance(store)
    async with trio.open_nursery() as nursery:
        await nursery.start(two.run)
        # "one" is not running: it cannot publish, so write its key as it would.
        until = time.time() + 5.0
        await store.set(BREAKER_KEY + "b", f"{one.instance}|{until:.6f}".encode(), 5.0)
        opened = await wait_until_open(two, "b")
        assert abs(opened - (trio.current_time() + (until - time.time()))) < 1.0  # of 5 s
        nursery.cancel_scope.cancel()
