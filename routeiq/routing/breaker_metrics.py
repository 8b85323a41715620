"""The circuit breakers on /metrics: each deployment's state and its transitions.

``routeiq_breaker_state{deployment, state}`` is 1 for the state the breaker
is in and 0 for the other two (one series per state, so a dashboard can sum
or alert on ``state="open"``); ``routeiq_breaker_transitions_total{deployment,
from, to}`` counts changes since start (local and shared ones). Both are
read from the :class:`BreakerBoard` when scraped; nothing runs per request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from opentelemetry.metrics import CallbackOptions, Observation

from routeiq.routing.breaker import CLOSED, HALF_OPEN, OPEN, BreakerBoard, State

STATES: tuple[State, ...] = (CLOSED, OPEN, HALF_OPEN)


def state_observations(board: BreakerBoard, now: float | None) -> list[Observation]:
    out = []
    for dep, breaker in board.breakers.items():
        # refresh() takes the lazy OPEN -> HALF_OPEN step; without a clock
        # (an exporter thread) the last known state is reported.
        current = breaker.refresh(now) if now is not None else breaker.state
        for state in STATES:
            out.append(Observation(int(state == current), {"deployment": dep, "state": state}))
    return out


def transition_observations(board: BreakerBoard) -> list[Observation]:
    return [
        Observation(n, {"deployment": dep, "from": old, "to": new})
        for (dep, old, new), n in sorted(board.transitions_by_deployment.items())
    ]


def bind_metrics(board: BreakerBoard, clock: Callable[[], float], meter: Any) -> None:
    def now() -> float | None:
        try:
            return clock()
        except RuntimeError:  # trio's clock outside the trio thread
            return None

    def observe_state(options: CallbackOptions) -> Iterable[Observation]:
        return state_observations(board, now())

    def observe_transitions(options: CallbackOptions) -> Iterable[Observation]:
        return transition_observations(board)

    meter.create_observable_gauge(
        "routeiq.breaker.state",
        callbacks=[observe_state],
        description="Circuit breaker state per deployment: 1 for the current state, else 0.",
    )
    meter.create_observable_counter(
        "routeiq.breaker.transitions",
        callbacks=[observe_transitions],
        description="Circuit breaker state changes per deployment since start.",
    )
