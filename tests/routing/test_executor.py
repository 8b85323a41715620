"""route_and_call on the autojump clock: retries, backoff, deadlines, fallbacks,
breakers and cancellation, with exact virtual times.

``attempt`` is the caller-supplied coroutine; here a scripted one (an upstream
stand-in at the level of the executor's own interface) records when each try
started and which deployment it went to.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
import trio
import trio.testing

from routeiq.config import Deployment, RouterSettings
from routeiq.errors import (
    BadRequest,
    ClientClosed,
    RouteIQError,
    UpstreamError,
    UpstreamRejected,
    UpstreamUnavailable,
)
from routeiq.routing.executor import AttemptResult, RouteRequest, route_and_call
from routeiq.routing.router import Router
from routeiq.routing.settings import BreakerSettings, RoutingSettings
from routeiq.state.memory import MemoryStore
from tests.routing.helpers import dep

Script = dict[str, list[Any]]  # deployment id -> outcomes in order (last one repeats)


class Upstreams:
    """Plays each deployment's scripted outcomes; an outcome is an exception to
    raise, an AttemptResult to return, or ("sleep", seconds, outcome)."""

    def __init__(self, script: Script, request: RouteRequest | None = None) -> None:
        self.script = script
        self.calls: list[tuple[float, str]] = []
        self.request = request

    async def __call__(self, d: Deployment) -> AttemptResult:
        self.calls.append((trio.current_time(), d.id))
        outcomes = self.script[d.id]
        outcome = outcomes.pop(0) if len(outcomes) > 1 else outcomes[0]
        if isinstance(outcome, tuple):
            _, seconds, outcome = outcome
            await trio.sleep(seconds)
        if isinstance(outcome, BaseException):
            raise outcome
        assert isinstance(outcome, AttemptResult)
        return outcome


OK = AttemptResult()


def router(
    groups: Mapping[str, Sequence[Deployment]],
    *,
    num_retries: int = 2,
    strategy: str = "simple-shuffle",
    fallbacks: list[dict[str, list[str]]] | None = None,
    context_fallbacks: list[dict[str, list[str]]] | None = None,
    seed: int = 1,
    **settings: Any,
) -> Router:
    rs = RouterSettings(
        routing_strategy=strategy,
        num_retries=num_retries,
        fallbacks=fallbacks or [],
        context_window_fallbacks=context_fallbacks or [],
    )
    return Router(
        groups,
        router_settings=rs,
        settings=RoutingSettings(**settings),
        store=MemoryStore(),
        clock=trio.current_time,
        wall=trio.current_time,
        rng=random.Random(seed),
    )


async def test_same_deployment_retries_back_off_exactly(
    autojump_clock: trio.testing.MockClock,
) -> None:
    r = router({"m": [dep("a")]}, retry_backoff_initial=0.1, retry_backoff_cap=1.0)
    up = Upstreams({"a": [UpstreamError("x"), UpstreamUnavailable("y"), OK]})
    out = await route_and_call(r, RouteRequest("m"), up, deadline=10.0)
    expected = random.Random(1)
    d0 = 0.05 + expected.random() * 0.05
    d1 = 0.1 + expected.random() * 0.1
    assert up.calls == [(0.0, "a"), (d0, "a"), (d0 + d1, "a")]
    assert trio.current_time() == d0 + d1
    assert [(a.deployment, a.status, a.via) for a in out.attempts] == [
        ("a", 502, "strategy"),
        ("a", 503, "retry"),
        ("a", 200, "retry"),
    ]
    assert out.deployment.id == "a"


async def test_retry_on_sibling_does_not_wait(autojump_clock: trio.testing.MockClock) -> None:
    r = router({"m": [dep("a"), dep("b")]}, seed=3)
    up = Upstreams({"a": [UpstreamError("down")], "b": [OK]})
    # Whichever is chosen first, a failure moves to the sibling at once.
    for _ in range(6):
        out = await route_and_call(r, RouteRequest("m"), up, deadline=10.0)
        assert out.deployment.id == "b"
    assert trio.current_time() == 0.0
    assert {t for t, _ in up.calls} == {0.0}


async def test_retry_that_would_pass_the_deadline_is_not_attempted(
    autojump_clock: trio.testing.MockClock,
) -> None:
    # The error comes at 0.05; any backoff in [0.2, 0.4) ends at or after the
    # deadline 0.25: no retry, the error at once.
    r = router({"m": [dep("a")]}, retry_backoff_initial=0.4, retry_backoff_cap=1.0)
    up = Upstreams({"a": [("sleep", 0.05, UpstreamError("x")), OK]})
    with pytest.raises(UpstreamError):
        await route_and_call(r, RouteRequest("m"), up, deadline=0.25)
    assert up.calls == [(0.0, "a")]
    assert trio.current_time() == 0.05


async def test_retry_after_is_honoured_on_the_same_deployment(
    autojump_clock: trio.testing.MockClock,
) -> None:
    r = router({"m": [dep("a")]}, retry_backoff_initial=0.1)
    busy = UpstreamRejected(429, "slow down", headers={"retry-after": "2"})
    up = Upstreams({"a": [busy, OK]})
    await route_and_call(r, RouteRequest("m"), up, deadline=10.0)
    assert up.calls == [(0.0, "a"), (2.0, "a")]


async def test_fallback_group_after_retries(autojump_clock: trio.testing.MockClock) -> None:
    r = router(
        {"m": [dep("a1", "m"), dep("a2", "m")], "f": [dep("f1", "f")]},
        num_retries=1,
        fallbacks=[{"m": ["f"]}],
    )
    up = Upstreams({"a1": [UpstreamUnavailable("a1")], "a2": [UpstreamError("a2")], "f1": [OK]})
    out = await route_and_call(r, RouteRequest("m"), up, deadline=10.0)
    assert out.deployment.id == "f1"
    assert sorted(a.deployment for a in out.attempts[:2]) == ["a1", "a2"]
    assert [(a.model, a.via) for a in out.attempts] == [
        ("m", "strategy"),
        ("m", "retry"),
        ("f", "fallback"),
    ]
    assert trio.current_time() == 0.0


async def test_context_window_uses_only_context_fallbacks(
    autojump_clock: trio.testing.MockClock,
) -> None:
    too_long = UpstreamRejected(400, "This model's maximum context length is 8192 tokens")
    groups = {"m": [dep("a", "m")], "f": [dep("f", "f")], "big": [dep("big", "big")]}
    r = router(groups, fallbacks=[{"m": ["f"]}], context_fallbacks=[{"m": ["big"]}])
    up = Upstreams({"a": [too_long], "f": [OK], "big": [OK]})
    out = await route_and_call(r, RouteRequest("m"), up, deadline=10.0)
    assert [(a.deployment, a.status, a.via) for a in out.attempts] == [
        ("a", 400, "strategy"),
        ("big", 200, "context_fallback"),
    ]
    # Not the deployment's fault: its breaker window saw nothing.
    assert r.breakers.breakers["a"].window_counts(0.0) == (0, 0)
    # Without a context fallback the client gets the upstream's 400.
    r2 = router(groups, fallbacks=[{"m": ["f"]}])
    with pytest.raises(UpstreamRejected) as info:
        await route_and_call(r2, RouteRequest("m"), up, deadline=10.0)
    assert info.value.status == 400


@pytest.mark.parametrize(
    "err", [UpstreamRejected(400, "bad field"), UpstreamRejected(422, "x"), BadRequest("ours")]
)
async def test_client_errors_are_not_retried_nor_held_against_upstream(
    autojump_clock: trio.testing.MockClock, err: RouteIQError
) -> None:
    r = router({"m": [dep("a"), dep("b")]}, fallbacks=[])
    up = Upstreams({"a": [err], "b": [err]})
    with pytest.raises(type(err)):
        await route_and_call(r, RouteRequest("m"), up, deadline=10.0)
    assert len(up.calls) == 1
    assert all(b.window_counts(0.0) == (0, 0) for b in r.breakers.breakers.values())


async def test_client_closed_is_final_and_not_counted(
    autojump_clock: trio.testing.MockClock,
) -> None:
    r = router({"m": [dep("a")]}, breaker=BreakerSettings(min_requests=1, failure_rate=0.1))
    up = Upstreams({"a": [ClientClosed("gone")]})
    with pytest.raises(ClientClosed):
        await route_and_call(r, RouteRequest("m"), up, deadline=10.0)
    assert len(up.calls) == 1
    assert r.breakers.state("a", 0.0) == "closed"
    assert r.stats["a"].in_flight == 0


async def test_failure_after_start_counts_but_is_never_retried(
    autojump_clock: trio.testing.MockClock,
) -> None:
    r = router({"m": [dep("a"), dep("b")]})
    broken = AttemptResult(error=UpstreamError("stream broke"), started=True)
    up = Upstreams({"a": [broken], "b": [broken]})
    out = await route_and_call(r, RouteRequest("m", stream=True), up, deadline=10.0)
    assert len(up.calls) == 1
    assert out.attempts[0].status == 502
    assert r.breakers.breakers[out.deployment.id].window_counts(0.0) == (0, 1)


async def test_an_attempt_that_started_is_never_retried_whatever_its_error(
    autojump_clock: trio.testing.MockClock,
) -> None:
    r = router({"m": [dep("a"), dep("b")]}, num_retries=3)
    late = UpstreamUnavailable("late")  # retryable had it come before the response began
    up = Upstreams({"a": [AttemptResult(error=late, started=True)], "b": [OK]})
    out = await route_and_call(r, RouteRequest("m"), up, deadline=10.0)
    assert len(up.calls) == 1
    assert out.result.error is late  # the real error object, not one rebuilt from a status
    assert out.attempts[0].status == 503
    assert sum(s.in_flight for s in r.stats.values()) == 0


async def test_a_returned_error_before_start_is_retried_like_a_raised_one(
    autojump_clock: trio.testing.MockClock,
) -> None:
    r = router({"m": [dep("a")]}, num_retries=1)
    up = Upstreams({"a": [AttemptResult(error=UpstreamError("refused")), OK]})
    out = await route_and_call(r, RouteRequest("m"), up, deadline=10.0)
    assert len(up.calls) == 2
    assert out.result.error is None
    assert [a.status for a in out.attempts] == [502, 200]


async def test_breaker_opens_moves_traffic_then_half_open_probe_closes_it(
    autojump_clock: trio.testing.MockClock,
) -> None:
    breaker = BreakerSettings(
        window=10.0, min_requests=3, failure_rate=0.5, cooldown=5.0, close_after=1
    )
    r = router({"m": [dep("a"), dep("b")]}, num_retries=1, breaker=breaker, seed=0)
    up = Upstreams({"a": [UpstreamError("a is down")], "b": [OK]})
    for _ in range(40):
        out = await route_and_call(r, RouteRequest("m"), up, deadline=trio.current_time() + 5)
        assert out.deployment.id == "b"  # the client never sees a's failures
        await trio.sleep(0.1)
    a_calls = [t for t, d in up.calls if d == "a"]
    assert len(a_calls) == 3  # min_requests failures, then the breaker opened
    opened_at = a_calls[-1]
    assert r.breakers.breakers["a"].open_until == opened_at + 5.0
    assert r.breakers.count("closed", "open") == 1
    # After the cool-down a is probed once (half-open); a is fixed now.
    up.script["a"] = [OK]
    await trio.sleep(opened_at + 5.0 - trio.current_time())
    seen: set[str] = set()
    for _ in range(40):
        out = await route_and_call(r, RouteRequest("m"), up, deadline=trio.current_time() + 5)
        seen.add(out.deployment.id)
    assert seen == {"a", "b"}
    assert r.breakers.count("open", "half_open") == 1
    assert r.breakers.count("half_open", "closed") == 1
    assert r.breakers.state("a", trio.current_time()) == "closed"


async def test_all_open_tries_the_earliest_cooldown_instead_of_failing(
    autojump_clock: trio.testing.MockClock,
) -> None:
    r = router({"m": [dep("a"), dep("b")]}, num_retries=0)
    r.breakers.force_open("a", 30.0, 0.0)
    r.breakers.force_open("b", 20.0, 0.0)
    up = Upstreams({"a": [OK], "b": [OK]})
    out = await route_and_call(r, RouteRequest("m"), up, deadline=10.0)
    assert out.deployment.id == "b"
    assert r.breakers.state("b", 0.0) == "half_open"  # the early probe succeeded


async def test_cancellation_releases_in_flight_and_probe_slot(
    autojump_clock: trio.testing.MockClock,
) -> None:
    r = router({"m": [dep("a")]})
    r.breakers.force_open("a", 1.0, 0.0)
    await trio.sleep(1.0)  # half-open now: one probe slot
    up = Upstreams({"a": [("sleep", 100.0, OK)]})
    with trio.move_on_after(2.0):
        await route_and_call(r, RouteRequest("m"), up, deadline=60.0)
    assert trio.current_time() == 3.0
    assert r.stats["a"].in_flight == 0
    assert r.breakers.available("a", 3.0)  # the probe slot was given back


async def test_backoff_wait_is_cancellable(autojump_clock: trio.testing.MockClock) -> None:
    r = router({"m": [dep("a")]}, retry_backoff_initial=2.0, retry_backoff_cap=2.0)
    up = Upstreams({"a": [UpstreamError("x"), OK]})
    with trio.move_on_after(0.5) as cancel_scope:
        await route_and_call(r, RouteRequest("m"), up, deadline=60.0)
    assert cancel_scope.cancelled_caught
    assert trio.current_time() == 0.5
    assert up.calls == [(0.0, "a")]


async def test_latency_strategy_learns_from_answers(
    autojump_clock: trio.testing.MockClock,
) -> None:
    r = router({"m": [dep("slow"), dep("fast")]}, strategy="latency-based", latency_buffer=0.0)
    up = Upstreams(
        {
            "slow": [("sleep", 0.5, AttemptResult(ttft=0.05))],
            "fast": [("sleep", 0.25, AttemptResult(ttft=0.09))],
        }
    )
    for _ in range(2):  # both unknown at first: each gets explored
        await route_and_call(r, RouteRequest("m"), up, deadline=trio.current_time() + 5)
    assert r.stats["slow"].latency == 0.5 and r.stats["fast"].latency == 0.25
    out = await route_and_call(r, RouteRequest("m"), up, deadline=trio.current_time() + 5)
    assert out.deployment.id == "fast"
    out = await route_and_call(
        r, RouteRequest("m", stream=True), up, deadline=trio.current_time() + 5
    )
    assert out.deployment.id == "slow"  # first token 0.05 s beats 0.09 s


async def test_least_busy_counts_in_flight(autojump_clock: trio.testing.MockClock) -> None:
    r = router({"m": [dep("a"), dep("b")]}, strategy="least-busy")
    up = Upstreams({"a": [("sleep", 1.0, OK)], "b": [("sleep", 1.0, OK)]})
    chosen: list[str] = []

    async def one() -> None:
        out = await route_and_call(r, RouteRequest("m"), up, deadline=10.0)
        chosen.append(out.deployment.id)

    async with trio.open_nursery() as nursery:
        for _ in range(6):
            nursery.start_soon(one)
    assert sorted(chosen) == ["a", "a", "a", "b", "b", "b"]
    assert trio.current_time() == 1.0


async def test_usage_based_counts_in_the_store(autojump_clock: trio.testing.MockClock) -> None:
    a, b = dep("a", tpm=100), dep("b", tpm=100)
    r = router({"m": [a, b]}, strategy="usage-based", usage_window=60.0)
    up = Upstreams({"a": [AttemptResult(tokens=30)], "b": [AttemptResult(tokens=30)]})
    picks = [
        (await route_and_call(r, RouteRequest("m"), up, deadline=10.0)).deployment.id
        for _ in range(6)
    ]
    # Lowest tokens first: the two alternate once each has been used.
    assert sorted(picks) == ["a", "a", "a", "b", "b", "b"]
    assert await r.store.get("use:a:0:t") == b"90"
    assert await r.store.get("use:a:0:r") == b"3"
    # Both are at 90/100 now; the next window starts from zero.
    await trio.sleep(60.0)
    await r.load_usage([a, b])
    assert (r.stats["a"].tpm_used, r.stats["b"].tpm_used) == (0, 0)


async def test_unknown_model_raises_before_any_attempt() -> None:
    r = router({"m": [dep("a")]})
    up = Upstreams({"a": [OK]})
    with pytest.raises(RouteIQError) as info:
        await route_and_call(r, RouteRequest("nope"), up, deadline=trio.current_time() + 1)
    assert info.value.status == 404 and up.calls == []
