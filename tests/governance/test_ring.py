"""The Redis rpm log (a ring of admission times, routeiq.governance.scripts) against a
real redis-server, at exact times: the scripts take their clock as an argument, so
these tests send the times (the gateway sends -1: Redis's own TIME, one clock for
every process and host)."""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator

import pytest
import trio

from routeiq.governance.ledger import Ledger, Rule
from routeiq.governance.scripts import BUFFER, CHUNK, HEADER
from routeiq.governance.shared import SharedCounters
from tests.governance.conftest import Clock, counters_at
from tests.redis_fixture import PATIENT


@pytest.fixture
async def shared(redis_url: str, clock: Clock) -> AsyncIterator[SharedCounters]:
    async with counters_at(redis_url, "ring:", clock) as counters:
        yield counters


async def _admit(shared: SharedCounters, rule: Rule, at: float, clock: Clock) -> tuple[bool, float]:
    """(admitted, remaining requests or the refusal's wait) at time ``at``."""
    clock.now = at
    decision, ticket = await shared.admit((rule,), 0, 0.0)
    if ticket is None:
        assert decision.denial is not None and decision.denial.kind == "rpm"
        return False, decision.denial.retry_after
    assert decision.requests is not None
    return True, decision.requests.remaining


async def _header(shared: SharedCounters, ns: str) -> tuple[float, ...]:
    raw = await shared._client.get(shared.prefix + ns)
    return HEADER.unpack_from(raw)


async def test_exact_window_wait_and_remaining(shared: SharedCounters, clock: Clock) -> None:
    rule = Rule("key:exact", rpm=3)
    got = [await _admit(shared, rule, t, clock) for t in (6000.0, 6010.0, 6020.0)]
    assert got == [(True, 2), (True, 1), (True, 0)]
    # The 4th waits until the first is 60 s old: exactly 30 s at 6030.
    assert await _admit(shared, rule, 6030.0, clock) == (False, 30.0)
    assert await _admit(shared, rule, 6059.5, clock) == (False, 0.5)
    # At 6060 the first is 60 s old: out of the window (at most 3 in any 60 s).
    assert await _admit(shared, rule, 6060.0, clock) == (True, 0)
    assert await _admit(shared, rule, 6069.0, clock) == (False, 1.0)


async def test_many_expired_at_once_are_found_by_binary_search(
    shared: SharedCounters, clock: Clock
) -> None:
    rule = Rule("key:burst", rpm=50)
    burst = 5 * CHUNK  # more than one chunk read can skip
    for i in range(burst):
        assert (await _admit(shared, rule, 6000.0 + i / 1000, clock))[0]
    assert await _admit(shared, rule, 6030.0, clock) == (True, 50 - burst - 1)
    # At 6060.5 the burst has expired, the entry of 6030 has not: 1 live, this one too.
    assert await _admit(shared, rule, 6060.5, clock) == (True, 48)
    head, tail, tstamp = (await _header(shared, "key:burst"))[7:10]
    assert (head, tail, tstamp) == (burst + 2, burst, 6030.0)
    # The oldest live one expired, one chunk read moves to the next.
    assert await _admit(shared, rule, 6090.2, clock) == (True, 48)
    assert (await _header(shared, "key:burst"))[8:10] == (burst + 1, 6060.5)


async def test_a_full_ring_wraps_and_stays_exact(shared: SharedCounters, clock: Clock) -> None:
    rule = Rule("key:wrap", rpm=4)
    admitted = []
    for i in range(200):  # 3x the rate for 5 minutes: one attempt every 5 s
        t = 6000.0 + 5 * i
        if (await _admit(shared, rule, t, clock))[0]:
            admitted.append(t)
    # Exactly 4 per minute, and never more than 4 in any 60 s.
    per_minute = [sum(1 for t in admitted if 6000 + 60 * m <= t < 6060 + 60 * m) for m in range(16)]
    assert per_minute == [4] * 16
    assert all(admitted[i + 4] - admitted[i] >= 60 for i in range(len(admitted) - 4))
    ring = shared.prefix + "key:wrap:r"
    assert await shared._client.strlen(ring) == 4 * 8


