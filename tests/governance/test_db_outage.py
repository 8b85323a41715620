"""A database outage never fails a request whose key is cached, and loses no spend.

The gateway runs on its own PostgreSQL; the server is stopped while requests keep
coming (keys are served from memory, spend rows wait in the batch), then started
again: the waiting rows are written, once each.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import trio

from tests.conftest import CHAT, MASTER_KEY, running_stack
from tests.pg_fixture import PgServer, _bindir, _free_port


@pytest.fixture
def own_pg() -> Iterator[PgServer]:
    bindir = _bindir()
    assert bindir is not None
    workdir = tempfile.mkdtemp(prefix="routeiq-pg-outage-")
    os.chmod(workdir, 0o755)
    server = PgServer(bindir, _free_port(), workdir)
    server.init()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


async def test_requests_and_spend_survive_a_database_outage(own_pg: PgServer) -> None:
    url = own_pg.new_database()

    def edit(data: dict[str, Any]) -> None:
        data["general_settings"]["database_url"] = url
        for entry in data["model_list"]:
            entry["litellm_params"]["output_cost_per_token"] = 0.001

    admin = {"authorization": f"Bearer {MASTER_KEY}"}
    async with running_stack(edit=edit) as s, httpx.AsyncClient(timeout=30) as c:
        r = await c.post(f"{s.url}/key/generate", json={"key_alias": "o"}, headers=admin)
        key = r.json()["key"]
        auth = {"authorization": f"Bearer {key}"}
        gov = s.gw.governance
        assert gov is not None and gov.db.name == "postgresql"
        await trio.to_thread.run_sync(own_pg.stop)
        for _ in range(5):
            r = await c.post(f"{s.url}/v1/chat/completions", json=CHAT, headers=auth)
            assert r.status_code == 200
        await trio.sleep(1.5)  # a spend batch fails and is kept
        assert len(gov.rows) >= 5 and gov.rows_written == 0
        # LiteLLM's readiness field says so, while the gateway stays ready (cached keys).
        r = await c.get(f"{s.url}/health/readiness")
        assert (r.status_code, r.json()["status"], r.json()["db"]) == (
            200,
            "healthy",
            "disconnected",
        )
        await trio.to_thread.run_sync(own_pg.start)
        with trio.fail_after(20):
            while gov.rows_written < 5:
                await trio.sleep(0.1)
        with trio.fail_after(20):
            while (await c.get(f"{s.url}/health/readiness")).json()["db"] != "connected":
                await trio.sleep(0.1)
        logs = await c.get(f"{s.url}/spend/logs", params={"api_key": key}, headers=admin)
        rows = logs.json()["data"]
        assert len(rows) == 5 and len({row["row_id"] for row in rows}) == 5
