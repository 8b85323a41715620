"""The ``guard_blocks`` table: what guardrails and the access policy refused.

One row per refusal: when, the request id, which guard (a guardrail's name, or
``policy``), why (the finding types, or the policy rule), the direction (input,
output, or ``request`` for the policy) and who asked (key alias, team, model).
Metadata only: the gateway never stores the text it refused.

Pure functions over a DB-API cursor and a placeholder style, so they run in the
database's worker thread (``Database.read``) and are tested on plain connections.
Every read is bounded: at most ``MAX_SERIES`` lines of ``MAX_BUCKETS`` buckets, and
``limit`` recent rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MAX_BUCKETS = 120
MAX_SERIES = 8
COLUMNS = ("ts", "request_id", "guard", "reason", "direction", "key_alias", "team_id", "model")


@dataclass(frozen=True, slots=True)
class BlockRow:
    ts: float
    request_id: str
    guard: str
    reason: str
    direction: str
    key_alias: str | None
    team_id: str | None
    model: str | None


def insert(cur: Any, mark: str, rows: Sequence[BlockRow]) -> None:
    marks = ", ".join(mark for _ in COLUMNS)
    cur.executemany(
        f"INSERT INTO guard_blocks ({', '.join(COLUMNS)}) VALUES ({marks})",
        [tuple(getattr(r, c) for c in COLUMNS) for r in rows],
    )


@dataclass(frozen=True, slots=True)
class BlockSeries:
    guard: str
    reason: str
    total: int
    counts: list[int]  # per bucket, oldest first


def series(cur: Any, mark: str, since: float, width: float, n: int) -> list[BlockSeries]:
    """Blocks per (guard, reason) in ``n`` buckets of ``width`` seconds from ``since``,
    largest total first; past ``MAX_SERIES`` the rest add up to one ``other`` line."""
    n = max(1, min(n, MAX_BUCKETS))
    # Rows are never before ``since``, so SQLite's truncating CAST is a floor;
    # PostgreSQL's CAST rounds, hence its FLOOR (SQLite may lack math functions).
    bucket = f"(ts - {mark}) / {mark}"
    bucket = f"FLOOR({bucket})" if mark == "%s" else f"CAST({bucket} AS INTEGER)"
    cur.execute(
        f"SELECT guard, reason, {bucket} AS b, COUNT(*) FROM guard_blocks "
        f"WHERE ts >= {mark} AND ts < {mark} GROUP BY guard, reason, b",
        [since, width, since, since + width * n],
    )
    lines: dict[tuple[str, str], list[int]] = {}
    for guard, reason, b, count in cur.fetchall():
        counts = lines.setdefault((str(guard), str(reason)), [0] * n)
        i = int(b)
        if 0 <= i < n:
            counts[i] += int(count)
    ranked = sorted(lines.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    out = [BlockSeries(g, r, sum(c), c) for (g, r), c in ranked[:MAX_SERIES]]
    rest = ranked[MAX_SERIES:]
    if rest:
        other = [sum(c[i] for _, c in rest) for i in range(n)]
        out.append(BlockSeries("other", f"{len(rest)} more", sum(other), other))
    return out


def recent(cur: Any, mark: str, since: float, limit: int) -> list[BlockRow]:
    """The newest blocks since ``since``, newest first."""
    cur.execute(
        f"SELECT {', '.join(COLUMNS)} FROM guard_blocks WHERE ts >= {mark} "
        f"ORDER BY ts DESC LIMIT {mark}",
        [since, limit],
    )
    return [
        BlockRow(float(ts), str(rid), str(g), str(r), str(d), k, t, m)
        for ts, rid, g, r, d, k, t, m in cur.fetchall()
    ]


def prune(cur: Any, mark: str, before: float) -> None:
    """Forget blocks older than ``before`` (the console shows a day at most)."""
    cur.execute(f"DELETE FROM guard_blocks WHERE ts < {mark}", [before])
