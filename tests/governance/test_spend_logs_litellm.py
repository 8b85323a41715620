"""``/spend/logs`` rows carry LiteLLM 1.110.2's ``LiteLLM_SpendLogs`` names (beside the
gateway's own), and ``/spend/logs/v2`` answers LiteLLM's paged shape. Real server,
real SQLite key database."""

from __future__ import annotations

from pathlib import Path

import httpx
import trio

from routeiq.testing import running_stack
from tests.conftest import CHAT
from tests.governance.prices import cheap


async def test_litellm_row_fields_and_the_v2_page(tmp_path: Path) -> None:
    async with (
        running_stack(edit=cheap, governance={"data_dir": str(tmp_path)}) as s,
        httpx.AsyncClient(timeout=10) as c,
    ):
        r = await c.post(f"{s.url}/key/generate", json={"user_id": "u-1"}, headers=s.headers)
        key = r.json()["key"]
        auth = {"authorization": f"Bearer {key}"}
        for _ in range(3):
            r = await c.post(f"{s.url}/v1/chat/completions", json=CHAT, headers=auth)
            assert r.status_code == 200
        call_id = r.headers["x-litellm-call-id"]
        await trio.sleep(1.5)  # the spend batch written
        q = {"api_key": key, "page_size": "2"}
        v1 = (await c.get(f"{s.url}/spend/logs", params=q, headers=s.headers)).json()
        v2 = (await c.get(f"{s.url}/spend/logs/v2", params=q, headers=s.headers)).json()
        assert v2["data"] == v1["data"] and len(v2["data"]) == 2
        assert (v2["total"], v2["page"], v2["page_size"], v2["total_pages"]) == (3, 1, 2, 2)
        assert v2["total_is_capped"] is False
        rows = {row["request_id"]: row for row in v1["data"]}
        assert call_id in rows  # newest first
        row = rows[call_id]
        assert row["litellm_call_id"] == call_id
        assert row["model_id"] == row["deployment"] and row["model_id"]
        assert row["user"] == "u-1" == row["user_id"]
        assert isinstance(row["request_duration_ms"], int) and row["request_duration_ms"] >= 0
        assert row["model_group"] == "gpt-test" and row["api_key"] == row["key_hash"]
