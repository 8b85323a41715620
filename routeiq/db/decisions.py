"""Learned-routing decisions and their feedback in the gateway's database.

Tables ``route_decisions`` and ``route_feedback`` (migration 2 in ``schema.py``), on
the same engine as keys and spend: SQLite by default, PostgreSQL with
``database_url``, so every gateway process and host writes to, and a retraining
reads from, one place. Writes come in batches from ``routeiq.learned.logs``
(a worker thread, after the responses); nothing here is on the request path.

A decision row is replaced when its request id comes again (ids come from
clients); feedback rows only accumulate and the latest one per decision wins when
read (``feedback_joined``).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from routeiq.db.base import Database

__all__ = [
    "DecisionRecord",
    "FeedbackRecord",
    "decision_count",
    "feedback_joined",
    "select_feedback_joined",
    "write_decisions",
]

DECISION_COLUMNS = (
    "request_id", "response_id", "ts", "route", "router_version", "prompt_hash",
    "embedding", "features", "prompt_tokens", "candidates", "predicted", "expected_cost",
    "cost_weight", "choice", "served_by", "latency_ms", "cost_usd", "outcome",
)  # fmt: skip


@dataclass(slots=True)
class DecisionRecord:
    """One routed request. ``embedding``: float16 bytes; ``features``: float32 bytes."""

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
            self.prompt_hash, _b64(self.embedding), _b64(self.features), self.prompt_tokens,
            _json(self.candidates), _json(self.predicted), _json(self.expected_cost),
            self.cost_weight, self.choice, self.served_by, self.latency_ms, self.cost_usd,
            self.outcome,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    ref: str  # a request id or a response id
    score: float
    label: str | None
    ts: float


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


async def write_decisions(
    db: Database, decisions: Sequence[DecisionRecord], feedback: Sequence[FeedbackRecord]
) -> None:
    """One transaction: the decision rows (replacing a repeated request id) and feedback."""
    cols = ", ".join(DECISION_COLUMNS)
    marks = ", ".join("?" for _ in DECISION_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in DECISION_COLUMNS[1:])
    insert = db._sql(
        f"INSERT INTO route_decisions ({cols}) VALUES ({marks}) "
        f"ON CONFLICT (request_id) DO UPDATE SET {updates}"
    )
    insert_fb = db._sql("INSERT INTO route_feedback (ref, score, label, ts) VALUES (?, ?, ?, ?)")
    # Within one batch a repeated request id would hit the same row twice in one
    # statement (PostgreSQL refuses that for ON CONFLICT): the last one wins here too.
    latest = {d.request_id: d for d in decisions}

    def fn(cur: Any) -> None:
        if latest:
            cur.executemany(insert, [d.values() for d in latest.values()])
        if feedback:
            cur.executemany(insert_fb, [(f.ref, f.score, f.label, f.ts) for f in feedback])

    await db._run(fn)


def select_feedback_joined(cur: Any) -> list[dict[str, Any]]:
    """Every decision that has feedback, with its latest score, decoded: ``embedding``
    and ``features`` as bytes, ``candidates``/``predicted``/``expected_cost`` as lists.
    Runs on a DB-API cursor (``feedback_joined`` in a worker thread, or offline)."""
    cur.execute(
        "SELECT d.request_id, d.embedding, d.features, d.prompt_tokens, d.candidates,"
        " d.predicted, d.expected_cost, d.served_by, d.choice, f.score, f.label"
        " FROM route_feedback f JOIN route_decisions d"
        " ON f.ref = d.request_id OR f.ref = d.response_id ORDER BY f.ts"
    )
    cols = [c[0] for c in cur.description]
    latest: dict[str, dict[str, Any]] = {}
    for values in cur.fetchall():
        row = dict(zip(cols, values, strict=True))
        latest[row["request_id"]] = row
    rows = list(latest.values())
    for r in rows:
        r["embedding"] = base64.b64decode(r["embedding"])
        r["features"] = base64.b64decode(r["features"])
        for k in ("candidates", "predicted", "expected_cost"):
            r[k] = orjson.loads(r[k])
        r["score"] = float(r["score"])
    return rows


async def feedback_joined(db: Database) -> list[dict[str, Any]]:
    return await db._run(select_feedback_joined)


async def decision_count(db: Database) -> int:
    def fn(cur: Any) -> int:
        cur.execute("SELECT COUNT(*) FROM route_decisions")
        return int(cur.fetchone()[0])

    return await db._run(fn)
