"""The database interface and its one implementation over a DB-API engine.

Every call runs its statements in a worker thread (``trio.to_thread``) on the
engine's one connection, behind a ``CapacityLimiter(1)`` (a DB-API connection is
not for concurrent use), in one transaction. Calls are admin operations, the
1-second spend batch and the 0.5-second change poll: never the request path.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import orjson
import trio

from routeiq.db import rollup
from routeiq.db.schema import LATEST, MIGRATIONS, render

T = TypeVar("T")


class RecordExists(RuntimeError):
    """``Database.modify(move_to=...)``: a live record already holds that id."""


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer gateway than this one."""


@dataclass(frozen=True, slots=True)
class EntityRow:
    kind: str
    id: str
    data: dict[str, Any] | None  # None: deleted
    seq: int
    spend: float
    spend_period: int


@dataclass(frozen=True, slots=True)
class SpendRow:
    row_id: str
    request_id: str
    key_hash: str | None
    key_alias: str | None
    team_id: str | None
    user_id: str | None
    end_user: str | None
    model_group: str | None
    deployment: str | None
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    spend: float
    status: int
    start_time: float
    end_time: float

    @property
    def day(self) -> str:
        return time.strftime("%Y-%m-%d", time.gmtime(self.start_time))


SPEND_COLUMNS = (*SpendRow.__dataclass_fields__, "day")


@dataclass(frozen=True, slots=True)
class SpendDelta:
    kind: str
    id: str
    period: int
    amount: float


class Engine(Protocol):
    """The few things that differ between SQLite and PostgreSQL."""

    name: str
    placeholder: str
    real: str
    bigint: str
    migration_lock: str  # a statement that holds off other migrators until commit
    snapshot: str  # starts a transaction whose reads all see one snapshot
    write_begin: str | None  # starts a transaction that holds the write lock from the start
    for_update: str  # appended to a SELECT whose rows the transaction will write

    def connect(self) -> Any: ...


