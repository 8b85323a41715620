"""Flush rules: matching, pruning by age, the cap that flushes more (never less)."""

from __future__ import annotations

from routeiq.cache.rules import FlushRule, FlushRules


def test_matching() -> None:
    rules = FlushRules(max_age=100)
    assert rules.add(FlushRule("key:a", None, 50.0), now=50.0)
    assert rules.flushed("key:a", "m1", 49.0)
    assert rules.flushed("key:a", "m2", 50.0)  # stored at the flush instant: gone too
    assert not rules.flushed("key:a", "m1", 50.5)  # stored after the flush
    assert not rules.flushed("key:b", "m1", 10.0)
    assert rules.add(FlushRule(None, "m9", 60.0), now=60.0)
    assert rules.flushed("key:b", "m9", 10.0)
    assert not rules.flushed("key:b", "m1", 10.0)
    assert not rules.add(FlushRule(None, "m9", 60.0), now=60.0)  # known already
    assert len(rules) == 2


def test_old_rules_are_pruned() -> None:
    rules = FlushRules(max_age=100)
    rules.add(FlushRule("key:a", None, 0.0), now=0.0)
    rules.add(FlushRule("key:b", None, 90.0), now=90.0)
    assert not rules.add(FlushRule("key:c", None, 5.0), now=150.0)  # older than max_age
    rules.prune(now=150.0)
    assert rules.rules == [FlushRule("key:b", None, 90.0)]


def test_cap_merges_the_oldest_into_a_flush_of_everything() -> None:
    rules = FlushRules(max_age=1000, max_rules=3)
    for i in range(4):
        rules.add(FlushRule(f"key:{i}", None, float(i)), now=float(i))
    assert rules.rules == [
        FlushRule(None, None, 1.0),
        FlushRule("key:2", None, 2.0),
        FlushRule("key:3", None, 3.0),
    ]
    # Everything stored up to t=1 is hidden, whatever its namespace: more, never less.
    assert rules.flushed("key:0", "m", 0.5) and rules.flushed("key:9", "m", 1.0)
    assert not rules.flushed("key:9", "m", 1.5)


def test_dump_and_parse() -> None:
    rules = FlushRules(max_age=100)
    rules.add(FlushRule("key:a", "m", 10.0), now=10.0)
    rules.add(FlushRule(None, None, 20.0), now=20.0)
    dumped = rules.dump()
    assert dumped == [["key:a", "m", 10.0], [None, None, 20.0]]
    parsed = FlushRules.parse([*dumped, ["x"], "junk", [1, 2, 3], [None, None, "t"]])
    assert parsed == rules.rules
    assert FlushRules.parse({"not": "a list"}) == []