async def test_an_idle_ring_starts_again_small(shared: SharedCounters, clock: Clock) -> None:
    rule = Rule("key:idle", rpm=1000)
    for i in range(100):
        assert (await _admit(shared, rule, 6000.0 + i / 100, clock))[0]
    ring = shared.prefix + "key:idle:r"
    # 96 times went to the ring, BUFFER at a time; the newest 4 are in the header.
    assert await shared._client.strlen(ring) == 96 * 8
    assert (await _header(shared, "key:idle"))[7] - (await _header(shared, "key:idle"))[13] == 4
    assert await _admit(shared, rule, 6061.0, clock) == (True, 999)
    for i in range(1, BUFFER + 1):  # the ring starts again: its first BUFFER times replace it
        assert await _admit(shared, rule, 6061.0 + i, clock) == (True, 999 - i)
    assert await shared._client.strlen(ring) == BUFFER * 8


async def test_a_changed_limit_keeps_every_live_entry(shared: SharedCounters, clock: Clock) -> None:
    five = Rule("key:change", rpm=5)
    for i in range(5):
        assert (await _admit(shared, five, 6000.0 + i, clock))[0]
    three = Rule("key:change", rpm=3)  # the record was edited: 5 live, 3 allowed
    assert await _admit(shared, three, 6010.0, clock) == (False, 52.0)  # 6002 must expire
    ten = Rule("key:change", rpm=10)  # raised: the ring grows, nothing forgotten
    assert await _admit(shared, ten, 6011.0, clock) == (True, 4)
    # Lowered again: the 3rd newest of 6000..6004 and 6011 (6003) must expire first.
    assert await _admit(shared, three, 6012.0, clock) == (False, 51.0)
    assert await _admit(shared, three, 6063.5, clock) == (True, 0)  # 6004, 6011, this
    # The two live ones laid out again in the ring; this one's time is in the header.
    ring = await shared._client.get(shared.prefix + "key:change:r")
    assert ring == struct.pack("<2d", 6004.0, 6011.0)


async def test_the_ring_expiry_is_set_in_a_minute_a_settlement_rolled(
    shared: SharedCounters, clock: Clock
) -> None:
    """The log must outlive its newest entry even when the first write of a minute
    was a settlement (which rolls the header's bucket but does not touch the log)."""
    rule = Rule("key:ttl", rpm=20, parallel=20)
    clock.now = 6001.0
    _, ticket = await shared.admit((rule,), 0, 0.0)
    assert ticket is not None
    for i in range(BUFFER):  # the last of these sends the first BUFFER times to the ring
        assert (await _admit(shared, rule, 6050.0 + i / 10, clock))[0]
    ring = shared.prefix + "key:ttl:r"
    assert await shared._client.strlen(ring) == BUFFER * 8
    await shared._client.expire(ring, 5)  # as if most of its 121 s had passed
    clock.now = 6061.0  # the next minute: the settlement writes first
    shared.settle(ticket, 0, 0.0)
    await shared._flush()
    assert await shared._client.ttl(ring) <= 5
    for i in range(BUFFER):  # the last of these writes the ring again (still live at 6062)
        assert (await _admit(shared, rule, 6062.0 + i / 10, clock))[0]
    assert await shared._client.strlen(ring) == 2 * BUFFER * 8
    assert await shared._client.ttl(ring) > 100


async def test_what_each_principal_holds_and_how_long(shared: SharedCounters, clock: Clock) -> None:
    client = shared._client
    await shared.admit((Rule("key:tpm", tpm=1000),), 30, 0.0)
    await shared.admit((Rule("key:budget", max_budget=5.0),), 30, 0.25)
    await shared.admit((Rule("key:rpm", rpm=5),), 30, 0.0)
    b, tc, tp, pa, pi, sp, rs = (await _header(shared, "key:tpm"))[:7]
    assert (b, tc, tp, pa, pi) == (100, 30, 0, 0, -1)  # minute 6000 / 60; no spend kept
    b, tc, tp, pa, pi, sp, rs = (await _header(shared, "key:budget"))[:7]
    assert (pi, sp, rs) == (0, 0.0, 0.25)
    # The rpm time is in the header's buffer: no ring string until BUFFER more.
    raw = await client.get(shared.prefix + "key:rpm")
    assert raw[HEADER.size :] == struct.pack("<d", 6000.0)
    # Window-only principals expire after three idle minutes; a budget's never does
    # (its spend survives a gateway restart).
    assert 0 < await client.ttl(shared.prefix + "key:tpm") <= 180
    assert 0 < await client.ttl(shared.prefix + "key:rpm") <= 180
    assert await client.ttl(shared.prefix + "key:budget") == -1
    assert not await client.exists([shared.prefix + "key:tpm:r", shared.prefix + "key:rpm:r"])
    rpm = Rule("key:rpm", rpm=5)  # its buffer holds 5: the 6th admission starts the ring
    for t in (6001.0, 6002.0, 6003.0, 6004.0):
        assert (await _admit(shared, rpm, t, clock))[0]
    assert not await client.exists([shared.prefix + "key:rpm:r"])
    assert (await _admit(shared, rpm, 6060.5, clock))[0]
    assert await client.get(shared.prefix + "key:rpm:r") == struct.pack(
        "<5d", 6000.0, 6001.0, 6002.0, 6003.0, 6004.0
    )
    assert 0 < await client.ttl(shared.prefix + "key:rpm:r") <= 121  # two minutes past it


