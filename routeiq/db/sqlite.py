"""SQLite engine: the embedded default (a file, created with its folder on first start).

WAL journal so readers never wait for the spend batch; a 5 s busy timeout so two
gateway processes on one file take turns instead of failing.

Switching a new file to WAL needs the file to itself, and SQLite answers "database is
locked" at once, without waiting out the busy timeout, when waiting could deadlock
(two gateways starting together on one new file, each holding the shared lock the
other needs gone: seen in the suite's four-gateway start). The switch is retried
(``retry_locked``) until the same 5 s have passed; ``connect`` runs only off the
event loop (a worker thread, or before serving).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

BUSY_TIMEOUT = 5.0


def retry_locked(
    fn: Callable[[], T],
    timeout: float = BUSY_TIMEOUT,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    pause: float = 0.02,
) -> T:
    """``fn()``, again after ``pause`` while it raises "database is locked", for at
    most ``timeout`` seconds (then the last error); any other error at once."""
    deadline = clock() + timeout
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or clock() + pause > deadline:
                raise
        sleep(pause)


class SqliteEngine:
    name = "sqlite"
    placeholder = "?"
    real = "REAL"
    bigint = "INTEGER"
    migration_lock = "BEGIN IMMEDIATE"
    # WAL: a deferred transaction's snapshot is taken at its first read and held
    snapshot = "BEGIN"
    # A read-modify-write takes the write lock before it reads: a deferred
    # transaction would read a snapshot another process may change before it writes.
    write_begin: str | None = "BEGIN IMMEDIATE"
    for_update = ""  # SQLite has one writer at a time; BEGIN IMMEDIATE is the lock

    def __init__(self, path: Path) -> None:
        self.path = path

    def connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, check_same_thread=False)
        retry_locked(lambda: conn.execute("PRAGMA journal_mode=WAL"))
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn
