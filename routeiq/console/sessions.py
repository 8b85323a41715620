"""Where console sessions live: the shared state store, or the gateway's database.

On Redis every gateway process already shares the state store, so a session kept
there is seen by all of them. The embedded default (the memory store) is per
process: with ``--workers N`` an operator who signed in on one worker would be
signed out by the next request that lands on another. There the sessions go to
the gateway's database (SQLite by default, PostgreSQL when configured), which
every worker opens, in the ``console_sessions`` table.

Both keep the same rules: a record under the SHA-256 of the cookie's value,
idle expiry renewed on each page, the one-shot flash message of the last change.
Absolute age is checked by the caller (``session.loads``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import trio
from trio.lowlevel import RunVar

from routeiq.db.base import Database
from routeiq.errors import Unavailable
from routeiq.state.base import StateStore

T = TypeVar("T")

FLASH_TTL = 60.0


_ANCHOR: RunVar[float] = RunVar("routeiq_console_wall_anchor")


def wall_now() -> float:
    """Wall time that moves with trio's clock: ``time.time() - trio.current_time()``
    taken once per trio run, plus ``trio.current_time()``. Expiry stored in the
    database must compare across processes (trio's own clock has a random offset
    per process); following trio's clock keeps idle expiry testable on a virtual one."""
    now = trio.current_time()
    try:
        offset = _ANCHOR.get()
    except LookupError:
        offset = time.time() - now
        _ANCHOR.set(offset)
    return offset + now


def _database_down(exc: Exception) -> bool:
    """A failure of the database itself (closed, unreachable, locked), not a bug here:
    the console answers 503 for it instead of a 500."""
    if isinstance(exc, (RuntimeError, OSError, sqlite3.Error)):
        return True
    return type(exc).__module__.startswith("psycopg")


class SessionStore(Protocol):
    async def create(self, sid_hash: str, record: bytes, idle: float) -> None: ...

    async def touch(self, sid_hash: str, idle: float) -> bytes | None:
        """The record, its idle expiry renewed; None once idle past ``idle`` seconds."""
        ...

    async def delete(self, sid_hash: str) -> None: ...

    async def set_flash(self, sid_hash: str, message: str) -> None: ...

    async def pop_flash(self, sid_hash: str) -> str | None: ...


class StoreSessions:
    """Sessions in the state store (its TTL is the idle expiry)."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    async def create(self, sid_hash: str, record: bytes, idle: float) -> None:
        await self.store.set(sid_hash, record, idle)

    async def touch(self, sid_hash: str, idle: float) -> bytes | None:
        raw = await self.store.get(sid_hash)
        if raw is not None:
            await self.store.set(sid_hash, raw, idle)
        return raw

    async def delete(self, sid_hash: str) -> None:
        await self.store.delete(sid_hash)
        await self.store.delete(sid_hash + ":flash")

    async def set_flash(self, sid_hash: str, message: str) -> None:
        await self.store.set(sid_hash + ":flash", message.encode(), FLASH_TTL)

    async def pop_flash(self, sid_hash: str) -> str | None:
        raw = await self.store.get(sid_hash + ":flash")
        if raw is None:
            return None
        await self.store.delete(sid_hash + ":flash")
        return raw.decode("utf-8", "replace")


class DatabaseSessions:
    """Sessions in the ``console_sessions`` table (see the module docstring).

    Each call is one short transaction in the database's worker thread. Expired
    rows are removed when someone signs in, so the table holds at most the
    sessions of one idle period."""

    def __init__(self, db: Database, clock: Callable[[], float] = wall_now) -> None:
        self.db = db
        self.clock = clock

    async def _run(self, fn: Callable[[Any, str], T]) -> T:
        try:
            return await self.db.read(fn)
        except Exception as exc:
            if not _database_down(exc):
                raise
            raise Unavailable("The console's session store is unavailable; retry shortly") from exc

    async def create(self, sid_hash: str, record: bytes, idle: float) -> None:
        now = self.clock()

        def fn(cur: Any, m: str) -> None:
            cur.execute(f"DELETE FROM console_sessions WHERE idle_until <= {m}", (now,))
            cur.execute(
                f"INSERT INTO console_sessions (id, data, idle_until) VALUES ({m}, {m}, {m})",
                (sid_hash, record.decode(), now + idle),
            )

        await self._run(fn)

    async def touch(self, sid_hash: str, idle: float) -> bytes | None:
        now = self.clock()

        def fn(cur: Any, m: str) -> bytes | None:
            cur.execute(
                f"UPDATE console_sessions SET idle_until = {m} WHERE id = {m} AND idle_until > {m}",
                (now + idle, sid_hash, now),
            )
            if cur.rowcount != 1:
                return None
            cur.execute(f"SELECT data FROM console_sessions WHERE id = {m}", (sid_hash,))
            row = cur.fetchone()
            return str(row[0]).encode() if row else None

        return await self._run(fn)

    async def delete(self, sid_hash: str) -> None:
        def fn(cur: Any, m: str) -> None:
            cur.execute(f"DELETE FROM console_sessions WHERE id = {m}", (sid_hash,))

        await self._run(fn)

    async def set_flash(self, sid_hash: str, message: str) -> None:
        def fn(cur: Any, m: str) -> None:
            cur.execute(
                f"UPDATE console_sessions SET flash = {m} WHERE id = {m}", (message, sid_hash)
            )

        await self._run(fn)

    async def pop_flash(self, sid_hash: str) -> str | None:
        def fn(cur: Any, m: str) -> str | None:
            cur.execute(f"SELECT flash FROM console_sessions WHERE id = {m}", (sid_hash,))
            row = cur.fetchone()
            if row is None or row[0] is None:
                return None
            cur.execute(f"UPDATE console_sessions SET flash = NULL WHERE id = {m}", (sid_hash,))
            return str(row[0])

        return await self._run(fn)


def choose(store: StateStore, db: Database | None, backend: str) -> SessionStore:
    """The database when the state store is per process and there is one; else the store."""
    if backend != "redis" and db is not None:
        return DatabaseSessions(db)
    return StoreSessions(store)
