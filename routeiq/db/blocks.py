"""The ``guard_blocks`` table: what guardrails and the access policy refused.

One row per refusal: when, the request id, which guard (a guardrail's name, or
``policy``), why (the finding types, or the policy rule), the direction (input,
output, or ``request`` for the policy) and who asked (key alias, team, model).
Metadata only: the gateway never stores the text it refused. Each batch also adds
its counts per minute, guard and reason to ``guard_block_minutes``, which the plots
read (a day is then at most 1,440 rows per guard and reason, however many blocks).

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
    """The rows, and their counts added to ``guard_block_minutes`` (same transaction)."""
    marks = ", ".join(mark for _ in COLUMNS)
    cur.executemany(
        f"INSERT INTO guard_blocks ({', '.join(COLUMNS)}) VALUES ({marks})",
        [tuple(getattr(r, c) for c in COLUMNS) for r in rows],
    )
    cur.executemany(
        "INSERT INTO guard_block_minutes (minute, guard, reason, blocks) "
        f"VALUES ({mark}, {mark}, {mark}, {mark}) ON CONFLICT (minute, guard, reason) "
        "DO UPDATE SET blocks = guard_block_minutes.blocks + excluded.blocks",
        [(m, g, r, n) for (m, g, r), n in sorted(per_minute(rows).items())],
    )


def per_minute(rows: Sequence[BlockRow]) -> dict[tuple[int, str, str], int]:
    """Blocks per (minute since the epoch, guard, reason)."""
    out: dict[tuple[int, str, str], int] = {}
    for r in rows:
        k = (int(r.ts // 60), r.guard, r.reason)
        out[k] = out.get(k, 0) + 1
    return out


@dataclass(frozen=True, slots=True)
class BlockSeries:
    guard: str
    reason: str
    total: int
    counts: list[int]  # per bucket, oldest first


def series(cur: Any, mark: str, since: float, width: float, n: int) -> list[BlockSeries]:
    """Blocks per (guard, reason) in ``n`` buckets of ``width`` seconds from ``since``
    (both whole minutes), largest total first; past ``MAX_SERIES`` the rest add up to
    one ``other`` line. Read from the per-minute counts, grouped here."""
    n = max(1, min(n, MAX_BUCKETS))
    first, end = int(since // 60), int((since + width * n) // 60)
    cur.execute(
        f"SELECT minute, guard, reason, blocks FROM guard_block_minutes "
        f"WHERE minute >= {mark} AND minute < {mark}",
        [first, end],
    )
    lines: dict[tuple[str, str], list[int]] = {}
    for minute, guard, reason, count in cur.fetchall():
        i = int((int(minute) * 60 - since) // width)
        if 0 <= i < n:
            counts = lines.setdefault((str(guard), str(reason)), [0] * n)
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
    cur.execute(f"DELETE FROM guard_block_minutes WHERE minute < {mark}", [int(before // 60)])
