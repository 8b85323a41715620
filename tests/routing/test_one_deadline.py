"""Item 7: one overall deadline bounds every attempt; the error says what happened."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import httpx
import pytest
import trio
import trio.testing

from routeiq.config import RouterSettings
from routeiq.errors import UpstreamError, UpstreamTimeout
from routeiq.mock_upstream import MockSettings
from routeiq.routing.executor import (
    AttemptResult,
    RouteRequest,
    request_budget,
    route_and_call,
)
from routeiq.routing.router import Router
from routeiq.routing.settings import RoutingSettings
from routeiq.state.memory import MemoryStore
from tests.conftest import CHAT, running_stack
from tests.routing.helpers import dep


def make_router(num_retries: int = 2) -> Router:
    return Router(
        {"m": [dep("a")]},
        router_settings=RouterSettings(num_retries=num_retries),
        settings=RoutingSettings(retry_backoff_initial=0.1),
        store=MemoryStore(),
        clock=trio.current_time,
        wall=trio.current_time,
        rng=random.Random(1),
    )


def test_request_budget_is_the_documented_timeout_capped() -> None:
    a = dataclasses.replace(dep("a"), timeout=3.0)
    b = dataclasses.replace(dep("b"), timeout=5.0, stream_timeout=1.0)
    assert request_budget([a], 600.0, 600.0, stream=False) == 3.0
    assert request_budget([a, b], 600.0, 600.0, stream=False) == 5.0
    assert request_budget([a, b], 600.0, 600.0, stream=True) == 3.0
    assert request_budget([dep("c")], 120.0, 600.0, stream=False) == 120.0
    assert request_budget([a], 600.0, 2.0, stream=False) == 2.0
    assert request_budget([], 120.0, 600.0, stream=False) == 120.0


async def test_a_silent_upstream_gets_one_attempt_within_the_deadline(
    autojump_clock: trio.testing.MockClock,
) -> None:
    calls: list[float] = []
    deadline = 3.0

    async def silent(_: Any) -> AttemptResult:  # the attempt's own bound: what is left
        calls.append(trio.current_time())
        await trio.sleep(deadline - trio.current_time())
        raise UpstreamTimeout("The upstream did not answer within 3 s")

    with pytest.raises(UpstreamTimeout) as exc:
        await route_and_call(make_router(), RouteRequest("m"), silent, deadline=deadline)
    assert calls == [0.0]
    assert trio.current_time() == 3.0
    msg = exc.value.message
    assert "request deadline of 3 s" in msg and "1 attempt in 3.0 s" in msg, msg


async def test_failures_name_the_attempts_and_time(
    autojump_clock: trio.testing.MockClock,
) -> None:
    async def failing(_: Any) -> AttemptResult:
        await trio.sleep(0.5)
        raise UpstreamError("upstream said 500")

    with pytest.raises(UpstreamError) as exc:
        await route_and_call(make_router(), RouteRequest("m"), failing, deadline=600.0)
    assert exc.value.status == 502
    assert exc.value.message.startswith("upstream said 500 (3 attempts in 1.")


async def test_server_retries_stay_inside_the_stated_timeout() -> None:
    """timeout: 0.5, num_retries: 2, an upstream that never answers: one attempt, a 504
    after the deadline, a message naming it (before: 3 attempts, ~1.6 s)."""

    def edit(cfg: dict[str, Any]) -> None:
        cfg["model_list"][0]["litellm_params"]["timeout"] = 0.5
        cfg["router_settings"] = {"num_retries": 2}

    async with running_stack(MockSettings(timeout_rate=1.0), edit=edit) as s:
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers, timeout=30) as c:
            t0 = trio.current_time()
            r = await c.post("/v1/chat/completions", json=CHAT)
            elapsed = trio.current_time() - t0
    assert r.status_code == 504, r.text
    msg = r.json()["error"]["message"]
    assert "request deadline of 0.5 s" in msg and "1 attempt in" in msg, msg
    assert s.mock.stats.requests == 1
    assert elapsed >= 0.5
