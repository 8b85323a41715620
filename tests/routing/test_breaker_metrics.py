"""Circuit breaker state and transitions per deployment on /metrics."""

from __future__ import annotations

from typing import Any

import httpx

from routeiq.mock_upstream import MockSettings
from routeiq.routing.breaker import BreakerBoard
from routeiq.routing.breaker_metrics import state_observations, transition_observations
from routeiq.routing.settings import BreakerSettings
from tests.conftest import CHAT, running_stack


def _states(board: BreakerBoard, now: float) -> dict[tuple[str, str], int]:
    return {
        (o.attributes["deployment"], o.attributes["state"]): int(o.value)  # type: ignore[index]
        for o in state_observations(board, now)
    }


def test_state_and_transitions_follow_the_board() -> None:
    board = BreakerBoard(BreakerSettings(min_requests=2, cooldown=10.0), ["a", "b"])
    assert _states(board, 0.0)[("a", "closed")] == 1
    for t in (1.0, 2.0):
        board.end("a", False, t, board.admit("a", t))
    s = _states(board, 3.0)
    assert (s[("a", "open")], s[("a", "closed")], s[("b", "closed")]) == (1, 0, 1)
    s = _states(board, 12.0)  # cooldown over: half-open, noticed when scraped
    assert s[("a", "half_open")] == 1 and s[("a", "open")] == 0
    got = {
        (o.attributes["from"], o.attributes["to"]): o.value  # type: ignore[index]
        for o in transition_observations(board)
    }
    assert got == {("closed", "open"): 1, ("open", "half_open"): 1}


async def test_breaker_opening_shows_on_metrics() -> None:
    def edit(cfg: dict[str, Any]) -> None:
        cfg["router_settings"] = {"num_retries": 0}

    routing = {"breaker": {"min_requests": 3, "failure_rate": 0.5, "cooldown": 600}}
    async with running_stack(MockSettings(error_rate=1.0), edit=edit, routing=routing) as s:
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
            text = (await c.get("/metrics")).text
            assert 'routeiq_breaker_state{deployment="dep-a",state="closed"} 1' in text
            for _ in range(3):
                r = await c.post("/v1/chat/completions", json=CHAT)
                assert r.status_code >= 500
            text = (await c.get("/metrics")).text
    assert 'routeiq_breaker_state{deployment="dep-a",state="open"} 1' in text, text
    assert 'routeiq_breaker_state{deployment="dep-a",state="closed"} 0' in text
    assert 'routeiq_breaker_transitions_total{deployment="dep-a",from="closed",to="open"} 1' in text