async def test_limits_above_the_ring_keep_a_sorted_set(
    shared: SharedCounters, clock: Clock
) -> None:
    rule = Rule("key:huge", rpm=10**9)
    assert await _admit(shared, rule, 6000.0, clock) == (True, 10**9 - 1)
    assert await _admit(shared, rule, 6001.0, clock) == (True, 10**9 - 2)
    assert await _admit(shared, rule, 6060.5, clock) == (True, 10**9 - 2)
    assert await shared._client.type(shared.prefix + "key:huge:r") == b"zset"


async def test_two_processes_at_three_times_the_rate_admit_the_limit_per_minute(
    redis_url: str,
) -> None:
    clock = Clock(6_000.0)
    a, b = (SharedCounters(redis_url, "two:", clock=clock, op_timeout=PATIENT) for _ in range(2))
    rule = (Rule("key:two", rpm=60),)
    admitted = []
    async with trio.open_nursery() as nursery:
        await nursery.start(a.run)
        await nursery.start(b.run)
        for i in range(3 * 60 * 3):  # 3 per second for 3 minutes, alternating processes
            clock.now = 6000.0 + i / 3
            if (await (a if i % 2 else b).admit(rule, 0, 0.0))[1] is not None:
                admitted.append(clock.now)
        nursery.cancel_scope.cancel()
    per_minute = [sum(1 for t in admitted if 6000 + 60 * m <= t < 6060 + 60 * m) for m in range(3)]
    assert per_minute == [60, 60, 60]
    assert all(admitted[i + 60] - admitted[i] >= 60 for i in range(len(admitted) - 60))


async def test_a_budget_added_later_makes_the_header_persistent(
    shared: SharedCounters, clock: Clock
) -> None:
    name = shared.prefix + "key:later"
    assert (await _admit(shared, Rule("key:later", rpm=5), 6000.0, clock))[0]
    assert 0 < await shared._client.ttl(name) <= 180
    budget = Rule("key:later", rpm=5, max_budget=1.0, base_spend=0.25)
    assert (await _admit(shared, budget, 6001.0, clock))[0]  # same minute: no roll
    assert await shared._client.ttl(name) == -1
    assert await shared.read_spend(budget) == 0.25  # from the database's total


async def test_a_ring_laid_out_again_stays_consistent_when_another_rule_refuses(
    shared: SharedCounters, clock: Clock
) -> None:
    two, team = Rule("key:relay", rpm=2), Rule("team:relay", rpm=1)
    for t in (6000.0, 6050.0, 6061.0):  # the third wraps: slot 0 holds 6061, slot 1 6050
        assert (await _admit(shared, two, t, clock))[0]
    assert (await _admit(shared, team, 6061.5, clock))[0]
    five = Rule("key:relay", rpm=5)  # raised: laid out again; the team refuses
    clock.now = 6062.0
    decision, ticket = await shared.admit((five, team), 0, 0.0)
    assert ticket is None and decision.denial is not None and decision.denial.ns == "team:relay"
    head, tail, ts, nw, cap = (await _header(shared, "key:relay"))[7:12]
    assert (head, tail, ts, nw, cap) == (2, 0, 6050.0, 6061.0, 5)
    ring = await shared._client.get(shared.prefix + "key:relay:r")
    assert ring == struct.pack("<2d", 6050.0, 6061.0)
    assert await _admit(shared, five, 6110.5, clock) == (True, 3)  # 6061 and this
    assert await _admit(shared, five, 6121.5, clock) == (True, 3)  # 6110.5 and this


