"""A parallel or budget refusal from the Redis counters carries the rpm and tpm meters.

The memory ledger answered such a refusal with the tightest rpm and tpm meters of
all the request's rules (``Ledger.meters``: its 429 or ``budget_exceeded`` 400 then
carried the x-ratelimit-* headers, as every other answer does); the Redis
admission script answered with none. Here both counters see the same admissions at
the same exact times (the scripts take their clock as an argument) against a real
redis-server, and must give the same (limit, remaining, reset) meters. The same
through the gateway: tests/governance/test_denial_headers.py, on both backends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from routeiq.governance.ledger import Decision, Ledger, Meter, Rule
from routeiq.governance.scripts import BUFFER
from routeiq.governance.shared import SharedCounters
from tests.governance.conftest import Clock, counters_at


@pytest.fixture
async def shared(redis_url: str, clock: Clock) -> AsyncIterator[SharedCounters]:
    async with counters_at(redis_url, "meters:", clock) as counters:
        yield counters


Step = tuple[float, tuple[Rule, ...], int, float]  # at, rules, tokens, max_cost
Seen = tuple[str | None, Meter | None, Meter | None]


async def _both(shared: SharedCounters, clock: Clock, steps: list[Step]) -> list[list[Seen]]:
    """Each step's (refusal kind, requests meter, tokens meter) from Redis and from memory."""
    memory = Ledger()
    out: list[list[Seen]] = []
    for use_redis in (True, False):
        seen: list[Seen] = []
        for at, rules, tokens, cost in steps:
            clock.now = at
            decision: Decision
            if use_redis:
                decision, _ = await shared.admit(rules, tokens, cost)
            else:
                decision, _ = memory.admit(rules, at, at, tokens, cost)
            kind = decision.denial.kind if decision.denial is not None else None
            seen.append((kind, decision.requests, decision.tokens))
        out.append(seen)
    return out


async def test_a_parallel_refusal_carries_the_meters_as_in_memory(
    shared: SharedCounters, clock: Clock
) -> None:
    key = Rule("key:par", rpm=10, tpm=1000, parallel=2)
    team = Rule("team:par", rpm=4, tpm=5000)
    rules = (key, team)
    steps: list[Step] = [
        (6000.0, rules, 100, 0.0),
        (6010.0, rules, 300, 0.0),
        (6030.0, rules, 50, 0.0),  # two in flight: refused
        (6065.0, rules, 50, 0.0),  # still two: the window slid, and rolled a minute
    ]
    redis, memory = await _both(shared, clock, steps)
    assert redis == memory
    # The team's rpm (2 of 4 left) and the key's tpm (600 of 1000 left) are the tightest.
    assert redis[2] == ("parallel", Meter(4, 2, 40.0), Meter(1000, 600, 90.0))
    # At 6065: the entry of 6000 expired (the team has 3 left, empty at 6010 + 60);
    # the key's 400 tokens of minute 100 weigh 55/60: est 366.7, left 633.
    assert redis[3] == ("parallel", Meter(4, 3, 5.0), Meter(1000, 633, 55.0))


async def test_a_budget_refusal_carries_the_meters_as_in_memory(
    shared: SharedCounters, clock: Clock
) -> None:
    key = Rule("key:bud", rpm=50, tpm=2000, max_budget=1.0)
    team = Rule("team:bud", rpm=3, tpm=800)
    rules = (key, team)
    steps: list[Step] = [
        (6000.0, rules, 100, 0.4),
        (6020.0, rules, 200, 0.4),
        (6040.0, rules, 100, 0.4),  # 0.8 reserved + 0.4 > 1.0: refused by the key's budget
        (6040.0, (team, key), 100, 0.4),  # the same, the key's rule second
    ]
    redis, memory = await _both(shared, clock, steps)
    assert redis == memory
    # The team's rpm: 1 of 3 left, empty 60 s after 6020; its tpm: 500 of 800 left.
    assert redis[2] == ("budget", Meter(3, 1, 40.0), Meter(800, 500, 80.0))
    assert redis[3] == redis[2]


async def test_the_refusal_meters_read_the_ring_and_count_nothing(
    shared: SharedCounters, clock: Clock
) -> None:
    """More admissions than the header buffers (times in the ring string), then
    refusals: the meters read the oldest live time there, and the refused requests
    are not counted (the next admission sees the same count)."""
    rule = Rule("key:ring", rpm=20, tpm=10_000, parallel=BUFFER + 4)
    steps: list[Step] = [(6000.0 + 5 * i, (rule,), 10, 0.0) for i in range(BUFFER + 4)]
    steps += [(6062.0, (rule,), 10, 0.0), (6066.0, (rule,), 10, 0.0)]
    redis, memory = await _both(shared, clock, steps)
    assert redis == memory
    n = BUFFER + 4  # all live at 6055; at 6062 the one of 6000 expired, at 6066 6005 too
    newest = 6000.0 + 5 * (n - 1)
    assert redis[-2] == ("parallel", Meter(20, 20 - (n - 1), newest + 60 - 6062.0), redis[-2][2])
    assert redis[-1] == ("parallel", Meter(20, 20 - (n - 2), newest + 60 - 6066.0), redis[-1][2])


async def test_huge_limits_report_the_sorted_set_count(
    shared: SharedCounters, clock: Clock
) -> None:
    rule = Rule("key:huge", rpm=10**9, parallel=2)
    steps: list[Step] = [(6000.0, (rule,), 0, 0.0), (6030.0, (rule,), 0, 0.0)]
    steps += [(6061.0, (rule,), 0, 0.0)]
    redis, memory = await _both(shared, clock, steps)
    assert redis == memory
    assert redis[2] == ("parallel", Meter(10**9, 10**9 - 1, 29.0), None)
