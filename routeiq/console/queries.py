"""The console's reads of the spend logs: aggregated in SQL, paged, bounded.

Every function here takes a DB-API cursor and a placeholder style, so it runs
in the database's worker thread (``Database.read``) and is tested on a plain
SQLite connection. Nothing returns more than ``limit`` rows: a page of groups,
a CSV of at most ``CSV_ROWS`` groups, a series of at most ``MAX_BUCKETS``.
"""

from __future__ import annotations

import time
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
LATENCY_SAMPLE = 10_000


@dataclass(frozen=True, slots=True)
class SpendFilter:
    start: float | None = None  # wall time, inclusive
    end: float | None = None  # exclusive
    key_hash: str | None = None
    team_id: str | None = None
    model_group: str | None = None
    deployment: str | None = None

    @property
    def whole_days(self) -> bool:
        """Both ends (when given) fall on UTC midnight: the daily totals answer exactly."""
        return all(t is None or t % 86400 == 0 for t in (self.start, self.end))

    def entities(self) -> dict[str, str | None]:
        """The filters by rollup dimension name."""
        return {
            "key": self.key_hash,
            "team": self.team_id,
            "model": self.model_group,
            "deployment": self.deployment,
        }

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


def _day(ts: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def _rollup_groups(
    cur: Any, mark: str, by: str, f: SpendFilter, offset: int, limit: int
) -> tuple[list[Group], int, float, int] | None:
    """The view from the daily totals, or None when they cannot answer it exactly:
    a window of whole days and at most one filter, on the dimension grouped by or
    grouped by day (e.g. one key's days, one model's total)."""
    filters = {d: v for d, v in f.entities().items() if v is not None}
    if not f.whole_days or len(filters) > 1 or (filters and by != "day" and by not in filters):
        return None
    # Grouped by day, any one dimension's rows add up to the day: each log row has
    # exactly one value per dimension ('' for none).
    dim = next(iter(filters)) if filters else ("model" if by == "day" else by)
    col = "day" if by == "day" else "value"
    clauses, args = [f"dim = {mark}"], [dim]
    if filters:
        clauses.append(f"value = {mark}")
        args.append(filters[dim])
    if f.start is not None:
        clauses.append(f"day >= {mark}")
        args.append(_day(f.start))
    if f.end is not None:
        clauses.append(f"day < {mark}")
        args.append(_day(f.end))
    where = " WHERE " + " AND ".join(clauses)
    order = "g DESC" if by == "day" else "s DESC, g"
    label = "MAX(label)" if by == "key" else "NULL"
    # One pass: the window functions count the groups and total them before LIMIT.
    cur.execute(
        f"SELECT {col} AS g, {label}, SUM(spend) AS s, SUM(requests), SUM(tokens), SUM(errors), "
        "COUNT(*) OVER (), SUM(SUM(spend)) OVER (), SUM(SUM(requests)) OVER () "
        f"FROM spend_rollup{where} GROUP BY {col} ORDER BY {order} LIMIT {mark} OFFSET {mark}",
        [*args, limit, offset],
    )
    found = cur.fetchall()
    rows = [
        Group(g or None, lb, float(s or 0), int(n or 0), int(t or 0), int(e or 0))
        for g, lb, s, n, t, e, *_ in found
    ]
    if found:
        groups, total, requests = found[0][6:]
    else:  # a page past the end: the totals still
        cur.execute(
            f"SELECT COUNT(DISTINCT {col}), SUM(spend), SUM(requests) FROM spend_rollup{where}",
            args,
        )
        groups, total, requests = cur.fetchone()
    return rows, int(groups or 0), float(total or 0), int(requests or 0)


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
    and total requests of everything the filter matches.

    Whole-day windows with at most one filter read the daily totals
    (``spend_rollup``); other views read the matching rows of the log, through
    the index of the key, team, model or deployment they filter on."""
    fast = _rollup_groups(cur, mark, by, f, offset, limit)
    if fast is not None:
        return fast
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
    cur.execute(
        f"SELECT COUNT(DISTINCT COALESCE({col}, '')), SUM(spend), COUNT(*) FROM spend_logs{where}",
        args,
    )
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
    refused: int = 0  # 4xx: guardrail blocks, limits, bad requests


def series(cur: Any, mark: str, since: float, width: float, n: int) -> list[Bucket]:
    """``n`` buckets of ``width`` seconds from ``since``: counts, tokens and spend in
    SQL; latency percentiles from the newest ``LATENCY_SAMPLE`` rows of the window."""
    n = min(n, MAX_BUCKETS)
    # Rows are never before ``since``, so SQLite's truncating CAST is a floor;
    # PostgreSQL's CAST rounds, hence its FLOOR (SQLite may lack math functions).
    bucket = f"(start_time - {mark}) / {mark}"
    bucket = f"FLOOR({bucket})" if mark == "%s" else f"CAST({bucket} AS INTEGER)"
    cur.execute(
        f"SELECT {bucket} AS b, COUNT(*), "
        f"SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END), SUM(total_tokens), SUM(spend), "
        f"SUM(CASE WHEN status >= 400 AND status < 500 THEN 1 ELSE 0 END) "
        f"FROM spend_logs WHERE start_time >= {mark} GROUP BY b",
        [since, width, since],
    )
    agg = {
        int(b): (int(c), int(e or 0), int(t or 0), float(s or 0), int(r or 0))
        for b, c, e, t, s, r in cur.fetchall()
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
        c, e, t, s, r = agg.get(i, (0, 0, 0, 0.0, 0))
        ds = sorted(lat.get(i, ()))
        out.append(Bucket(since + i * width, c, e, t, s, quantile(ds, 0.5), quantile(ds, 0.99), r))
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
