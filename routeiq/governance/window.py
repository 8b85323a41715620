"""Sliding windows for ``rpm_limit`` (a log) and ``tpm_limit`` (a counter); no I/O, time passed in.

``Log`` keeps the time of each admitted request of the last period: exact (at
most ``limit`` in any window of one period, and under sustained overload exactly
``limit`` per period) in O(limit) memory, which is bounded because refused
requests are not logged. Tokens cannot be logged one by one, so ``tpm_limit``
uses the counter below.

Two fixed buckets of one period each; the count over the last period is
estimated as ``previous * (1 - elapsed fraction) + current``. Unlike a fixed
window it does not let twice the limit through at a bucket boundary (the
previous bucket still weighs on the start of the next), and unlike a log of
timestamps it is two numbers per limit, so it fits one Redis hash and one Lua
script (``routeiq.governance.shared`` runs the same arithmetic there).
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field


@dataclass(slots=True)
class Log:
    """Admission times in order: ``stamps[head:]`` are the live ones.

    An ``array`` of doubles, not a deque: it is no container for the garbage
    collector (a deque is, and one made per key on its first request was one of
    the survivors that set off young collections inside the check at 100k keys),
    and an empty one costs 64 bytes, so every key's log is built when its record
    is loaded. Expired entries are skipped by moving ``head``; the array is
    compacted once they are the larger half (amortised O(1))."""

    period: float
    stamps: array[float] = field(default_factory=lambda: array("d"))
    head: int = 0

    def expire(self, now: float) -> int:
        """Drop the entries older than one period; answer how many are left."""
        stamps, head, horizon = self.stamps, self.head, now - self.period
        end = len(stamps)
        while head < end and stamps[head] <= horizon:
            head += 1
        if head > 64 and head * 2 >= end:
            del stamps[:head]
            end -= head
            head = 0
        self.head = head
        return end - head

    def add(self, now: float) -> None:
        self.stamps.append(now)

    def count(self, now: float) -> int:
        return self.expire(now)

    def wait_for(self, now: float, limit: int) -> float:
        """Seconds until one more request fits under ``limit`` (``inf``: never)."""
        n = self.expire(now)
        if n + 1 <= limit:
            return 0.0
        if limit <= 0:
            return math.inf
        return self.stamps[self.head + n - limit] + self.period - now  # that one must expire first

    def full_reset(self, now: float) -> float:
        """Seconds until the log is empty again."""
        return self.stamps[-1] + self.period - now if self.expire(now) else 0.0


@dataclass(slots=True)
class Window:
    period: float
    bucket: int = 0  # index of the current bucket: floor(now / period)
    current: float = 0.0
    previous: float = 0.0

    def roll(self, now: float) -> float:
        """Move to ``now``'s bucket; answer the elapsed part of it (seconds)."""
        idx = math.floor(now / self.period)
        if idx != self.bucket:
            self.previous = self.current if idx == self.bucket + 1 else 0.0
            self.current = 0.0
            self.bucket = idx
        return now - idx * self.period

    def estimate(self, now: float) -> float:
        elapsed = self.roll(now)
        return self.previous * (1.0 - elapsed / self.period) + self.current

    def add(self, now: float, amount: float) -> None:
        self.roll(now)
        self.current = max(0.0, self.current + amount)

    def wait_for(self, now: float, limit: float, cost: float) -> float:
        """Seconds until ``cost`` more would fit under ``limit`` (``inf``: never)."""
        return wait_for(self.period, self.roll(now), self.previous, self.current, limit, cost)

    def full_reset(self, now: float) -> float:
        """Seconds until the window is empty again (the ``x-ratelimit-reset-*`` value)."""
        elapsed = self.roll(now)
        if self.current > 0:
            return 2 * self.period - elapsed
        if self.previous > 0:
            return self.period - elapsed
        return 0.0


def wait_for(
    period: float, elapsed: float, previous: float, current: float, limit: float, cost: float
) -> float:
    """See :meth:`Window.wait_for` (shared by the Redis path to build Retry-After)."""
    if cost > limit:
        return math.inf
    if current + cost <= limit:
        if previous <= 0:
            return 0.0
        needed = period * (1.0 - (limit - current - cost) / previous)
        return max(0.0, needed - elapsed)
    # Only the next bucket can take it: there the current count becomes "previous".
    needed = period * (1.0 - (limit - cost) / current)
    return (period - elapsed) + max(0.0, needed)
