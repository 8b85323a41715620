"""The I/O-free core: keys, durations, the sliding window, admission and budgets."""

from __future__ import annotations

import math

import pytest

from routeiq.governance.duration import parse_duration, period_end, period_index
from routeiq.governance.ledger import Ledger, Rule
from routeiq.governance.records import models_allow, principal
from routeiq.governance.tokens import hash_key, key_id, new_key
from routeiq.governance.window import Window


def test_keys_are_long_random_and_stored_as_hashes() -> None:
    a, b = new_key(), new_key()
    assert a.startswith("sk-") and len(a) >= 3 + 43 and a != b
    assert len(hash_key(a)) == 64 and hash_key(a) != a
    assert key_id(a) == hash_key(a) and key_id(hash_key(a)) == hash_key(a)


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("15m", 900), ("1h", 3600), ("7d", 604800), ("30d", 2592000)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "30", "1y", "-1d", "0s", "1.5h", "99999999999d"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_budget_periods_count_from_the_anchor() -> None:
    assert period_index(1000.0, 1000.0, 30.0) == 0
    assert period_index(1029.9, 1000.0, 30.0) == 0
    assert period_index(1030.0, 1000.0, 30.0) == 1
    assert period_index(5000.0, 1000.0, None) == 0
    assert period_end(1, 1000.0, 30.0) == 1060.0


def test_sliding_window_does_not_double_at_the_boundary() -> None:
    w = Window(60.0)
    for _ in range(10):
        w.add(59.0, 1)  # end of bucket 0
    # Just after the boundary the previous bucket still weighs almost fully:
    assert w.estimate(60.5) == pytest.approx(10 * (1 - 0.5 / 60))
    # so only ~0 more fit under 10 at 60.5 (a fixed window would allow 10 more).
    assert w.wait_for(60.5, 10, 1) == pytest.approx(6.0 - 0.5)
    assert w.estimate(120.0) == 0.0  # two buckets later: empty


def test_window_wait_when_the_current_bucket_is_full() -> None:
    w = Window(60.0)
    w.add(10.0, 5)
    # limit 5, current 5: must wait for the next bucket, then for 1/5 of it.
    assert w.wait_for(10.0, 5, 1) == pytest.approx(50.0 + 12.0)
    assert w.wait_for(10.0, 5, 6) == math.inf
    assert w.full_reset(10.0) == pytest.approx(110.0)


def test_rpm_admits_exactly_the_limit_then_names_the_wait() -> None:
    led = Ledger()
    rules = (Rule("key:a", rpm=3),)
    for i in range(3):
        decision, ticket = led.admit(rules, 1.0 + i, 0.0, 0, 0.0)
        assert ticket is not None and decision.requests is not None
        assert decision.requests.remaining == 2 - i
    decision, ticket = led.admit(rules, 4.0, 0.0, 0, 0.0)
    assert ticket is None and decision.denial is not None
    assert decision.denial.kind == "rpm" and decision.denial.ns == "key:a"
    # exact: the first of the three (at t=1) leaves the window at t=61
    assert decision.denial.retry_after == pytest.approx(57.0)
    assert led.admit(rules, 60.99, 0.0, 0, 0.0)[1] is None
    assert led.admit(rules, 61.0, 0.0, 0, 0.0)[1] is not None


def test_a_refused_request_counts_against_nobody() -> None:
    led = Ledger()
    key, team = Rule("key:a", rpm=10), Rule("team:t", rpm=1)
    assert led.admit((key, team), 0.0, 0.0, 0, 0.0)[1] is not None
    decision, ticket = led.admit((key, team), 1.0, 0.0, 0, 0.0)
    assert ticket is None and decision.denial is not None and decision.denial.ns == "team:t"
    assert led.states["key:a"].rpm.count(1.0) == 1  # only the admitted one


def test_tpm_counts_the_estimate_then_the_real_tokens() -> None:
    led = Ledger()
    rules = (Rule("key:a", tpm=1000),)
    _, t1 = led.admit(rules, 0.0, 0.0, 600, 0.0)
    assert t1 is not None
    assert led.admit(rules, 0.0, 0.0, 600, 0.0)[1] is None  # 600 + 600 > 1000
    led.settle(t1, 1.0, 0.0, 100, 0.0)  # it really used 100
    assert led.admit(rules, 1.0, 0.0, 600, 0.0)[1] is not None


