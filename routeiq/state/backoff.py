"""The reconnect schedule of the state backends: ``routeiq.backoff`` with checked
arguments (pure, no I/O)."""

from __future__ import annotations

from routeiq.backoff import RandomSource, backoff_delay

__all__ = ["RandomSource", "next_delay"]


def next_delay(attempt: int, initial: float, cap: float, rng: RandomSource) -> float:
    """Seconds to wait before probe number ``attempt + 1`` after ``attempt`` failures:
    ``routeiq.backoff.backoff_delay`` with equal jitter (see there)."""
    if attempt < 0:
        raise ValueError(f"attempt must be >= 0, got {attempt}")
    if not 0 < initial <= cap:
        raise ValueError(f"need 0 < initial <= cap, got initial={initial}, cap={cap}")
    return backoff_delay(attempt, initial, cap, rng)
