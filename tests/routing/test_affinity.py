"""Conversation affinity through route_and_call, on the memory store and a real
Redis; TTLs on the autojump clock (memory) and via PTTL (Redis)."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Sequence

import trio
import trio.testing

from routeiq.config import Deployment, RouterSettings
from routeiq.routing.affinity import KEY_PREFIX, AffinityRecord, encode_record
from routeiq.routing.executor import AttemptResult, RouteRequest, route_and_call
from routeiq.routing.router import Router
from routeiq.routing.settings import AffinitySettings, RoutingSettings
from routeiq.state import MemoryStore, StateStore
from tests.redis_fixture import RedisServer
from tests.routing.helpers import dep

GROUP = [dep(f"d{i}") for i in range(4)]


class Answers:
    """The attempt: every answer gets a fresh response id; records who answered."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.answered: list[str] = []

    async def __call__(self, d: Deployment) -> AttemptResult:
        self.answered.append(d.id)
        return AttemptResult(response_id=f"resp-{next(self.ids)}")


def make_router(
    store: StateStore,
    group: Sequence[Deployment] = GROUP,
    *,
    seed: int = 0,
    ttl: float = 3600.0,
    autojump: bool = False,
) -> Router:
    return Router(
        {"m": group},
        router_settings=RouterSettings(routing_strategy="simple-shuffle"),
        settings=RoutingSettings(affinity=AffinitySettings(ttl=ttl)),
        store=store,
        wall=trio.current_time if autojump else time.time,
        rng=random.Random(seed),
    )


async def turn(r: Router, key: str | None, answers: Answers) -> str:
    out = await route_and_call(
        r, RouteRequest("m", affinity_key=key), answers, deadline=trio.current_time() + 10
    )
    return out.deployment.id


async def test_conversation_keeps_its_deployment(store: StateStore) -> None:
    r = make_router(store)
    answers = Answers()
    first = {conv: await turn(r, f"c:{conv}", answers) for conv in range(20)}
    assert len(set(first.values())) > 1  # conversations are spread
    for _ in range(5):
        for conv, d in first.items():
            assert await turn(r, f"c:{conv}", answers) == d


async def test_previous_response_id_chains_turns(store: StateStore) -> None:
    r = make_router(store, seed=5)
    answers = Answers()
    chains = []
    for _ in range(8):
        d = await turn(r, None, answers)  # turn 1: no key at all
        chains.append((d, f"resp-{len(answers.answered)}"))
    assert len({d for d, _ in chains}) > 1
    for _ in range(3):
        nxt = []
        for d, rid in chains:
            assert await turn(r, f"r:{rid}", answers) == d
            nxt.append((d, f"resp-{len(answers.answered)}"))
        chains = nxt


async def test_open_breaker_reroutes_and_rerecords(store: StateStore) -> None:
    r = make_router(store)
    answers = Answers()
    home = await turn(r, "c:x", answers)
    r.breakers.force_open(home, trio.current_time() + 0.2, trio.current_time())
    moved = await turn(r, "c:x", answers)
    assert moved != home
    await trio.sleep(0.25)  # the old home is available again; the conversation stays moved
    assert r.breakers.available(home, trio.current_time())
    assert [await turn(r, "c:x", answers) for _ in range(5)] == [moved] * 5


async def test_removed_deployment_reroutes_and_two_instances_agree(store: StateStore) -> None:
    one = make_router(store, seed=1)
    answers = Answers()
    home = await turn(one, "c:y", answers)
    # A second instance on the same store continues the conversation there.
    two = make_router(store, seed=2)
    assert [await turn(two, "c:y", answers) for _ in range(3)] == [home] * 3
    # A third instance whose config no longer has that deployment re-records it.
    three = make_router(store, [d for d in GROUP if d.id != home], seed=3)
    moved = await turn(three, "c:y", answers)
    assert moved != home
    assert await turn(one, "c:y", answers) == moved
    assert await turn(two, "c:y", answers) == moved


async def test_affinity_ttl_exact_on_autojump_clock(
    autojump_clock: trio.testing.MockClock,
) -> None:
    store = MemoryStore()
    r = make_router(store, ttl=10.0, autojump=True)
    answers = Answers()
    home = await turn(r, "c:z", answers)
    assert await r.affinity.lookup("c:z") == AffinityRecord(home, "m", 10.0)
    await trio.sleep(5.0)
    assert await turn(r, "c:z", answers) == home  # this turn slides the expiry to 15
    await trio.sleep(9.999)
    assert await r.affinity.lookup("c:z") == AffinityRecord(home, "m", 15.0)
    await trio.sleep(0.001)
    assert trio.current_time() == 15.0
    assert await r.affinity.lookup("c:z") is None
    assert await store.get(KEY_PREFIX + "c:z") is None


async def test_expired_value_is_ignored_even_if_the_store_kept_it(
    autojump_clock: trio.testing.MockClock,
) -> None:
    store = MemoryStore()
    r = make_router(store, autojump=True)
    await trio.sleep(100.0)
    await store.set(KEY_PREFIX + "c:old", encode_record(AffinityRecord("d0", "m", 99.0)))
    assert await r.affinity.lookup("c:old") is None


async def test_redis_record_has_the_ttl(redis_url: str, redis_server: RedisServer) -> None:
    from tests.routing.conftest import make_store

    store = make_store(redis_url)
    async with trio.open_nursery() as nursery:
        await nursery.start(store.run)
        r = make_router(store, ttl=120.0)
        home = await turn(r, "c:ttl", Answers())
        pttl = int(redis_server.command("PTTL", "rt:aff:c:ttl").split(b"\r\n")[0][1:])
        assert 119_000 < pttl <= 120_000
        raw = redis_server.command("GET", "rt:aff:r:resp-1")
        assert home.encode() in raw
        nursery.cancel_scope.cancel()
