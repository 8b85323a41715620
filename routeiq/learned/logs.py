"""Decision and feedback log, written in batches off the hot path into the gateway's
database (``routeiq.db``: SQLite by default, PostgreSQL with ``database_url``), so
every process and host of a deployment logs to one place.

Every routed request adds one ``route_decisions`` row: request id, response id,
time, route, router version, prompt hash, the prompt's embedding (float16: the
"embedding reference" a retraining needs, without keeping the text) and text
features, candidates, predicted scores, expected costs, the choice, latency, cost
and outcome. ``POST /routeiq/feedback`` adds a ``route_feedback`` row keyed by a
request or a response id; the two join when read, so feedback may arrive before
its decision row was flushed.

``record``/``feedback`` only append to a bounded buffer (dropping, and counting,
beyond ``max_buffer``); ``run`` opens the database (applying migrations) and
flushes the buffer every ``flush_interval`` seconds or at ``batch`` rows, in one
worker-thread transaction (``routeiq.db.decisions.write_decisions``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import trio

from routeiq.db.base import Database, open_database
from routeiq.db.decisions import (
    DecisionRecord,
    FeedbackRecord,
    select_feedback_joined,
    write_decisions,
)
from routeiq.learned.data import DataError, Row

__all__ = ["DecisionLog", "DecisionRecord", "open_log_database", "rows_from_logs"]

log = logging.getLogger("routeiq.learned")


def open_log_database(where: str | Path) -> Database:
    """A database URL (``postgresql://…``, ``sqlite:///…``) or a SQLite file's path."""
    text = str(where)
    if "://" in text:
        return open_database(text, Path("."))
    from routeiq.db.sqlite import SqliteEngine

    return Database(SqliteEngine(Path(text)))


class DecisionLog:
    """Buffered writer (see module docstring). One per gateway process and database."""

    def __init__(
        self,
        db: Database,
        *,
        flush_interval: float = 0.5,
        batch: int = 256,
        max_buffer: int = 10_000,
    ) -> None:
        self.db = db
        self.flush_interval = flush_interval
        self.batch = batch
        self.max_buffer = max_buffer
        self._decisions: list[DecisionRecord] = []
        self._feedback: list[FeedbackRecord] = []
        self._wake = trio.Event()
        self._open = False
        self.dropped = 0
        self.written = 0

    def _push(self, buf: list[Any], item: Any) -> None:
        if len(self._decisions) + len(self._feedback) >= self.max_buffer:
            self.dropped += 1
            return
        buf.append(item)
        if len(self._decisions) + len(self._feedback) >= self.batch:
            self._wake.set()

    def record(self, rec: DecisionRecord) -> None:
        """Queue one decision row (never blocks, never raises)."""
        rec.ts = rec.ts or time.time()
        self._push(self._decisions, rec)

    def feedback(self, ref: str, score: float, label: str | None) -> None:
        self._push(self._feedback, FeedbackRecord(ref, score, label, time.time()))

    async def _ensure_open(self) -> bool:
        if not self._open:
            try:
                await self.db.open()
            except Exception as exc:  # unreachable database: keep buffering, retry later
                log.warning("decision log: cannot open the %s database: %r", self.db.name, exc)
                return False
            self._open = True
        return True

    async def flush(self) -> None:
        if not (self._decisions or self._feedback) or not await self._ensure_open():
            return
        decisions, self._decisions = self._decisions, []
        fb, self._feedback = self._feedback, []
        try:
            await write_decisions(self.db, decisions, fb)
            self.written += len(decisions) + len(fb)
        except Exception as exc:  # sqlite3 / psycopg errors: count the batch as lost
            self.dropped += len(decisions) + len(fb)
            log.warning("decision log: write to the %s database failed: %r", self.db.name, exc)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        task_status.started()
        try:
            await self._ensure_open()  # migrate now, not on the first routed request
            while True:
                with trio.move_on_after(self.flush_interval):
                    await self._wake.wait()
                self._wake = trio.Event()
                await self.flush()
        finally:
            with trio.CancelScope(shield=True):
                with trio.move_on_after(5.0):  # a hung database must not hold shutdown
                    await self.flush()
                if self._open:
                    self._open = False
                    await self.db.close()


def joined(where: str | Path) -> list[dict[str, Any]]:
    """Every logged decision that has feedback, with its latest score (blocking, for
    offline use such as the CLI; ``where`` as for :func:`open_log_database`)."""
    db = open_log_database(where)
    conn = db.engine.connect()
    try:
        return select_feedback_joined(conn.cursor())
    finally:
        conn.close()


def rows_from_logs(where: str | Path) -> list[Row]:
    """Training rows from logged decisions that got feedback.

    Feedback scores only the model that answered; the other candidates keep the
    scores the router predicted when it decided (so retraining moves the router
    only where feedback disagreed with it). Each row carries its logged embedding
    and text features in ``extra`` (no text is logged, none is re-encoded).
    """
    text = str(where)
    if "://" not in text and not Path(text).exists():
        raise DataError(f"no decision log at {where}")
    try:
        found = joined(where)
    except Exception as exc:
        raise DataError(f"cannot read the decision log at {where}: {exc}") from None
    out: list[Row] = []
    for r in found:
        names = list(r["candidates"])
        quality = dict(zip(names, (float(x) for x in r["predicted"]), strict=True))
        cost = dict(zip(names, (float(x) for x in r["expected_cost"]), strict=True))
        served = r["served_by"] or r["choice"]
        if served in quality:
            quality[served] = float(r["score"])
        emb = np.frombuffer(r["embedding"], dtype=np.float16).astype(np.float32)
        feats = np.frombuffer(r["features"], dtype=np.float32)
        out.append(
            Row(
                f"log:{r['request_id']}",
                quality,
                cost,
                {"embedding": emb, "features": feats, "prompt_tokens": r["prompt_tokens"]},
            )
        )
    return out
