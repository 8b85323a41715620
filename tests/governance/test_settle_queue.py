"""Settlements summed per principal before they go to Redis (plain function calls)."""

from __future__ import annotations

from routeiq.governance.ledger import Rule
from routeiq.governance.scripts import NOTHING_SETTLED, RULE, SETTLE_PART, bulk
from routeiq.governance.settle_queue import SettleQueue, Sum, wire


def test_a_principal_s_settlements_add_up_to_one_sum() -> None:
    key, team = wire("p:", Rule("key:a", tpm=100)), wire("p:", Rule("team:t", parallel=4))
    q = SettleQueue()
    q.add(key, -20, 0.5, 0.25, now=10.0)
    q.add(team, -20, 0.5, 0.25, now=10.5)
    q.add(key, 5, 0.5, 0.5, now=11.0)
    assert len(q) == 2 and q.since == 10.0
    s = q.take(key.rule)
    assert s is not None and (s.delta, s.count, s.reserved, s.cost) == (-15, 2, 1.0, 0.75)
    assert q.take(key.rule) is None  # taken once
    assert s.raw() == key.raw + SETTLE_PART.pack(-15, 2, 1.0, 0.75)
    assert len(s.raw()) == RULE.size + SETTLE_PART.size


def test_an_edited_record_settles_under_the_rule_it_admitted_by() -> None:
    old, new = Rule("key:b", parallel=1), Rule("key:b", parallel=5)
    q = SettleQueue()
    q.add(wire("p:", old), 0, 0.0, 0.1, now=0.0)
    assert q.take(new) is None  # the new record's admission does not carry it
    assert q.take(old) is not None


def test_batches_come_oldest_first_and_unsent_ones_merge_back() -> None:
    wires = [wire("p:", Rule(f"key:{i}", parallel=1)) for i in range(5)]
    q = SettleQueue()
    for i, w in enumerate(wires):
        q.add(w, 0, 0.0, 0.1 * i, now=float(i))
    batch = q.take_batch(3, now=7.0)
    assert [s.wire for s in batch] == wires[:3] and len(q) == 2 and q.since == 7.0
    q.add(wires[0], 0, 0.0, 1.0, now=8.0)  # settled again meanwhile
    q.give_back(batch, now=9.0)  # the call was not sent
    merged = q.take(wires[0].rule)
    assert merged is not None and (merged.count, merged.cost) == (2, 1.0)
    assert len(q.take_batch(10, now=9.0)) == 4 and len(q) == 0


def test_an_admission_carrying_nothing_sends_zeros() -> None:
    w = wire("p:", Rule("key:c", rpm=5))
    assert w.arg == bulk(w.raw)  # nothing carried: the rule alone
    assert Sum(w).raw() == w.raw + NOTHING_SETTLED
