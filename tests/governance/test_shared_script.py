"""The Redis admission script's own behaviour (real redis-server): what rides along
with an admission, and spend that outlives a gateway process (what each principal's
string holds, and how long it lives: test_ring.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import trio

from routeiq.governance.ledger import Rule
from routeiq.governance.scripts import HEADER
from routeiq.governance.shared import SharedCounters
from tests.redis_fixture import PATIENT


@pytest.fixture
async def shared(redis_url: str) -> AsyncIterator[SharedCounters]:
    # The flusher would send queued settlements after an hour: what reaches Redis
    # here rode along with an admission.
    counters = SharedCounters(redis_url, "s:", flush_delay=3600.0, op_timeout=PATIENT)
    async with trio.open_nursery() as nursery:
        await nursery.start(counters.run)
        yield counters
        nursery.cancel_scope.cancel()


async def test_a_sequential_client_sees_its_previous_request_settled(
    shared: SharedCounters,
) -> None:
    mine = (Rule("key:seq", parallel=1, max_budget=1.0),)
    other = (Rule("key:other", rpm=100),)
    for _ in range(5):  # one in flight at a time: never refused
        decision, ticket = await shared.admit(mine, 0, 0.1)
        assert ticket is not None, decision.denial
        shared.settle(ticket, 0, 0.05)
    assert len(shared._pending) == 1
    # Another principal's admission does not carry it (no work on its round trip)...
    assert (await shared.admit(other, 0, 0.0))[1] is not None
    assert len(shared._pending) == 1
    # ...the next one of the same principal does, before it is checked.
    decision, ticket = await shared.admit(mine, 0, 0.1)
    assert ticket is not None and not shared._pending
    assert await shared.read_spend(mine[0]) == pytest.approx(0.25)


async def test_spend_in_redis_survives_a_new_gateway_process(redis_url: str) -> None:
    rule = (Rule("key:restart", max_budget=1.0),)
    first = SharedCounters(redis_url, "r:", flush_delay=0.01, op_timeout=PATIENT)
    async with trio.open_nursery() as nursery:
        await nursery.start(first.run)
        _, ticket = await first.admit(rule, 0, 0.5)
        assert ticket is not None
        first.settle(ticket, 0, 0.4)
        with trio.fail_after(5):
            while first._pending:
                await trio.sleep(0.01)
        nursery.cancel_scope.cancel()
    second = SharedCounters(redis_url, "r:", op_timeout=PATIENT)
    async with trio.open_nursery() as nursery:
        await nursery.start(second.run)
        assert await second.read_spend(rule[0]) == pytest.approx(0.4)
        # 0.4 spent + 0.7 > 1.0: refused by the new process without a local record.
        decision, ticket = await second.admit(rule, 0, 0.7)
        assert ticket is None and decision.denial is not None
        assert decision.denial.kind == "budget"
        assert decision.denial.spend == pytest.approx(0.4)
        nursery.cancel_scope.cancel()


async def test_a_principal_s_settlements_ride_along_as_one_sum(shared: SharedCounters) -> None:
    rule = Rule("key:sum", parallel=3, max_budget=10.0)
    tickets = [(await shared.admit((rule,), 0, 1.0))[1] for _ in range(3)]
    for t in tickets:
        assert t is not None
        shared.settle(t, 0, 0.1)
    assert len(shared._pending) == 1
    (queued,) = shared._pending.sums.values()
    assert (queued.count, queued.reserved, queued.cost) == (3, 3.0, 0.1 + 0.1 + 0.1)
    # All three in flight were settled by this admission's own argument: it is the
    # only one in flight now, and the spend is the three costs.
    assert (await shared.admit((rule,), 0, 1.0))[1] is not None
    assert not shared._pending
    raw = await shared._client.get(shared.prefix + "key:sum")
    pa, pi, sp, rs = HEADER.unpack_from(raw)[3:7]
    assert (pa, pi, rs) == (1, 0, 1.0) and sp == pytest.approx(0.3)


async def test_a_refused_admission_leaves_what_it_carried_queued(shared: SharedCounters) -> None:
    rule = Rule("key:refused", rpm=1, parallel=1)
    _, ticket = await shared.admit((rule,), 0, 0.0)
    assert ticket is not None
    shared.settle(ticket, 0, 0.0)
    decision, again = await shared.admit((rule,), 0, 0.0)  # carries it, refused on rpm
    assert again is None and decision.denial is not None and decision.denial.kind == "rpm"
    assert len(shared._pending) == 1  # the script wrote nothing: still to be sent
    await shared._flush()
    raw = await shared._client.get(shared.prefix + "key:refused")
    assert HEADER.unpack_from(raw)[3] == 0  # nothing in flight
