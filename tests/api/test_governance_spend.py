"""``/global/spend/report`` takes LiteLLM's ``group_by`` values and filters.

Found by the outside-evaluator probe: a LiteLLM script asking
``group_by=api_key`` or ``group_by=customer`` (LiteLLM's values, beside its default
``team``) got a 400, and ``internal_user_id`` / ``customer_id`` were ignored.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import trio

from routeiq.governance.tokens import hash_key
from routeiq.testing import running_stack
from tests.conftest import CHAT


async def test_litellm_group_by_values_and_filters(tmp_path: Path) -> None:
    async with (
        running_stack(governance={"data_dir": str(tmp_path)}) as s,
        httpx.AsyncClient(timeout=10) as c,
    ):
        url = f"{s.url}/global/spend/report"
        r = await c.post(f"{s.url}/key/generate", json={"user_id": "ann"}, headers=s.headers)
        key = r.json()["key"]
        auth = {"authorization": f"Bearer {key}"}
        for user in ("acme", "acme", "globex"):
            r = await c.post(
                f"{s.url}/v1/chat/completions", json={**CHAT, "user": user}, headers=auth
            )
            assert r.status_code == 200
        await trio.sleep(1.5)  # the spend batch written

        r = await c.get(url, params={"group_by": "api_key"}, headers=s.headers)
        assert r.status_code == 200, r.text
        (day,) = r.json()
        assert [g["api_key"] for g in day["groups"]] == [hash_key(key)]
        assert day["groups"][0]["requests"] == 3

        r = await c.get(url, params={"group_by": "customer"}, headers=s.headers)
        assert r.status_code == 200, r.text
        (day,) = r.json()
        counts = {g["customer"]: g["requests"] for g in day["groups"]}
        assert counts == {"acme": 2, "globex": 1}

        q = {"group_by": "customer", "customer_id": "globex"}
        (day,) = (await c.get(url, params=q, headers=s.headers)).json()
        assert [g["customer"] for g in day["groups"]] == ["globex"]
        q = {"group_by": "team", "internal_user_id": "nobody"}
        assert (await c.get(url, params=q, headers=s.headers)).json() == []
        q = {"group_by": "team", "internal_user_id": "ann"}
        (day,) = (await c.get(url, params=q, headers=s.headers)).json()
        assert day["total_spend"] == pytest.approx(sum(g["total_spend"] for g in day["groups"]))
        assert sum(g["requests"] for g in day["groups"]) == 3

        r = await c.get(url, params={"group_by": "organization"}, headers=s.headers)
        assert r.status_code == 400 and r.json()["error"]["param"] == "group_by"


async def test_spend_logs_by_request_id(tmp_path: Path) -> None:
    # Found by the probe: ?request_id= was ignored and every row came back.
    async with (
        running_stack(governance={"data_dir": str(tmp_path)}) as s,
        httpx.AsyncClient(timeout=10) as c,
    ):
        ids = []
        for _ in range(3):
            r = await c.post(f"{s.url}/v1/chat/completions", json=CHAT, headers=s.headers)
            ids.append(r.headers["x-request-id"])
        await trio.sleep(1.5)  # the spend batch written
        url = f"{s.url}/spend/logs"
        page = (await c.get(url, params={"request_id": ids[1]}, headers=s.headers)).json()
        assert [row["request_id"] for row in page["data"]] == [ids[1]]
        assert page["total"] == 1
        page = (await c.get(url, params={"request_id": "nope"}, headers=s.headers)).json()
        assert page["data"] == [] and page["total"] == 0