class Database:
    """Records, change feed and spend logs on one engine (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.name = engine.name
        self._conn: Any = None
        self._limiter = trio.CapacityLimiter(1)

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self.engine.placeholder)

    async def _run(self, fn: Callable[[Any], T], *, blocking: bool = False) -> T:
        """``fn(cursor)`` in one transaction, in a worker thread (``blocking``: on the
        calling thread; only before serving, for a local SQLite file)."""

        def job() -> T:
            conn = self._conn
            if conn is None:
                raise RuntimeError("database is closed")
            if getattr(conn, "closed", False):  # lost (server restarted): connect again
                conn = self._conn = self.engine.connect()
            try:
                out = fn(conn.cursor())
            except BaseException:
                try:
                    conn.rollback()
                except Exception:  # the connection itself is gone; the next call reconnects
                    pass
                raise
            conn.commit()
            return out

        if blocking:
            return job()
        return await trio.to_thread.run_sync(job, limiter=self._limiter)

    async def read(self, fn: Callable[[Any, str], T]) -> T:
        """``fn(cursor, placeholder)`` in a worker thread: reads of other components
        (the admin console's aggregates), written with the engine's placeholder."""
        return await self._run(lambda cur: fn(cur, self.engine.placeholder))

    async def snapshot(self, fn: Callable[[Any, str], T]) -> T:
        """As :meth:`read`, but every statement of ``fn`` sees the same snapshot: a
        page that shows counts and the rows behind them reads them consistently
        even while a batch is written between its two queries."""

        def job(cur: Any) -> T:
            cur.execute(self.engine.snapshot)
            return fn(cur, self.engine.placeholder)

        return await self._run(job)

    # -- lifecycle ----------------------------------------------------------------

    async def open(self, *, blocking: bool = False) -> int:
        """Connect and apply pending migrations; answer the schema version."""
        if blocking:
            self._conn = self.engine.connect()
        else:
            self._conn = await trio.to_thread.run_sync(self.engine.connect, limiter=self._limiter)
        return await self._run(self._migrate, blocking=blocking)

    def _migrate(self, cur: Any) -> int:
        # Several gateways may start at once on one database: one migrates, the
        # others wait for it and find the work done.
        cur.execute(self.engine.migration_lock)
        cur.execute("CREATE TABLE IF NOT EXISTS routeiq_schema (version INTEGER NOT NULL)")
        cur.execute("SELECT version FROM routeiq_schema")
        row = cur.fetchone()
        version = int(row[0]) if row else 0
        if row is None:
            cur.execute("INSERT INTO routeiq_schema (version) VALUES (0)")
        if version > LATEST:
            raise SchemaTooNew(
                f"the {self.name} database has schema version {version}, newer than this "
                f"gateway knows ({LATEST}); upgrade the gateway or point it at another database"
            )
        for target in range(version, LATEST):
            for statement in MIGRATIONS[target]:
                cur.execute(render(statement, real=self.engine.real, bigint=self.engine.bigint))
            cur.execute(self._sql("UPDATE routeiq_schema SET version = ?"), (target + 1,))
        return LATEST

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await trio.to_thread.run_sync(conn.close, limiter=self._limiter)

    # -- records ------------------------------------------------------------------

    def _next_seq(self, cur: Any) -> int:
        # The row lock on gov_meta orders writers, so `seq` order is commit order
        # and a poller that saw seq N has seen every change up to N.
        cur.execute("UPDATE gov_meta SET value = value + 1 WHERE name = 'seq'")
        cur.execute("SELECT value FROM gov_meta WHERE name = 'seq'")
        return int(cur.fetchone()[0])

    async def put(self, kind: str, ident: str, data: Mapping[str, Any]) -> int:
        """Create or replace a record; answer its change sequence number."""
        blob = orjson.dumps(dict(data)).decode()

        def fn(cur: Any) -> int:
            seq = self._next_seq(cur)
            cur.execute(
                self._sql(
                    "INSERT INTO gov_entities (kind, id, data, seq) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data, seq = excluded.seq"
                ),
                (kind, ident, blob, seq),
            )
            return seq

        return await self._run(fn)

    async def modify(
        self,
        kind: str,
        ident: str,
        edit: Callable[[dict[str, Any] | None, float], dict[str, Any]],
        *,
        move_to: str | None = None,
    ) -> tuple[dict[str, Any], float]:
        """Read-modify-write one record atomically, across processes.

        ``edit(current, spend)`` (``current`` is None when there is no such record)
        answers the record to store or raises (nothing is written then). It runs in
        the database's worker thread while the transaction holds the write lock
        (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the ``gov_meta`` sequence row,
        taken first, and the record's row ``FOR UPDATE``), so a second gateway
        process editing the same record waits and then edits this one's result:
        no lost update, and a create's "exists?" check cannot race. Answers the
        stored record and its spend. ``move_to``: the record is stored under that id,
        with its spend and budget period, and the old one deleted, in the same
        transaction (a key's new secret: two at once cannot both take over the old
        key, and the new secret is not a fresh budget); :class:`RecordExists` when a
        live record already has that id.
        """

        def fn(cur: Any) -> tuple[dict[str, Any], float]:
            if self.engine.write_begin:
                cur.execute(self.engine.write_begin)
            seq = self._next_seq(cur)
            cur.execute(
                self._sql("SELECT data, spend FROM gov_entities WHERE kind = ? AND id = ?")
                + self.engine.for_update,
                (kind, ident),
            )
            row = cur.fetchone()
            current = orjson.loads(row[0]) if row is not None and row[0] is not None else None
            spend = float(row[1]) if row is not None else 0.0
            data = edit(current, spend)
            body = orjson.dumps(data).decode()
            if move_to is None:
                cur.execute(
                    self._sql(
                        "INSERT INTO gov_entities (kind, id, data, seq) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data, "
                        "seq = excluded.seq"
                    ),
                    (kind, ident, body, seq),
                )
                return data, spend
            cur.execute(
                self._sql("SELECT data FROM gov_entities WHERE kind = ? AND id = ?")
                + self.engine.for_update,
                (kind, move_to),
            )
            taken = cur.fetchone()
            if taken is not None and taken[0] is not None:
                raise RecordExists(f"{kind} {move_to!r} exists")
            cur.execute(
                self._sql(
                    "INSERT INTO gov_entities (kind, id, data, seq, spend, spend_period) "
                    "SELECT kind, ?, ?, ?, spend, spend_period FROM gov_entities "
                    "WHERE kind = ? AND id = ? ON CONFLICT (kind, id) DO UPDATE SET "
                    "data = excluded.data, seq = excluded.seq, spend = excluded.spend, "
                    "spend_period = excluded.spend_period"
                ),
                (move_to, body, seq, kind, ident),
            )
            cur.execute(
                self._sql("UPDATE gov_entities SET data = NULL, seq = ? WHERE kind = ? AND id = ?"),
                (self._next_seq(cur), kind, ident),
            )
            return data, spend

        return await self._run(fn)

    async def delete(self, kind: str, ident: str) -> bool:
        def fn(cur: Any) -> bool:
            cur.execute(
                self._sql(
                    "SELECT 1 FROM gov_entities WHERE kind = ? AND id = ? AND data IS NOT NULL"
                ),
                (kind, ident),
            )
            if cur.fetchone() is None:
                return False
            seq = self._next_seq(cur)
            cur.execute(
                self._sql("UPDATE gov_entities SET data = NULL, seq = ? WHERE kind = ? AND id = ?"),
                (seq, kind, ident),
            )
            return True

        return await self._run(fn)

    async def get(self, kind: str, ident: str, *, blocking: bool = False) -> EntityRow | None:
        def fn(cur: Any) -> EntityRow | None:
            cur.execute(
                self._sql(
                    "SELECT kind, id, data, seq, spend, spend_period FROM gov_entities "
                    "WHERE kind = ? AND id = ? AND data IS NOT NULL"
                ),
                (kind, ident),
            )
            row = cur.fetchone()
            return _entity(row) if row else None

        return await self._run(fn, blocking=blocking)

    async def list_records(self, kind: str, offset: int, limit: int) -> tuple[list[EntityRow], int]:
        def fn(cur: Any) -> tuple[list[EntityRow], int]:
            cur.execute(
                self._sql("SELECT COUNT(*) FROM gov_entities WHERE kind = ? AND data IS NOT NULL"),
                (kind,),
            )
            total = int(cur.fetchone()[0])
            cur.execute(
                self._sql(
                    "SELECT kind, id, data, seq, spend, spend_period FROM gov_entities "
                    "WHERE kind = ? AND data IS NOT NULL ORDER BY seq LIMIT ? OFFSET ?"
                ),
                (kind, limit, offset),
            )
            return [_entity(r) for r in cur.fetchall()], total

        return await self._run(fn)

    async def changes(
        self, since: int, limit: int = 10_000, *, blocking: bool = False
    ) -> list[EntityRow]:
        """Records (tombstones included) changed after sequence number ``since``."""

        def fn(cur: Any) -> list[EntityRow]:
            cur.execute(
                self._sql(
                    "SELECT kind, id, data, seq, spend, spend_period FROM gov_entities "
                    "WHERE seq > ? ORDER BY seq LIMIT ?"
                ),
                (since, limit),
            )
            return [_entity(r) for r in cur.fetchall()]

        return await self._run(fn, blocking=blocking)

    async def seq(self) -> int:
        def fn(cur: Any) -> int:
            cur.execute("SELECT value FROM gov_meta WHERE name = 'seq'")
            return int(cur.fetchone()[0])

        return await self._run(fn)

    # -- spend --------------------------------------------------------------------

    async def write_spend(self, rows: Sequence[SpendRow], deltas: Sequence[SpendDelta]) -> None:
        """One batch: the log rows (a row already written is skipped) and the totals."""
        cols = ", ".join(SPEND_COLUMNS)
        marks = ", ".join("?" for _ in SPEND_COLUMNS)
        insert = self._sql(
            f"INSERT INTO spend_logs ({cols}) VALUES ({marks}) ON CONFLICT (row_id) DO NOTHING"
        )
        update = self._sql(
            "UPDATE gov_entities SET spend = CASE WHEN spend_period = ? THEN spend + ? ELSE ? END, "
            "spend_period = ? WHERE kind = ? AND id = ?"
        )

        # Daily totals for the console's spend views (routeiq.db.rollup), same transaction.
        # A retried batch may add a row's totals twice: the log skips the duplicate row,
        # the totals cannot tell; retries follow only a failed commit, which rolled back.
        totals = rollup.upsert_args(rollup.totals(rows))
        upsert = self._sql(rollup.UPSERT)

        def fn(cur: Any) -> None:
            if rows:
                cur.executemany(insert, [tuple(getattr(r, c) for c in SPEND_COLUMNS) for r in rows])
                cur.executemany(upsert, totals)
            for d in deltas:
                cur.execute(update, (d.period, d.amount, d.amount, d.period, d.kind, d.id))

        await self._run(fn)

    async def spend_logs(
        self, filters: Mapping[str, Any], offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Rows matching ``filters`` (key_hash, team_id, user_id, start, end), newest first."""
        where, args = _where(filters)

        def fn(cur: Any) -> tuple[list[dict[str, Any]], int]:
            cur.execute(self._sql(f"SELECT COUNT(*) FROM spend_logs{where}"), args)
            total = int(cur.fetchone()[0])
            cur.execute(
                self._sql(
                    f"SELECT {', '.join(SPEND_COLUMNS)} FROM spend_logs{where} "
                    "ORDER BY start_time DESC, row_id LIMIT ? OFFSET ?"
                ),
                (*args, limit, offset),
            )
            return [dict(zip(SPEND_COLUMNS, r, strict=True)) for r in cur.fetchall()], total

        return await self._run(fn)

    async def spend_report(
        self, filters: Mapping[str, Any], group: str
    ) -> list[tuple[str, str | None, float, int, int]]:
        """``(day, group value, spend, requests, tokens)`` rows, by day then group."""
        column = {
            "key": "key_hash",
            "team": "team_id",
            "model": "model_group",
            "user": "user_id",
            "customer": "end_user",
        }[group]
        where, args = _where(filters)

        def fn(cur: Any) -> list[tuple[str, str | None, float, int, int]]:
            cur.execute(
                self._sql(
                    f"SELECT day, {column}, SUM(spend), COUNT(*), SUM(total_tokens) "
                    f"FROM spend_logs{where} GROUP BY day, {column} ORDER BY day, {column}"
                ),
                args,
            )
            return [
                (str(d), g, float(s or 0), int(n), int(t or 0)) for d, g, s, n, t in cur.fetchall()
            ]

        return await self._run(fn)


def _where(filters: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    clauses: list[str] = []
    args: list[Any] = []
    for name in ("key_hash", "team_id", "user_id", "model_group", "end_user", "request_id"):
        if filters.get(name) is not None:
            clauses.append(f"{name} = ?")
            args.append(filters[name])
    if filters.get("start") is not None:
        clauses.append("start_time >= ?")
        args.append(filters["start"])
    if filters.get("end") is not None:
        clauses.append("start_time < ?")
        args.append(filters["end"])
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(args)


def _entity(row: Sequence[Any]) -> EntityRow:
    kind, ident, data, seq, spend, period = row
    return EntityRow(
        kind, ident, orjson.loads(data) if data is not None else None, int(seq), float(spend),
        int(period),
    )  # fmt: skip


def database_url(configured: str | None) -> str | None:
    """``general_settings.database_url``, else ``DATABASE_URL``, else None (SQLite)."""
    return configured or os.environ.get("DATABASE_URL") or None


def open_database(url: str | None, data_dir: Path) -> Database:
    """PostgreSQL for a ``postgres://`` / ``postgresql://`` URL, else SQLite under ``data_dir``."""
    if url and url.startswith(("postgres://", "postgresql://")):
        from routeiq.db.postgres import PostgresEngine

        return Database(PostgresEngine(url))
    from routeiq.db.sqlite import SqliteEngine

    if url and url.startswith("sqlite:///"):
        return Database(SqliteEngine(Path(url[len("sqlite:///") :])))
    return Database(SqliteEngine(data_dir / "routeiq.db"))
