"""SQLite engine: the embedded default (a file, created with its folder on first start).

WAL journal so readers never wait for the spend batch; a 5 s busy timeout so two
gateway processes on one file take turns instead of failing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


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
        conn = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn
