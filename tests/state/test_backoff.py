"""The reconnect schedule as a pure function."""

from __future__ import annotations

import random

import pytest

from routeiq.state.backoff import next_delay


class FixedRandom:
    """A RandomSource that always returns one value."""

    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value


def test_doubles_from_initial_until_cap_without_jitter_spread() -> None:
    low, high = FixedRandom(0.0), FixedRandom(1.0)
    assert [next_delay(a, 0.1, 5.0, low) for a in range(8)] == [
        0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2.5, 2.5,
    ]  # fmt: skip
    assert [next_delay(a, 0.1, 5.0, high) for a in range(8)] == [
        0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0,
    ]  # fmt: skip


def test_jitter_is_uniform_in_upper_half_and_reproducible() -> None:
    rng = random.Random(1234)
    delays = [next_delay(a, 0.1, 5.0, rng) for a in range(50)]
    again = random.Random(1234)
    assert delays == [next_delay(a, 0.1, 5.0, again) for a in range(50)]
    for attempt, delay in enumerate(delays):
        base = min(5.0, 0.1 * 2**attempt)
        assert base / 2 <= delay <= base
    assert max(delays) <= 5.0
    # Jitter actually varies the capped delays.
    assert len(set(delays[10:])) == 40


def test_huge_attempt_counts_stay_at_cap() -> None:
    assert next_delay(10**6, 0.1, 5.0, FixedRandom(1.0)) == 5.0


@pytest.mark.parametrize(
    ("attempt", "initial", "cap"), [(-1, 0.1, 5.0), (0, 0.0, 5.0), (0, 6.0, 5.0)]
)
def test_rejects_invalid_parameters(attempt: int, initial: float, cap: float) -> None:
    with pytest.raises(ValueError):
        next_delay(attempt, initial, cap, FixedRandom(0.5))
