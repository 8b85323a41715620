"""Decision and feedback log in SQLite, written in batches off the hot path.

A small store of its own behind a tiny interface (``record``/``feedback`` on the
event loop, ``run`` in the lifespan nursery, ``rows_from_logs`` offline), to be
folded into the project's shared SQLite/PostgreSQL store later.

Every routed request adds one ``decisions`` row: request id, response id, time,
route, router version, prompt hash, the prompt's embedding (float16 bytes: the
"embedding reference" a retraining needs, without keeping the text) and text
features, candidates, predicted scores, expected costs, the choice, latency, cost
and outcome. ``POST /routeiq/feedback`` adds a ``feedback`` row keyed by a request
or a response id; the two join when read, so feedback may arrive before its
decision row was flushed.

``record``/``feedback`` only append to a bounded buffer (dropping, and counting,
beyond ``max_buffer``); ``run`` flushes it every ``flush_interval`` seconds or at
``batch`` rows, in one worker-thread transaction.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import trio

from routeiq.learned.data import DataError, Row

__all__ = ["DecisionLog", "DecisionRecord", "rows_from_logs"]

log = logging.getLogger("routeiq.learned")

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
  request_id TEXT PRIMARY KEY, response_id TEXT, ts REAL, route TEXT, router_version TEXT,
  prompt_hash TEXT, embedding BLOB, features BLOB, prompt_tokens INTEGER,
  candidates TEXT, predicted TEXT, expected_cost TEXT, cost_weight REAL,
  choice TEXT, served_by TEXT, latency_ms REAL, cost_usd REAL, outcome TEXT);
CREATE INDEX IF NOT EXISTS decisions_response ON decisions(response_id);
CREATE TABLE IF NOT EXISTS feedback (
  ref TEXT, score REAL, label TEXT, ts REAL);
CREATE INDEX IF NOT EXISTS feedback_ref ON feedback(ref);
"""


@dataclass(slots=True)
class DecisionRecord:
    request_id: str
    route: str
    router_version: str
    prompt_hash: str
    embedding: bytes
    features: bytes
    prompt_tokens: int
    candidates: list[str]
    predicted: list[float]
    expected_cost: list[float]
    cost_weight: float
    choice: str
    served_by: str | None = None
    response_id: str | None = None
    latency_ms: float | None = None
    cost_usd: float | None = None
    outcome: str = "ok"
    ts: float = 0.0

    def values(self) -> tuple[Any, ...]:
        return (
            self.request_id, self.response_id, self.ts, self.route, self.router_version,
            self.prompt_hash, self.embedding, self.features, self.prompt_tokens,
            json.dumps(self.candidates), json.dumps(self.predicted),
            json.dumps(self.expected_cost), self.cost_weight, self.choice, self.served_by,
            self.latency_ms, self.cost_usd, self.outcome,
        )  # fmt: skip


def connect(path: str | Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(SCHEMA)
    return conn


class DecisionLog:
    """Buffered writer (see module docstring). One per gateway process."""

    def __init__(
        self,
        path: str | Path,
        *,
        flush_interval: float = 0.5,
        batch: int = 256,
        max_buffer: int = 10_000,
    ) -> None:
        self.path = Path(path)
        self.flush_interval = flush_interval
        self.batch = batch
        self.max_buffer = max_buffer
        self._decisions: list[DecisionRecord] = []
        self._feedback: list[tuple[str, float, str | None, float]] = []
        self._wake = trio.Event()
        self._limiter = trio.CapacityLimiter(1)
        self._conn: sqlite3.Connection | None = None
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
        self._push(self._feedback, (ref, score, label, time.time()))

    def _write(self, decisions: Sequence[DecisionRecord], fb: Sequence[tuple[Any, ...]]) -> None:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = connect(self.path)
        with self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO decisions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [d.values() for d in decisions],
            )
            self._conn.executemany("INSERT INTO feedback VALUES (?,?,?,?)", fb)

    async def flush(self) -> None:
        decisions, self._decisions = self._decisions, []
        fb, self._feedback = self._feedback, []
        if not decisions and not fb:
            return
        try:
            await trio.to_thread.run_sync(self._write, decisions, fb, limiter=self._limiter)
            self.written += len(decisions) + len(fb)
        except sqlite3.Error as exc:
            self.dropped += len(decisions) + len(fb)
            log.warning("decision log: write to %s failed: %r", self.path, exc)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        task_status.started()
        try:
            while True:
                with trio.move_on_after(self.flush_interval):
                    await self._wake.wait()
                self._wake = trio.Event()
                await self.flush()
        finally:
            with trio.CancelScope(shield=True):
                await self.flush()
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def joined(path: str | Path) -> list[dict[str, Any]]:
    """Every decision that has feedback, with its latest score (read-only use)."""
    conn = connect(path)
    try:
        cur = conn.execute(
            "SELECT d.request_id, d.embedding, d.features, d.prompt_tokens, d.candidates,"
            " d.predicted, d.expected_cost, d.served_by, d.choice, f.score, f.label"
            " FROM feedback f JOIN decisions d"
            " ON f.ref = d.request_id OR f.ref = d.response_id ORDER BY f.ts"
        )
        cols = [c[0] for c in cur.description]
        latest: dict[str, dict[str, Any]] = {}
        for values in cur.fetchall():
            row = dict(zip(cols, values, strict=True))
            latest[row["request_id"]] = row
        return list(latest.values())
    finally:
        conn.close()


def rows_from_logs(path: str | Path) -> list[Row]:
    """Training rows from logged decisions that got feedback.

    Feedback scores only the model that answered; the other candidates keep the
    scores the router predicted when it decided (so retraining moves the router
    only where feedback disagreed with it). Each row carries its logged embedding
    and text features in ``extra`` (no text is logged, none is re-encoded).
    """
    if not Path(path).exists():
        raise DataError(f"no decision log at {path}")
    out: list[Row] = []
    for r in joined(path):
        names = json.loads(r["candidates"])
        quality = dict(zip(names, (float(x) for x in json.loads(r["predicted"])), strict=True))
        cost = dict(zip(names, (float(x) for x in json.loads(r["expected_cost"])), strict=True))
        served = r["served_by"] or r["choice"]
        if served in quality:
            quality[served] = float(r["score"])
        emb = np.frombuffer(r["embedding"], dtype=np.float16).astype(np.float32)
        feats = np.frombuffer(r["features"], dtype=np.float32)
        text = f"log:{r['request_id']}"
        out.append(
            Row(
                text,
                quality,
                cost,
                {"embedding": emb, "features": feats, "prompt_tokens": r["prompt_tokens"]},
            )
        )
    return out
