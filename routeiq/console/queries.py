"""The console's reads of the spend logs: aggregated in SQL, paged, bounded.

Every function here takes a DB-API cursor and a placeholder style, so it runs
in the database's worker thread (``Database.read``) and is tested on a plain
SQLite connection. Nothing returns more than ``limit`` rows: a page of groups,
a CSV of at most ``CSV_ROWS`` groups, a series of at most ``MAX_BUCKETS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# What a spend view may group by, and the column it reads.
GROUPS = {
    "day": "day",
    "key": "key_hash",
    "team": "team_id",
    "model": "model_group",
    "deployment": "deployment",
}
CSV_ROWS = 100_000
MAX_BUCKETS = 120
LATENCY_SAMPLE = 20_000


@dataclass(frozen=True, slots=True)
class SpendFilter:
    start: float | None = None  # wall time, inclusive
    end: float | None = None  # exclusive
    key_hash: str | None = None
    team_id: str | None = None
    model_group: str | None = None
    deployment: str | None = None

    def where(self, mark: str) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        for name in ("key_hash", "team_id", "model_group", "deployment"):
            value = getattr(self, name)
            if value is not None:
                clauses.append(f"{name} = {mark}")
                args.append(value)
        if self.start is not None:
            clauses.append(f"start_time >= {mark}")
            args.append(self.start)
        if self.end is not None:
            clauses.append(f"start_time < {mark}")
            args.append(self.end)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


@dataclass(frozen=True, slots=True)
class Group:
    name: str | None
    label: str | None  # the key alias for key groups
    spend: float
    requests: int
    tokens: int
    errors: int


def spend_groups(
    cur: Any, mark: str, by: str, f: SpendFilter, offset: int, limit: int
) -> tuple[list[Group], int, float, int]:
    """One page of groups (largest spend first), the number of groups, total spend
    and total requests of everything the filter matches."""
    col = GROUPS[by]
    where, args = f.where(mark)
    label = "MAX(key_alias)" if by == "key" else "NULL"
    order = "g DESC" if by == "day" else "s DESC, g"
    cur.execute(
        f"SELECT {col} AS g, {label}, SUM(spend) AS s, COUNT(*), SUM(total_tokens), "
        f"SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) "
        f"FROM spend_logs{where} GROUP BY {col} ORDER BY {order} LIMIT {mark} OFFSET {mark}",
        [*args, limit, offset],
    )
    rows = [
        Group(g, lb, float(s or 0), int(n), int(t or 0), int(e or 0))
        for g, lb, s, n, t, e in cur.fetchall()
    ]
    cur.execute(f"SELECT COUNT(DISTINCT {col}), SUM(spend), COUNT(*) FROM spend_logs{where}", args)
    groups, total, requests = cur.fetchone()
    return rows, int(groups or 0), float(total or 0), int(requests or 0)


@dataclass(frozen=True, slots=True)
class Bucket:
    start: float
    requests: int
    errors: int
    tokens: int
    spend: float
    p50: float | None
    p99: float | None


def series(cur: Any, mark: str, since: float, width: float, n: int) -> list[Bucket]:
    """``n`` buckets of ``width`` seconds from ``since``: counts, tokens and spend in
    SQL; latency percentiles from the newest ``LATENCY_SAMPLE`` rows of the window."""
    n = min(n, MAX_BUCKETS)
    cur.execute(
        f"SELECT CAST((start_time - {mark}) / {mark} AS INTEGER) AS b, COUNT(*), "
        f"SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END), SUM(total_tokens), SUM(spend) "
        f"FROM spend_logs WHERE start_time >= {mark} GROUP BY b",
        [since, width, since],
    )
    agg = {
        int(b): (int(c), int(e or 0), int(t or 0), float(s or 0))
        for b, c, e, t, s in cur.fetchall()
    }
    cur.execute(
        f"SELECT start_time, end_time - start_time FROM spend_logs WHERE start_time >= {mark} "
        f"AND status < 400 ORDER BY start_time DESC LIMIT {mark}",
        [since, LATENCY_SAMPLE],
    )
    lat: dict[int, list[float]] = {}
    for t, d in cur.fetchall():
        lat.setdefault(int((t - since) // width), []).append(float(d))
    out = []
    for i in range(n):
        c, e, t, s = agg.get(i, (0, 0, 0, 0.0))
        ds = sorted(lat.get(i, ()))
        out.append(Bucket(since + i * width, c, e, t, s, quantile(ds, 0.5), quantile(ds, 0.99)))
    return out


def quantile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank quantile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    i = min(len(sorted_values) - 1, max(0, int(q * len(sorted_values) + 0.999999) - 1))
    return sorted_values[i]


def hist_quantile(
    bounds: tuple[float, ...], counts: list[int], total: int, q: float
) -> float | None:
    """The upper bound of the bucket holding the ``q`` quantile (None when empty or
    past the last bound)."""
    if total <= 0:
        return None
    rank = q * total
    cum = 0
    for bound, c in zip(bounds, counts, strict=False):
        cum += c
        if cum >= rank:
            return bound
    return None


def refused(cur: Any, mark: str, since: float, limit: int) -> list[dict[str, Any]]:
    """The newest refused requests (status 4xx): metadata only, never content."""
    cur.execute(
        f"SELECT start_time, request_id, key_alias, team_id, model_group, status "
        f"FROM spend_logs WHERE start_time >= {mark} AND status >= 400 AND status < 500 "
        f"ORDER BY start_time DESC LIMIT {mark}",
        [since, limit],
    )
    names = ("time", "request_id", "key_alias", "team_id", "model", "status")
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def entity_spend(cur: Any, mark: str, kind: str, ids: list[str]) -> Mapping[str, tuple[float, int]]:
    """Stored (spend, period) of a page of records: what their budgets are checked on."""
    if not ids:
        return {}
    marks = ", ".join(mark for _ in ids)
    cur.execute(
        f"SELECT id, spend, spend_period FROM gov_entities WHERE kind = {mark} AND id IN ({marks})",
        [kind, *ids],
    )
    return {i: (float(s), int(p)) for i, s, p in cur.fetchall()}
