"""Every strategy's choice as a plain function call."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from routeiq.routing.strategies import (
    DeploymentStats,
    canonical_strategy,
    cost_based,
    latency_based,
    least_busy,
    make_strategy,
    shuffle_weight,
    simple_shuffle,
    usage_based,
)
from tests.routing.helpers import FixedRandom, dep

A, B, C = dep("a"), dep("b"), dep("c")


def stats(**kw: dict[str, float | int | None]) -> dict[str, DeploymentStats]:
    out: dict[str, DeploymentStats] = {}
    for dep_id, fields in kw.items():
        s = DeploymentStats()
        for name, value in fields.items():
            setattr(s, name, value)
        out[dep_id] = s
    return out


def test_shuffle_weight_prefers_weight_then_rpm_then_tpm() -> None:
    assert shuffle_weight(dep("x", weight=3.0, rpm=100)) == 3.0
    assert shuffle_weight(dep("x", rpm=100, tpm=5)) == 100.0
    assert shuffle_weight(dep("x", tpm=5)) == 5.0
    assert shuffle_weight(dep("x")) == 1.0


def test_simple_shuffle_exact_boundaries() -> None:
    light, heavy = dep("l", weight=1.0), dep("h", weight=3.0)
    # x = r * 4: below 1 -> light, from 1 on -> heavy.
    assert simple_shuffle([light, heavy], {}, FixedRandom(0.2499)) is light
    assert simple_shuffle([light, heavy], {}, FixedRandom(0.25)) is heavy
    assert simple_shuffle([light, heavy], {}, FixedRandom(0.9999)) is heavy
    assert simple_shuffle([light], {}, FixedRandom()) is light  # no draw for one


def test_simple_shuffle_proportions() -> None:
    a, b = dep("a", rpm=100), dep("b", rpm=300)
    rng = random.Random(7)
    counts = Counter(simple_shuffle([a, b], {}, rng).id for _ in range(20_000))
    assert counts["a"] + counts["b"] == 20_000
    assert abs(counts["b"] / 20_000 - 0.75) < 0.015


def test_least_busy_picks_fewest_in_flight_ties_random() -> None:
    s = stats(a={"in_flight": 3}, b={"in_flight": 1}, c={"in_flight": 1})
    assert least_busy([A, B, C], s, FixedRandom(0.0)) is B
    assert least_busy([A, B, C], s, FixedRandom(0.99)) is C
    # No stats yet counts as 0 in flight.
    partial = stats(a={"in_flight": 1}, b={"in_flight": 2})
    assert least_busy([A, B, C], partial, FixedRandom(0.0)) is C


def test_latency_based_uses_ewma_and_ttft_for_streams() -> None:
    s = stats(a={"latency": 0.5, "ttft": 0.05}, b={"latency": 0.2, "ttft": 0.3})
    choose = latency_based(0.0)
    assert choose([A, B], s, FixedRandom(0.0)) is B
    assert choose([A, B], s, FixedRandom(0.0), stream=True) is A
    # A deployment without samples is explored first.
    assert choose([A, B, C], s, FixedRandom(0.0)) is C
    # ttft unknown for a stream: falls back to total latency.
    s2 = stats(a={"latency": 0.5}, b={"latency": 0.2})
    assert choose([A, B], s2, FixedRandom(0.0), stream=True) is B


def test_latency_tolerance_makes_near_equals_share() -> None:
    s = stats(a={"latency": 0.100}, b={"latency": 0.105}, c={"latency": 0.2})
    choose = latency_based(0.1)  # within 10 % of 0.100 -> a or b
    assert choose([A, B, C], s, FixedRandom(0.0)) is A
    assert choose([A, B, C], s, FixedRandom(0.99)) is B


def test_ewma_exact() -> None:
    s = DeploymentStats()
    s.observe(1.0, 0.5)
    assert s.latency == 1.0 and s.ttft is None
    s.observe(0.0, 0.5, ttft=0.2)
    assert s.latency == 0.5 and s.ttft == 0.2
    s.observe(0.5, 0.5, ttft=0.4)
    assert s.latency == 0.5 and s.ttft == pytest.approx(0.3)


def test_cost_based_cheapest_unknown_is_free() -> None:
    s = stats(a={"price": 3e-6}, b={"price": 1e-6}, c={"price": 2e-6})
    assert cost_based([A, B, C], s, FixedRandom(0.0)) is B
    assert cost_based([A, C], s, FixedRandom(0.0)) is C
    # No prices configured: all equal, the draw decides.
    assert cost_based([A, B, C], {}, FixedRandom(0.0)) is A
    assert cost_based([A, B, C], {}, FixedRandom(0.7)) is C


def test_usage_based_lowest_tokens_under_limits() -> None:
    a, b, c = dep("a", rpm=10, tpm=1000), dep("b", rpm=10, tpm=1000), dep("c", tpm=500)
    s = stats(
        a={"rpm_used": 2, "tpm_used": 300},
        b={"rpm_used": 9, "tpm_used": 100},
        c={"rpm_used": 0, "tpm_used": 500},  # at its tpm limit
    )
    assert usage_based([a, b, c], s, FixedRandom(0.0)) is b
    s["b"].rpm_used = 10  # b at its rpm limit now
    assert usage_based([a, b, c], s, FixedRandom(0.0)) is a
    # Equal tokens: fewer requests wins.
    s2 = stats(a={"rpm_used": 5, "tpm_used": 100}, b={"rpm_used": 3, "tpm_used": 100})
    assert usage_based([a, b], s2, FixedRandom(0.0)) is b


def test_usage_based_all_at_limit_takes_lowest_utilisation() -> None:
    a, b = dep("a", rpm=10), dep("b", rpm=20)
    s = stats(a={"rpm_used": 12}, b={"rpm_used": 21})
    assert usage_based([a, b], s, FixedRandom(0.0)) is b  # 1.05 < 1.2


def test_make_strategy_names_and_aliases() -> None:
    assert make_strategy("simple-shuffle") is simple_shuffle
    assert make_strategy("least-busy") is least_busy
    assert make_strategy("usage-based-routing-v2") is usage_based
    assert make_strategy("cost-based-routing") is cost_based
    assert canonical_strategy("latency-based-routing") == "latency-based"
    with pytest.raises(ValueError, match="unknown routing_strategy 'fastest'"):
        make_strategy("fastest")
