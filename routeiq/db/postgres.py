"""PostgreSQL engine through psycopg 3's blocking API (run in a worker thread)."""

from __future__ import annotations

from typing import Any


class PostgresEngine:
    name = "postgresql"
    placeholder = "%s"
    real = "DOUBLE PRECISION"
    bigint = "BIGINT"
    migration_lock = "SELECT pg_advisory_xact_lock(74120010)"
    # READ COMMITTED (the default) takes a new snapshot per statement
    snapshot = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
    write_begin: str | None = None  # psycopg opens the transaction at the first statement
    for_update = " FOR UPDATE"

    def __init__(self, url: str, connect_timeout: int = 5) -> None:
        self.url = url
        self.connect_timeout = connect_timeout

    def connect(self) -> Any:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - the optional extra
            raise RuntimeError(
                "database_url points at PostgreSQL: install the 'postgres' extra (psycopg)"
            ) from exc
        return psycopg.connect(self.url, connect_timeout=self.connect_timeout)