async def test_the_header_buffers_the_newest_times_and_the_ring_wraps(
    shared: SharedCounters, clock: Clock
) -> None:
    """The newest times live in the header and go to the ring BUFFER at a time, in
    two parts when they wrap around its end; the window reads both exactly."""
    rule = Rule("key:buf", rpm=10)
    ring = shared.prefix + "key:buf:r"
    times = [6000.0 + 7 * i for i in range(30)]  # at most 9 in any 60 s: all admitted
    for i, t in enumerate(times):
        # Live: the ones less than 60 s old (7 * 8 = 56 < 60 <= 63), this one included.
        assert await _admit(shared, rule, t, clock) == (True, 10 - min(i + 1, 9))
        if i + 1 == BUFFER:
            assert not await shared._client.exists([ring])
    head, tail, ts, nw, cap, _, fl = (await _header(shared, "key:buf"))[7:14]
    assert (head, tail, ts, nw, cap, fl) == (30, 21, times[21], times[29], 10, 24)
    raw = await shared._client.get(shared.prefix + "key:buf")
    # (Bytes past them are older times the header's writes left; never read.)
    assert raw[HEADER.size : HEADER.size + 48] == struct.pack("<6d", *times[24:30])
    # Positions 0..23 went to the ring (slot = position % 10): the last flush (16..23)
    # wrapped, 16..19 into slots 6..9 and 20..23 into slots 0..3.
    slots = [max(p for p in range(24) if p % 10 == s) for s in range(10)]
    assert await shared._client.get(ring) == struct.pack("<10d", *(times[p] for p in slots))
    # Full: 10 live at 6204 (6147 .. 6203.5); the oldest, read from the ring, expires at 6207.
    assert await _admit(shared, rule, 6203.5, clock) == (True, 0)
    assert await _admit(shared, rule, 6204.0, clock) == (False, 3.0)


async def test_a_limit_raised_above_the_ring_switches_to_the_sorted_set(
    shared: SharedCounters, clock: Clock
) -> None:
    """The ring string and the sorted set share their key: a limit edited from within
    the ring's size to above it found a string there (WRONGTYPE), which marked Redis
    down for every request of the process."""
    small = Rule("key:grow", rpm=20)
    for i in range(BUFFER + 2):  # the ring string exists
        assert (await _admit(shared, small, 6000.0 + i, clock))[0]
    assert await shared._client.type(shared.prefix + "key:grow:r") == b"string"
    huge = Rule("key:grow", rpm=10**9)
    assert await _admit(shared, huge, 6020.0, clock) == (True, 10**9 - 1)
    assert await _admit(shared, huge, 6021.0, clock) == (True, 10**9 - 2)
    assert shared.downs == 0
    assert await shared._client.type(shared.prefix + "key:grow:r") == b"zset"
    # And back within the ring: it starts again (the sorted set is replaced).
    for i in range(BUFFER + 1):
        assert (await _admit(shared, small, 6030.0 + i, clock))[0]
    assert shared.downs == 0
    assert await shared._client.type(shared.prefix + "key:grow:r") == b"string"


async def test_a_tpm_refusal_carries_the_token_meter_as_in_memory(
    shared: SharedCounters, clock: Clock
) -> None:
    """A tpm 429 from the Redis counters had a Retry-After but no x-ratelimit-*-tokens
    (the memory ledger's had them): the meter is rebuilt from the refusal's window."""
    rule = Rule("key:tpm-meter", tpm=100)
    memory = Ledger()
    got = []
    for counters in (shared, None):
        answers = []
        for at, tokens in ((6000.0, 60), (6030.0, 60)):
            clock.now = at
            if counters is None:
                decision, _ = memory.admit((rule,), at, at, tokens, 0.0)
            else:
                decision, _ = await counters.admit((rule,), tokens, 0.0)
            answers.append(decision)
        admitted, refused = answers
        assert admitted.denial is None and refused.denial is not None
        assert refused.denial.kind == "tpm" and refused.tokens is not None
        got.append((refused.tokens.limit, refused.tokens.remaining, refused.denial.retry_after))
    assert got[0] == got[1] == (100, 40, 50.0)  # the same meter and wait from both
