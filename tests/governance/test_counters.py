"""One behaviour suite for the counters: this process's ledger and Redis (real server).

The Redis side runs on Redis's own clock, so these tests assert counts and
decisions, not times (exact times are asserted on the ledger in test_core.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import trio

from routeiq.governance.counters import Counters, LocalCounters
from routeiq.governance.ledger import Rule
from routeiq.governance.shared import SharedCounters
from tests.redis_fixture import PATIENT, RedisServer


@pytest.fixture(params=["memory", "redis"])
async def counters(request: pytest.FixtureRequest) -> AsyncIterator[Counters]:
    if request.param == "memory":
        yield LocalCounters()
        return
    url: str = request.getfixturevalue("redis_url")
    shared = SharedCounters(url, "t:", op_timeout=PATIENT)
    async with trio.open_nursery() as nursery:
        await nursery.start(shared.run)
        assert shared.up
        yield shared
        nursery.cancel_scope.cancel()


async def test_rpm_admits_the_limit_and_counts_refusals_nowhere(counters: Counters) -> None:
    key, team = Rule("key:a", rpm=5), Rule("team:t", rpm=3)
    results = [await counters.admit((key, team), 0, 0.0) for _ in range(5)]
    assert [t is not None for _, t in results] == [True, True, True, False, False]
    denial = results[3][0].denial
    assert denial is not None and denial.kind == "rpm" and denial.ns == "team:t"
    assert denial.retry_after > 0
    # The key alone still has 2 of its 5 left: the refusals counted nowhere.
    alone = [await counters.admit((key,), 0, 0.0) for _ in range(3)]
    assert [t is not None for _, t in alone] == [True, True, False]
    meter = alone[0][0].requests
    assert meter is not None and (meter.limit, meter.remaining) == (5, 1)


async def test_tpm_estimate_is_replaced_by_the_real_tokens(counters: Counters) -> None:
    rule = (Rule("key:b", tpm=1000),)
    _, t1 = await counters.admit(rule, 700, 0.0)
    assert t1 is not None
    assert (await counters.admit(rule, 700, 0.0))[1] is None
    counters.settle(t1, 50, 0.0)
    _, t2 = await counters.admit(rule, 700, 0.0)
    assert t2 is not None


async def test_parallel_and_budget_reservations(counters: Counters) -> None:
    rule = (Rule("key:c", parallel=2, max_budget=1.0),)
    t1 = (await counters.admit(rule, 0, 0.4))[1]
    t2 = (await counters.admit(rule, 0, 0.4))[1]
    assert t1 is not None and t2 is not None
    d = (await counters.admit(rule, 0, 0.1))[0].denial
    assert d is not None and d.kind == "parallel"
    counters.settle(t1, 0, 0.35)
    # spend 0.35 + reserved 0.4 + 0.4 > 1.0: refused on budget, not on parallel.
    d = (await counters.admit(rule, 0, 0.4))[0].denial
    assert d is not None and d.kind == "budget" and d.spend == pytest.approx(0.75)
    assert (await counters.admit(rule, 0, 0.2))[1] is not None


async def test_budget_starts_from_the_stored_spend(counters: Counters) -> None:
    rule = (Rule("key:d", max_budget=1.0, base_spend=0.95),)
    assert (await counters.admit(rule, 0, 0.1))[1] is None
    assert (await counters.admit(rule, 0, 0.05))[1] is not None


async def test_two_processes_share_one_limit_through_redis(redis_url: str) -> None:
    a, b = (
        SharedCounters(redis_url, "t:", op_timeout=PATIENT),
        SharedCounters(redis_url, "t:", op_timeout=PATIENT),
    )
    rule = (Rule("key:e", rpm=4),)
    async with trio.open_nursery() as nursery:
        await nursery.start(a.run)
        await nursery.start(b.run)
        admitted = 0
        for i in range(8):
            admitted += (await (a if i % 2 else b).admit(rule, 0, 0.0))[1] is not None
        assert admitted == 4
        nursery.cancel_scope.cancel()


async def test_redis_outage_falls_back_per_process_and_reconciles_spend(
    redis_server: RedisServer, redis_url: str
) -> None:
    # 2 s: long enough that a loaded CI machine does not time out the admissions before
    # the pause (a false outage), short enough to wait out once after it.
    shared = SharedCounters(redis_url, "t:", op_timeout=2.0, backoff_initial=0.05, backoff_cap=0.2)
    rule = (Rule("key:f", rpm=100, max_budget=10.0),)
    async with trio.open_nursery() as nursery:
        await nursery.start(shared.run)
        t = (await shared.admit(rule, 0, 1.0))[1]
        assert t is not None and t.shared
        shared.settle(t, 0, 1.0)
        await trio.sleep(0.1)  # the flusher sends it (no admission carried it)
        assert not shared._pending
        redis_server.pause()  # nothing answers: the call times out
        t = (await shared.admit(rule, 0, 1.0))[1]  # fails over, still enforced locally
        assert t is not None and not t.shared and not shared.up
        shared.settle(t, 0, 2.0)
        assert shared.outage_spend == {"key:f": 2.0}
        redis_server.resume()
        with trio.fail_after(10):
            while not shared.up:
                await trio.sleep(0.05)
        assert shared.outage_spend == {}
        assert await shared.read_spend(rule[0]) == pytest.approx(3.0)
        nursery.cancel_scope.cancel()


async def test_four_principals_admit_together_or_not_at_all(counters: Counters) -> None:
    rules = (
        Rule("key:g", rpm=5, tpm=1000),
        Rule("team:g", rpm=4, max_budget=1.0),
        Rule("user:g", rpm=10, parallel=5),
        Rule("customer:g", rpm=2),
    )
    results = [await counters.admit(rules, 100, 0.1) for _ in range(3)]
    assert [t is not None for _, t in results] == [True, True, False]
    first = results[0][0]
    assert first.requests is not None and (first.requests.limit, first.requests.remaining) == (2, 1)
    assert first.tokens is not None and first.tokens.remaining == 900
    denial = results[2][0].denial
    assert denial is not None and (denial.kind, denial.ns) == ("rpm", "customer:g")
    # The refusal counted nowhere: without the customer, the team has 2 of 4 left.
    alone = [await counters.admit(rules[:3], 100, 0.1) for _ in range(3)]
    assert [t is not None for _, t in alone] == [True, True, False]
    assert alone[2][0].denial is not None and alone[2][0].denial.ns == "team:g"
