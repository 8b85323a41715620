"""Breaker transitions as plain function calls with explicit times."""

from __future__ import annotations

import logging

import pytest

from routeiq.routing.breaker import CLOSED, HALF_OPEN, OPEN, Breaker, BreakerBoard, Transition
from routeiq.routing.settings import BreakerSettings
from tests.routing.helpers import dep

S = BreakerSettings(
    window=10.0,
    buckets=10,
    min_requests=4,
    failure_rate=0.5,
    cooldown=5.0,
    half_open_probes=1,
    close_after=2,
)


def make() -> tuple[Breaker, list[Transition]]:
    seen: list[Transition] = []
    return Breaker("d", S, seen.append), seen


def test_needs_min_requests_before_opening() -> None:
    b, seen = make()
    for t in (0.0, 0.25, 0.5):
        b.end(False, t)
    assert b.state is CLOSED  # 3 failures < min_requests 4
    b.end(False, 0.75)
    assert b.state is OPEN and b.open_until == 5.75
    assert seen == [Transition("d", CLOSED, OPEN, 0.75, 5.75)]


def test_failure_rate_threshold_exact() -> None:
    b, _ = make()
    for t in (0.0, 0.25, 0.5):
        b.end(True, t)
    b.end(False, 0.75)  # 1/4 failures
    b.end(False, 1.0)  # 2/5 = 0.4 < 0.5
    assert b.state is CLOSED
    b.end(False, 1.25)  # 3/6 = 0.5 >= 0.5
    assert b.state is OPEN
    assert b.window_counts(1.25) == (3, 3)


def test_window_slides_old_failures_out() -> None:
    b, _ = make()
    for t in (0.0, 0.5, 1.0):
        b.end(False, t)
    assert b.window_counts(9.99) == (0, 3)  # ten 1 s buckets: 0..9
    assert b.window_counts(10.0) == (0, 1)  # bucket 0 (t < 1.0) aged out at 10.0
    # At 11.0 bucket 1 ages out too (its slot is reused): only this failure is left.
    b.end(False, 11.0)
    assert b.state is CLOSED
    assert b.window_counts(11.0) == (0, 1)


def test_open_to_half_open_after_cooldown_then_close_after_successes() -> None:
    b, seen = make()
    for t in (0.0, 0.25, 0.5, 0.75):
        b.end(False, t)
    assert not b.available(5.7499)
    assert b.available(5.75)  # cool-down over: half-open, one probe slot free
    assert b.state is HALF_OPEN
    ticket = b.admit(5.75)
    assert ticket is not None
    assert not b.available(5.8)  # the single probe slot is taken
    b.end(True, 6.0, ticket)
    assert b.state is HALF_OPEN and b.available(6.0)
    ticket = b.admit(6.25)
    b.end(True, 6.5, ticket)
    assert b.state is CLOSED
    assert b.window_counts(6.5) == (0, 0)  # a fresh window after closing
    assert [(t.old, t.new, t.at) for t in seen] == [
        (CLOSED, OPEN, 0.75),
        (OPEN, HALF_OPEN, 5.75),
        (HALF_OPEN, CLOSED, 6.5),
    ]


def test_probe_failure_reopens_for_another_cooldown() -> None:
    b, _ = make()
    for t in (0.0, 0.25, 0.5, 0.75):
        b.end(False, t)
    ticket = b.admit(6.0)
    b.end(False, 6.5, ticket)
    assert b.state is OPEN and b.open_until == 11.5  # 6.5 + cooldown 5


def test_late_answers_from_before_opening_do_not_count() -> None:
    b, _ = make()
    for t in (0.0, 0.25, 0.5, 0.75):
        b.end(False, t)
    b.end(True, 6.0)  # no ticket: sent while closed; now half-open
    b.end(True, 6.1)
    assert b.state is HALF_OPEN


def test_cancelled_probe_releases_its_slot() -> None:
    b, _ = make()
    for t in (0.0, 0.25, 0.5, 0.75):
        b.end(False, t)
    ticket = b.admit(6.0)
    assert not b.available(6.0)
    b.end(None, 6.1, ticket)  # client went away: not counted, slot freed
    assert b.state is HALF_OPEN and b.available(6.1)


def test_forced_probe_while_open_success_half_opens() -> None:
    b, _ = make()
    for t in (0.0, 0.25, 0.5, 0.75):
        b.end(False, t)
    ticket = b.admit(1.0)  # picked although open: every sibling was open too
    assert ticket is not None
    b.end(True, 1.1, ticket)
    assert b.state is HALF_OPEN
    ticket = b.admit(1.2)
    b.end(True, 1.3, ticket)
    assert b.state is CLOSED


def test_force_open_extends_only() -> None:
    b, seen = make()
    assert b.force_open(20.0, 1.0)
    assert b.state is OPEN and b.open_until == 20.0
    assert seen[-1].source == "shared"
    assert not b.force_open(15.0, 2.0)  # already open longer
    assert not b.force_open(1.5, 2.0)  # already past
    assert b.force_open(25.0, 2.0) and b.open_until == 25.0


def test_board_filter_and_counts(caplog: pytest.LogCaptureFixture) -> None:
    a, b, c = dep("a"), dep("b"), dep("c")
    opened: list[tuple[str, float]] = []
    board = BreakerBoard(S, ["a", "b", "c"], lambda d, u: opened.append((d, u)))
    group = [a, b, c]
    assert board.filter(group, 0.0) is group  # nothing blocked: no copy
    with caplog.at_level(logging.INFO, logger="routeiq.routing"):
        for t in (0.0, 0.25, 0.5, 0.75):
            board.end("b", False, t, None)
    assert [d.id for d in board.filter(group, 1.0)] == ["a", "c"]
    assert opened == [("b", 5.75)]
    assert board.count(CLOSED, OPEN) == 1
    assert "breaker b: closed -> open until 5.750 (local)" in caplog.text
    # All open: the one whose cool-down ends first.
    for t in (1.0, 1.25, 1.5, 1.75):
        board.end("a", False, t, None)
    for t in (0.5, 0.75, 1.0, 1.25):
        board.end("c", False, t, None)
    assert [d.id for d in board.filter(group, 2.0)] == ["b"]
    assert board.count(CLOSED, OPEN) == 3
    # A shared open does not call back (no echo to the store).
    board2 = BreakerBoard(S, ["a"], lambda d, u: opened.append((d, u)))
    assert board2.force_open("a", 9.0, 1.0)
    assert opened == [("b", 5.75), ("a", 6.75), ("c", 6.25)]


def test_disabled_board_never_blocks() -> None:
    board = BreakerBoard(S.model_copy(update={"enabled": False}), ["a"])
    for t in range(10):
        board.end("a", False, float(t), None)
    assert board.available("a", 10.0)
    assert board.admit("a", 10.0) is None
