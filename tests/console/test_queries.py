"""The console's spend reads on both engines: the daily totals (``spend_rollup``) kept
by each spend batch answer exactly what grouping the raw log answers, the migration
totals rows logged before it, and the pure helpers."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from routeiq.console.queries import (
    GROUPS,
    SpendFilter,
    hist_quantile,
    quantile,
    series,
    spend_groups,
)
from routeiq.db import Database, SpendRow, open_database
from routeiq.db.rollup import totals

DAY = 86400.0
T0 = 1_800_000_000.0 // DAY * DAY  # a UTC midnight


def _rows(n: int, seed: int = 3) -> list[SpendRow]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        k = rng.randrange(6)
        t = T0 + rng.random() * 5 * DAY
        out.append(
            SpendRow(
                row_id=f"r{i}",
                request_id=f"q{i}",
                key_hash=f"{k:064x}",
                key_alias=f"key{k}",
                team_id=None if k == 5 else f"t{k % 2}",
                user_id=None,
                end_user=None,
                model_group=["m1", "m2", "m3"][rng.randrange(3)],
                deployment=f"d{rng.randrange(4)}",
                prompt_tokens=10,
                completion_tokens=i % 7,
                total_tokens=10 + i % 7,
                spend=round(rng.random(), 6),
                status=429 if i % 11 == 0 else 200,
                start_time=t,
                end_time=t + 0.25 + (i % 5) * 0.1,
            )
        )
    return out


def test_totals_sum_each_dimension_once_per_row() -> None:
    rows = _rows(50)
    t = totals(rows)
    for dim in ("key", "team", "model", "deployment"):
        assert sum(v[2] for (d, _, _), v in t.items() if d == dim) == 50
        assert sum(v[1] for (d, _, _), v in t.items() if d == dim) == pytest.approx(
            sum(r.spend for r in rows)
        )
    assert ("team", rows[0].day, "") in t or all(r.team_id for r in rows)


async def _both(db: Database, by: str, f: SpendFilter) -> tuple[Any, Any]:
    """The same view from the daily totals and from the raw log (a start 1 ms before
    midnight is not a whole day, so it takes the raw path and matches the same rows)."""
    fast = await db.read(lambda cur, m: spend_groups(cur, m, by, f, 0, 1000))
    start = (f.start - 0.001) if f.start else -0.001
    raw_f = SpendFilter(start, f.end, f.key_hash, f.team_id, f.model_group, f.deployment)
    assert not raw_f.whole_days
    slow = await db.read(lambda cur, m: spend_groups(cur, m, by, raw_f, 0, 1000))
    return fast, slow


async def test_daily_totals_answer_like_the_raw_log(db: Database) -> None:
    rows = _rows(400)
    for i in range(0, 400, 97):  # several batches, as the writer sends them
        await db.write_spend(rows[i : i + 97], [])
    window = {"start": T0 + DAY, "end": T0 + 3 * DAY}
    views = [(by, SpendFilter()) for by in GROUPS]
    views += [(by, SpendFilter(**window)) for by in GROUPS]
    # one filter, grouped by day or by its own dimension
    views += [
        ("day", SpendFilter(model_group="m2", **window)),
        ("model", SpendFilter(model_group="m2")),
        ("day", SpendFilter(key_hash=rows[0].key_hash)),
        ("team", SpendFilter(team_id="t1")),
        ("day", SpendFilter(deployment="d3", **window)),
    ]
    for by, f in views:
        assert f.whole_days
        (fast, n1, total1, req1), (slow, n2, total2, req2) = await _both(db, by, f)
        assert (n1, req1) == (n2, req2), by
        assert total1 == pytest.approx(total2)
        assert [(g.name, g.requests, g.tokens, g.errors) for g in fast] == [
            (g.name, g.requests, g.tokens, g.errors) for g in slow
        ], by
        if by == "key":
            assert {g.label for g in fast} == {g.label for g in slow}
    # a page past the end still has the totals
    past = await db.read(lambda cur, m: spend_groups(cur, m, "key", SpendFilter(), 500, 10))
    assert past[0] == [] and past[1] == 6 and past[3] == 400
    # two filters read the log: one key's days
    key = rows[0].key_hash
    one, n, _, req = await db.read(
        lambda cur, m: spend_groups(
            cur, m, "day", SpendFilter(key_hash=key, team_id=rows[0].team_id), 0, 100
        )
    )
    assert req == sum(1 for r in rows if r.key_hash == key) and n == len(one)


async def test_migration_totals_rows_logged_before_it(db_url: str, tmp_path: Path) -> None:
    d = open_database(db_url, tmp_path)
    await d.open()
    rows = _rows(120)
    await d.write_spend(rows, [])
    expected = await d.read(lambda cur, m: spend_groups(cur, m, "model", SpendFilter(), 0, 10))

    def downgrade(cur: Any, mark: str) -> None:  # as a version-1 database had it
        cur.execute("DROP TABLE spend_rollup")
        cur.execute("DROP INDEX spend_logs_recent")
        cur.execute("DROP INDEX spend_logs_model")
        cur.execute("DROP INDEX spend_logs_deployment")
        cur.execute("DROP TABLE route_decisions")  # migration 3 (learned routing)
        cur.execute("DROP TABLE route_feedback")
        cur.execute("DROP TABLE console_sessions")  # migration 4 (console sessions, blocks)
        cur.execute("DROP TABLE guard_blocks")
        cur.execute("DROP TABLE guard_block_minutes")
        cur.execute("UPDATE routeiq_schema SET version = 1")

    await d.read(downgrade)
    await d.close()
    d = open_database(db_url, tmp_path)
    await d.open()
    try:
        again = await d.read(lambda cur, m: spend_groups(cur, m, "model", SpendFilter(), 0, 10))
        assert [(g.name, g.requests) for g in again[0]] == [
            (g.name, g.requests) for g in expected[0]
        ]
        assert again[3] == 120
    finally:
        await d.close()


async def test_series_buckets_and_percentiles(db: Database) -> None:
    rows = [
        SpendRow(
            f"s{i}",
            f"q{i}",
            None,
            None,
            None,
            None,
            None,
            "m",
            "d",
            1,
            1,
            2,
            0.01,
            500 if i == 3 else 200,
            T0 + i * 30,
            T0 + i * 30 + (i + 1) * 0.1,
        )
        for i in range(10)
    ]
    await db.write_spend(rows, [])
    b = await db.read(lambda cur, m: series(cur, m, T0, 60.0, 5))
    assert [x.requests for x in b] == [2, 2, 2, 2, 2]
    assert [x.errors for x in b] == [0, 1, 0, 0, 0]
    assert [x.refused for x in b] == [0, 0, 0, 0, 0]  # a 500 is not a refusal
    assert b[0].p50 == pytest.approx(0.1) and b[0].p99 == pytest.approx(0.2)
    assert b[1].p50 == pytest.approx(0.3) and b[1].p99 == pytest.approx(0.3)  # the 500 is out
    assert b[0].spend == pytest.approx(0.02) and b[0].tokens == 4


def test_quantiles() -> None:
    assert quantile([], 0.5) is None
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert quantile([float(i) for i in range(1, 101)], 0.99) == 99.0
    bounds = (0.1, 0.5, 1.0)
    assert hist_quantile(bounds, [5, 4, 1, 0], 10, 0.5) == 0.1
    assert hist_quantile(bounds, [5, 4, 1, 0], 10, 0.99) == 1.0
    assert hist_quantile(bounds, [0, 0, 0, 3], 3, 0.5) is None  # past the last bound
    assert hist_quantile(bounds, [0, 0, 0, 0], 0, 0.5) is None
