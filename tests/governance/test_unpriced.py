"""A model group with no price costs 0 USD, so a budget never binds it (LiteLLM
1.110.2 does the same): said once when governance starts, naming the groups, while
tokens are still counted in the spend rows."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from routeiq.config import load_config
from routeiq.governance.wiring import open_governance, unpriced_groups
from routeiq.pricing import PriceBook
from routeiq.testing import running_stack
from tests.conftest import CHAT, MASTER_KEY


def _config(tmp: Path) -> Any:
    def dep(name: str, **params: Any) -> dict[str, Any]:
        base = {"model": f"openai/{name}-up", "api_base": "http://127.0.0.1:9/v1", "api_key": "k"}
        return {"model_name": name, "litellm_params": {**base, **params}}

    return load_config(
        {
            "model_list": [dep("priced", input_cost_per_token=1e-6), dep("free"), dep("free2")],
            "general_settings": {"master_key": MASTER_KEY},
            "routeiq": {"governance": {"data_dir": str(tmp)}},
        }
    )


def test_the_unpriced_groups_are_named_once_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = _config(tmp_path)
    book = PriceBook.load(config.deployments)
    with caplog.at_level(logging.WARNING, logger="routeiq.governance"):
        gov = open_governance(config, book)
    assert gov is not None
    assert unpriced_groups(config, gov.prices) == ["free", "free2"]
    lines = [r.getMessage() for r in caplog.records if "no price" in r.getMessage()]
    assert len(lines) == 1 and "free, free2" in lines[0] and "priced" not in lines[0]


async def test_an_unpriced_request_still_counts_its_tokens(tmp_path: Path) -> None:
    async with (
        running_stack(governance={"data_dir": str(tmp_path)}) as s,
        httpx.AsyncClient(timeout=10) as c,
    ):
        r = await c.post(f"{s.url}/key/generate", json={"max_budget": 0.01}, headers=s.headers)
        key = r.json()["key"]
        auth = {"authorization": f"Bearer {key}"}
        r = await c.post(f"{s.url}/v1/chat/completions", json=CHAT, headers=auth)
        assert r.status_code == 200, r.text
        usage = r.json()["usage"]
        await trio.sleep(1.5)  # the spend batch written
        q = {"api_key": key}
        (row,) = (await c.get(f"{s.url}/spend/logs", params=q, headers=s.headers)).json()["data"]
        assert row["spend"] == 0
        assert row["total_tokens"] == usage["total_tokens"] > 0
