"""The two homes of console sessions behave alike (the state store; the database on
SQLite and on a real PostgreSQL): idle expiry at exactly the idle time on the virtual
clock, renewal on use, sign-out, the one-shot flash; and the database is chosen when
the state store is per process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import trio
import trio.testing

from routeiq.console.sessions import (
    DatabaseSessions,
    SessionStore,
    StoreSessions,
    choose,
    wall_now,
)
from routeiq.db import Database, open_database
from routeiq.state.memory import MemoryStore


@pytest.fixture(params=["store", "sqlite", "postgresql"])
async def sessions(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SessionStore]:
    if request.param == "store":
        yield StoreSessions(MemoryStore())
        return
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    db = open_database(url, tmp_path)
    await db.open()
    try:
        yield DatabaseSessions(db)
    finally:
        await db.close()


async def test_idle_expiry_is_exact_and_use_renews_it(
    sessions: SessionStore, autojump_clock: trio.testing.MockClock
) -> None:
    await sessions.create("s1", b'{"who": "master"}', 600)
    start = trio.current_time()
    await trio.sleep(599.5)
    assert await sessions.touch("s1", 600) == b'{"who": "master"}'  # renewed to +600
    await trio.sleep(599.5)
    assert await sessions.touch("s1", 600) is not None
    assert trio.current_time() - start == 1199
    await trio.sleep(600)  # idle for exactly the idle time
    assert await sessions.touch("s1", 600) is None
    assert await sessions.touch("never", 600) is None


async def test_flash_is_shown_once_and_sign_out_ends_the_session(
    sessions: SessionStore, autojump_clock: trio.testing.MockClock
) -> None:
    await sessions.create("s2", b"{}", 600)
    await sessions.create("other", b"{}", 600)
    assert await sessions.pop_flash("s2") is None
    await sessions.set_flash("s2", "Key blocked")
    assert await sessions.pop_flash("other") is None  # per session
    assert await sessions.pop_flash("s2") == "Key blocked"
    assert await sessions.pop_flash("s2") is None
    await sessions.delete("s2")
    assert await sessions.touch("s2", 600) is None
    assert await sessions.touch("other", 600) == b"{}"


async def test_expired_rows_go_when_someone_signs_in(
    db: Database, autojump_clock: trio.testing.MockClock
) -> None:
    sessions = DatabaseSessions(db)
    await sessions.create("old", b"{}", 60)
    await trio.sleep(61)
    await sessions.create("new", b"{}", 60)

    def ids(cur: Any, m: str) -> list[str]:
        cur.execute("SELECT id FROM console_sessions")
        return [r[0] for r in cur.fetchall()]

    assert await db.read(ids) == ["new"]


async def test_wall_clock_follows_trio_and_is_wall_time(
    autojump_clock: trio.testing.MockClock,
) -> None:
    import time

    first = wall_now()
    assert abs(first - time.time()) < 5
    await trio.sleep(3600)
    assert wall_now() - first == pytest.approx(3600)


def test_the_database_is_chosen_unless_the_store_is_shared() -> None:
    store = MemoryStore()
    db = Database.__new__(Database)  # never opened: only its type matters here
    assert isinstance(choose(store, db, "memory"), DatabaseSessions)
    assert isinstance(choose(store, db, "redis"), StoreSessions)
    assert isinstance(choose(store, None, "memory"), StoreSessions)


async def test_a_database_that_is_down_is_a_503_not_a_500(tmp_path: Path) -> None:
    from routeiq.errors import Unavailable

    db = open_database(None, tmp_path)
    await db.open()
    sessions = DatabaseSessions(db)
    with pytest.raises(ZeroDivisionError):  # a bug is not passed off as "unavailable"
        await sessions._run(lambda cur, m: 1 / 0)
    await db.close()
    with pytest.raises(Unavailable) as down:  # "database is closed"
        await sessions.touch("s", 60)
    assert down.value.status == 503
