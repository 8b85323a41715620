"""Two gateways starting together on one new SQLite file: the WAL switch is retried
while SQLite answers "database is locked" at once (it skips its busy wait where
waiting could deadlock), for exactly the busy timeout and no longer."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from routeiq.db.sqlite import SqliteEngine, retry_locked

Fn = Callable[[], str]


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def flaky(failures: int, message: str = "database is locked") -> tuple[list[int], Fn]:
    calls: list[int] = []

    def fn() -> str:
        calls.append(1)
        if len(calls) <= failures:
            raise sqlite3.OperationalError(message)
        return "wal"

    return calls, fn


def test_a_locked_switch_is_tried_again_until_it_succeeds() -> None:
    t = FakeTime()
    calls, fn = flaky(3)
    assert retry_locked(fn, 5.0, clock=t.clock, sleep=t.sleep, pause=0.02) == "wal"
    assert len(calls) == 4 and t.slept == [0.02, 0.02, 0.02]


def test_it_gives_up_after_the_timeout_with_the_last_error() -> None:
    t = FakeTime()
    calls, fn = flaky(10**6)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        retry_locked(fn, 1.0, clock=t.clock, sleep=t.sleep, pause=0.25)
    # Tries at 100.0, 100.25, 100.5, 100.75 and 101.0: the next pause would pass 101.0.
    assert len(calls) == 5 and t.now == pytest.approx(101.0)


def test_other_errors_are_not_retried() -> None:
    t = FakeTime()
    calls, fn = flaky(1, "disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk"):
        retry_locked(fn, 5.0, clock=t.clock, sleep=t.sleep)
    assert len(calls) == 1 and t.slept == []


def test_a_real_file_switches_to_wal(tmp_path: Path) -> None:
    conn = SqliteEngine(tmp_path / "g.db").connect()
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()
