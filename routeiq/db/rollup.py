"""Daily spend totals per key, team, model and deployment (the ``spend_rollup`` table).

The admin console's spend views group a date window by one of these; over the raw
log that is a scan of every row in the window (measured by bench/console_load.py:
1.1 s for 100,000 rows, so ~10 s at a million). Each spend batch therefore adds
its rows' totals here, in the same transaction, so those views read one row per
(day, value) instead. Pure functions; ``Database.write_spend`` runs the upsert.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# dimension -> the spend_logs column it totals; None values are stored as ''.
DIMENSIONS = {
    "key": "key_hash",
    "team": "team_id",
    "model": "model_group",
    "deployment": "deployment",
}

Totals = dict[tuple[str, str, str], list[Any]]  # (dim, day, value) -> [label, usd, n, tok, err]


def totals(rows: Iterable[Any]) -> Totals:
    """One batch of ``SpendRow``s summed per (dimension, day, value)."""
    out: Totals = {}
    for r in rows:
        day = r.day
        err = 1 if r.status >= 400 else 0
        for dim, column in DIMENSIONS.items():
            value = getattr(r, column) or ""
            t = out.get((dim, day, value))
            if t is None:
                out[(dim, day, value)] = [
                    r.key_alias if dim == "key" else None, r.spend, 1, r.total_tokens, err,
                ]  # fmt: skip
            else:
                t[1] += r.spend
                t[2] += 1
                t[3] += r.total_tokens
                t[4] += err
                if dim == "key" and r.key_alias:
                    t[0] = r.key_alias
    return out


UPSERT = (
    "INSERT INTO spend_rollup (dim, day, value, label, spend, requests, tokens, errors) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dim, value, day) DO UPDATE SET "
    "label = COALESCE(excluded.label, spend_rollup.label), "
    "spend = spend_rollup.spend + excluded.spend, "
    "requests = spend_rollup.requests + excluded.requests, "
    "tokens = spend_rollup.tokens + excluded.tokens, "
    "errors = spend_rollup.errors + excluded.errors"
)


def upsert_args(t: Totals) -> list[tuple[Any, ...]]:
    return [(dim, day, value, *vals) for (dim, day, value), vals in t.items()]


def backfill() -> list[str]:
    """Statements that total the rows already logged (run once, by the migration)."""
    return [
        "INSERT INTO spend_rollup (dim, day, value, label, spend, requests, tokens, errors) "
        f"SELECT '{dim}', day, COALESCE({col}, ''), "
        f"{'MAX(key_alias)' if dim == 'key' else 'NULL'}, SUM(spend), COUNT(*), "
        "SUM(total_tokens), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) "
        f"FROM spend_logs GROUP BY day, COALESCE({col}, '')"
        for dim, col in DIMENSIONS.items()
    ]
