"""One behaviour suite for the durable store, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import trio

from routeiq.db import Database, SchemaTooNew, SpendRow, open_database
from routeiq.db.base import SpendDelta
from routeiq.db.schema import LATEST


def _row(i: int, **kw: object) -> SpendRow:
    base: dict[str, object] = dict(
        row_id=f"r{i}", request_id=f"q{i}", key_hash="k1", key_alias="ci", team_id="t1",
        user_id=None, end_user=None, model_group="gpt-4o-mini", deployment="d1",
        prompt_tokens=10, completion_tokens=5, total_tokens=15, spend=0.5, status=200,
        start_time=1_800_000_000.0 + i, end_time=1_800_000_000.5 + i,
    )  # fmt: skip
    base.update(kw)
    return SpendRow(**base)  # type: ignore[arg-type]


async def test_records_round_trip_and_feed_changes(db: Database) -> None:
    s0 = await db.seq()
    s1 = await db.put("key", "h1", {"key_alias": "a", "rpm_limit": 3})
    s2 = await db.put("team", "t1", {"team_alias": "T"})
    assert s0 < s1 < s2
    row = await db.get("key", "h1")
    assert row is not None and row.data == {"key_alias": "a", "rpm_limit": 3}
    assert [(r.kind, r.id) for r in await db.changes(s0)] == [("key", "h1"), ("team", "t1")]
    assert await db.delete("key", "h1") is True
    assert await db.delete("key", "h1") is False
    assert await db.get("key", "h1") is None
    gone = await db.changes(s2)
    assert [(r.id, r.data) for r in gone] == [("h1", None)]  # the tombstone
    rows, total = await db.list_records("team", 0, 10)
    assert total == 1 and rows[0].id == "t1"


async def test_spend_batches_never_double_a_row_and_add_totals(db: Database) -> None:
    await db.put("key", "k1", {"key_alias": "ci"})
    await db.write_spend([_row(1), _row(2)], [SpendDelta("key", "k1", 0, 1.0)])
    await db.write_spend([_row(2), _row(3)], [SpendDelta("key", "k1", 0, 0.5)])  # r2 again
    rows, total = await db.spend_logs({"key_hash": "k1"}, 0, 10)
    assert total == 3 and [r["row_id"] for r in rows] == ["r3", "r2", "r1"]
    key = await db.get("key", "k1")
    assert key is not None and key.spend == pytest.approx(1.5)
    # A new budget period replaces the total instead of adding to it.
    await db.write_spend([], [SpendDelta("key", "k1", 4, 0.25)])
    key = await db.get("key", "k1")
    assert key is not None and (key.spend, key.spend_period) == (pytest.approx(0.25), 4)


async def test_spend_filters_pages_and_report(db: Database) -> None:
    await db.write_spend(
        [_row(i, team_id="t1" if i % 2 else "t2", model_group="m") for i in range(10)], []
    )
    rows, total = await db.spend_logs({"team_id": "t1"}, 0, 3)
    assert total == 5 and len(rows) == 3
    rows, total = await db.spend_logs({"start": 1_800_000_005.0}, 3, 10)
    assert total == 5 and len(rows) == 2
    report = await db.spend_report({}, "team")
    assert [(g, n) for _, g, _, n, _ in report] == [("t1", 5), ("t2", 5)]
    assert sum(s for _, _, s, _, _ in report) == pytest.approx(5.0)


async def test_migrations_are_applied_once_and_survive_reopen(db_url: str, tmp_path: Path) -> None:
    d = open_database(db_url, tmp_path)
    assert await d.open() == LATEST
    await d.put("key", "h", {"x": 1})
    await d.close()
    d = open_database(db_url, tmp_path)
    assert await d.open() == LATEST
    assert (await d.get("key", "h")) is not None
    await d.close()


async def test_a_newer_schema_is_refused_with_a_clear_message(db_url: str, tmp_path: Path) -> None:
    d = open_database(db_url, tmp_path)
    await d.open()
    await d._run(lambda cur: cur.execute("UPDATE routeiq_schema SET version = 99"))
    await d.close()
    d = open_database(db_url, tmp_path)
    with pytest.raises(SchemaTooNew, match="schema version 99, newer than this gateway"):
        await d.open()
    await d.close()


async def test_sqlite_file_is_created_under_the_data_dir(tmp_path: Path) -> None:
    d = open_database(None, tmp_path / "new" / "dir")
    await d.open()
    await d.close()
    assert (tmp_path / "new" / "dir" / "routeiq.db").exists()
    assert time.time() > 0


async def test_gateways_starting_together_migrate_once(db_url: str, tmp_path: Path) -> None:
    dbs = [open_database(db_url, tmp_path) for _ in range(4)]
    versions: list[int] = []

    async def start(d: Database) -> None:
        versions.append(await d.open())

    async with trio.open_nursery() as nursery:
        for d in dbs:
            nursery.start_soon(start, d)
    assert versions == [LATEST] * 4
    for d in dbs:
        await d.close()
