"""The one backoff schedule: capped exponential, with equal jitter (pure, no I/O).

Used by every loop that waits between tries: the router's retries on the same
deployment (``routing/retry.py``), the Redis and governance reconnect probes and
the cache follower (``state/backoff.py``), the MCP reconnect loop.
"""

from __future__ import annotations

from typing import Protocol

# 2**60 * any sane initial delay already exceeds any sane cap; clamping the
# exponent keeps the arithmetic in floats however long an outage lasts.
_MAX_EXPONENT = 60


class RandomSource(Protocol):
    """The one method of ``random.Random`` the schedule needs (seedable in tests)."""

    def random(self) -> float: ...


def backoff_delay(attempt: int, initial: float, cap: float, rng: RandomSource | None) -> float:
    """Seconds to wait after ``attempt + 1`` failures (``attempt`` is 0-based).

    The base doubles from ``initial`` and is capped at ``cap``. With ``rng`` the
    delay is drawn uniformly from ``[base / 2, base)`` ("equal jitter"): processes
    that failed at the same moment do not retry in lockstep, yet no wait is
    shorter than half the schedule nor longer than ``cap``. Without ``rng`` it
    is the base itself (a schedule asserted to the exact virtual second).
    """
    base = min(cap, initial * 2.0 ** min(max(attempt, 0), _MAX_EXPONENT))
    if rng is None:
        return base
    return base / 2 + rng.random() * base / 2
