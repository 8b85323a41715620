"""The decision log in the gateway's database: one suite on SQLite and a real PostgreSQL,
plus the gateway logging to PostgreSQL end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import trio

from routeiq.cache.embedder import SentenceEncoder
from routeiq.db.base import Database
from routeiq.db.decisions import decision_count, feedback_joined
from routeiq.learned.logs import DecisionLog, DecisionRecord, open_log_database, rows_from_logs
from tests.learned.conftest import (
    EASY_TEST,
    HARD_TEST,
    chat,
    decision_row,
    feedback_rows,
    learned_stack,
)


@pytest.fixture(params=["sqlite-file", "sqlite-url", "postgresql"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite-file":
        return str(tmp_path / "sub" / "decisions.db")
    if request.param == "sqlite-url":
        return f"sqlite:///{tmp_path / 'routeiq.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


def _rec(rid: str, choice: str, emb: np.ndarray, **kw: object) -> DecisionRecord:
    base: dict[str, object] = dict(
        request_id=rid, route="auto", router_version="knn-1", prompt_hash="h" + rid,
        embedding=emb.astype(np.float16).tobytes(),
        features=np.arange(12, dtype=np.float32).tobytes(), prompt_tokens=42,
        candidates=["cheap", "strong"], predicted=[0.4, 0.9], expected_cost=[1e-5, 1e-3],
        cost_weight=30.0, choice=choice, served_by=choice, response_id="resp-" + rid,
    )  # fmt: skip
    base.update(kw)
    return DecisionRecord(**base)  # type: ignore[arg-type]


async def test_batches_join_feedback_and_feed_retraining(where: str) -> None:
    emb = np.linspace(-1, 1, 384).astype(np.float32)
    dlog = DecisionLog(open_log_database(where), flush_interval=0.01)
    async with trio.open_nursery() as nursery:
        await nursery.start(dlog.run)
        dlog.feedback("q1", 0.0, "early")  # before its decision: joins once both are in
        await dlog.flush()
        dlog.record(_rec("q1", "cheap", emb))
        dlog.record(_rec("q2", "strong", emb))
        dlog.record(_rec("q2", "cheap", emb, served_by="cheap"))  # a repeated id: replaced
        dlog.feedback("resp-q2", 1.0, None)  # by response id
        dlog.feedback("q1", 0.25, "later")  # the latest score wins
        await dlog.flush()
        # 1 early feedback, then 3 decisions + 2 feedback
        assert dlog.written == 6 and dlog.dropped == 0
        reader = open_log_database(where)
        await reader.open()
        try:
            assert await decision_count(reader) == 2
            rows = {r["request_id"]: r for r in await feedback_joined(reader)}
        finally:
            await reader.close()
        nursery.cancel_scope.cancel()
    assert set(rows) == {"q1", "q2"}
    assert (rows["q1"]["score"], rows["q1"]["label"]) == (0.25, "later")
    assert (rows["q2"]["score"], rows["q2"]["choice"]) == (1.0, "cheap")
    assert rows["q1"]["candidates"] == ["cheap", "strong"]
    # Offline (the CLI's --from-logs): the answering model gets the feedback, the other
    # keeps its prediction; the embedding comes back as logged (float16).
    train = {r.text: r for r in rows_from_logs(where)}
    assert train["log:q1"].quality == {"cheap": 0.25, "strong": 0.9}
    assert train["log:q2"].quality == {"cheap": 1.0, "strong": 0.9}
    got = train["log:q1"].extra["embedding"]
    np.testing.assert_allclose(got, emb, atol=1e-3)
    assert train["log:q1"].extra["prompt_tokens"] == 42
    np.testing.assert_array_equal(train["log:q2"].extra["features"], np.arange(12))


async def test_an_unreachable_database_drops_nothing_until_it_is_back(tmp_path: Path) -> None:
    # A SQLite file under a path that cannot be created (a file in the way): open
    # fails, rows stay buffered; once the path is free they are written.
    blocker = tmp_path / "blocked"
    blocker.write_text("not a folder")
    where = str(blocker / "decisions.db")
    dlog = DecisionLog(open_log_database(where))
    emb = np.zeros(384, np.float32)
    dlog.record(_rec("q1", "cheap", emb))
    await dlog.flush()
    assert dlog.written == 0 and dlog.dropped == 0  # kept for the next try
    blocker.unlink()
    await dlog.flush()
    assert dlog.written == 1
    db: Database = dlog.db
    assert await decision_count(db) == 1
    await db.close()


async def test_gateway_logs_to_postgresql(
    tmp_path: Path, minilm: SentenceEncoder, pg_url: str
) -> None:
    async with learned_stack(tmp_path, minilm, database_url=pg_url) as s, s.client() as c:
        assert s.log_where == pg_url
        ids = []
        for text in (EASY_TEST[0], HARD_TEST[0]):
            r = await c.post("/v1/chat/completions", json=chat(text), timeout=30)
            assert r.status_code == 200, r.text
            ids.append(r.headers["x-request-id"])
            fb = {"request_id": ids[-1], "score": 0.5}
            assert (await c.post("/routeiq/feedback", json=fb)).status_code == 202
        with trio.fail_after(20):
            while len(rows := feedback_rows(pg_url)) < 2:
                await trio.sleep(0.05)
        assert {r["request_id"]: r["choice"] for r in rows} == {ids[0]: "cheap", ids[1]: "strong"}
        row = decision_row(pg_url, ids[1])
        assert row is not None and row[:3] == ("strong", "strong", "ok")