def test_parallel_limit_is_released_by_settlement() -> None:
    led = Ledger()
    rules = (Rule("key:a", parallel=2),)
    t1 = led.admit(rules, 0, 0, 0, 0)[1]
    t2 = led.admit(rules, 0, 0, 0, 0)[1]
    assert t1 is not None and t2 is not None
    denied = led.admit(rules, 0, 0, 0, 0)[0].denial
    assert denied is not None and denied.kind == "parallel"
    led.settle(t1, 0, 0, 0, 0)
    led.settle(t1, 0, 0, 0, 0)  # idempotent
    assert led.admit(rules, 0, 0, 0, 0)[1] is not None
    assert led.admit(rules, 0, 0, 0, 0)[1] is None


def test_reservations_stop_concurrent_overspend() -> None:
    led = Ledger()
    rules = (Rule("key:a", max_budget=1.0),)
    tickets = [led.admit(rules, 0, 0, 0, 0.1)[1] for _ in range(15)]
    admitted = [t for t in tickets if t is not None]
    assert len(admitted) == 10  # 10 x 0.1 reserved: the 11th would exceed 1.0
    for t in admitted:
        led.settle(t, 0, 0, 0, 0.1)
    assert led.spend(rules[0], 0) == (pytest.approx(1.0), pytest.approx(0.0, abs=1e-9))


def test_without_reservations_every_request_in_flight_overspends() -> None:
    led = Ledger(reserve=False)
    rules = (Rule("key:a", max_budget=1.0),)
    admitted = [t for t in (led.admit(rules, 0, 0, 0, 0.1)[1] for _ in range(15)) if t]
    assert len(admitted) == 15
    for t in admitted:
        led.settle(t, 0, 0, 0, 0.1)
    assert led.spend(rules[0], 0)[0] == pytest.approx(1.5)


def test_settled_cost_below_the_reservation_frees_budget() -> None:
    led = Ledger()
    rules = (Rule("key:a", max_budget=1.0),)
    t = led.admit(rules, 0, 0, 0, 0.9)[1]
    assert t is not None
    assert led.admit(rules, 0, 0, 0, 0.2)[1] is None
    led.settle(t, 0, 0, 0, 0.05)
    assert led.admit(rules, 0, 0, 0, 0.2)[1] is not None


def test_budget_resets_each_period_and_starts_from_the_stored_spend() -> None:
    led = Ledger()
    rule = Rule("key:a", max_budget=1.0, budget_duration=30.0, anchor=0.0, base_spend=0.95)
    assert led.admit((rule,), 0, 10.0, 0, 0.1)[1] is None  # 0.95 already spent
    assert led.admit((rule,), 0, 30.0, 0, 0.1)[1] is not None  # next period: reset
    assert led.spend(rule, 31.0) == (0.0, pytest.approx(0.1))


def test_rpm_log_admits_exactly_the_limit_in_every_window_under_overload() -> None:
    led = Ledger()
    rules = (Rule("key:a", rpm=600),)
    admitted: list[float] = []
    t = 37.3  # not on a minute boundary
    while t < 37.3 + 300:
        if led.admit(rules, t, 0.0, 0, 0.0)[1] is not None:
            admitted.append(t)
        t += 1 / 30  # 3x the limit
    for start in (37.3, 60.0, 97.3, 150.0, 157.3, 200.0):
        n = sum(1 for a in admitted if start <= a < start + 60)
        assert n <= 600
    for m in range(5):
        n = sum(1 for a in admitted if 37.3 + 60 * m <= a < 37.3 + 60 * (m + 1))
        assert n == 600


def test_records_and_model_wildcards() -> None:
    p = principal(
        "key",
        "h",
        {"key_alias": "ci", "models": ["gpt-4o*"], "rpm_limit": 3, "budget_duration": "1h"},
    )
    assert p.alias == "ci" and p.rule.rpm == 3 and p.rule.budget_duration == 3600
    assert p.allows("gpt-4o-mini") and not p.allows("claude")
    assert models_allow((), "anything") and models_allow(("all-proxy-models",), "x")
