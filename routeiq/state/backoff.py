"""The reconnect schedule: capped exponential backoff with jitter (pure, no I/O)."""

from __future__ import annotations

from typing import Protocol

# 2**60 * any sane initial delay already exceeds any sane cap; clamping the
# exponent keeps the arithmetic in floats however long an outage lasts.
_MAX_EXPONENT = 60


class RandomSource(Protocol):
    """The one method of ``random.Random`` the schedule needs (seedable in tests)."""

    def random(self) -> float: ...


def next_delay(attempt: int, initial: float, cap: float, rng: RandomSource) -> float:
    """Seconds to wait before probe number ``attempt + 1`` after ``attempt`` failures.

    The un-jittered delay doubles from ``initial`` and is capped at ``cap``; the
    returned delay is drawn uniformly from ``[base / 2, base)`` ("equal jitter"),
    so instances that lost Redis at the same moment do not reconnect in lockstep,
    yet no wait is shorter than half the schedule nor longer than ``cap``.
    """
    if attempt < 0:
        raise ValueError(f"attempt must be >= 0, got {attempt}")
    if not 0 < initial <= cap:
        raise ValueError(f"need 0 < initial <= cap, got initial={initial}, cap={cap}")
    base = min(cap, initial * 2.0 ** min(attempt, _MAX_EXPONENT))
    return base / 2 + rng.random() * base / 2
