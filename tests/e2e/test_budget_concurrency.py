"""64 concurrent clients on 2 gateway processes sharing one Redis, against one budget.

Each request can cost at most 1/10 of the key's budget (and really costs that
much). With reservations the recorded spend never exceeds the budget; with
the check-before-call that LiteLLM does (``reserve_budget: false``) every
request in flight when the budget runs out overspends it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from tests.conftest import MASTER_KEY, config_dict
from tests.e2e.conftest import gateway_processes

ADMIN = {"authorization": f"Bearer {MASTER_KEY}"}
BUDGET = 0.3
WORDS = " ".join(f"w{i}" for i in range(24))  # the mock answers with 30 words
BODY = {
    "model": "gpt-test",
    "messages": [{"role": "user", "content": WORDS}],
    "max_tokens": 30,  # 30 x 0.001 USD = BUDGET / 10, the most a request can cost
    "metadata": {"mock_latency": 0.3},
}


@pytest.mark.parametrize("reserve", [True, False])
async def test_concurrent_requests_cannot_overspend(
    tmp_path: Path, redis_url: str, reserve: bool
) -> None:
    def config(base: str) -> dict[str, Any]:
        data = config_dict(
            base,
            # A slow Redis on a loaded machine must not count as an outage here (in an
            # outage each process counts alone: test_counters.py covers that).
            state={
                "backend": "redis",
                "redis_url": redis_url,
                "key_prefix": "budget:",
                "op_timeout": 5.0,
            },
            governance={"data_dir": str(tmp_path / "data"), "reserve_budget": reserve},
        )
        for entry in data["model_list"]:
            entry["litellm_params"]["input_cost_per_token"] = 0.0
            entry["litellm_params"]["output_cost_per_token"] = 0.001
        return data

    with gateway_processes(tmp_path, config, n=2) as urls:
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=200)) as c:
            r = await c.post(f"{urls[0]}/key/generate", json={"max_budget": BUDGET}, headers=ADMIN)
            key = r.json()["key"]
            auth = {"authorization": f"Bearer {key}"}
            for url in urls:  # both processes know the key (change feed)
                with trio.fail_after(10):
                    while (await c.get(f"{url}/v1/models", headers=auth)).status_code != 200:
                        await trio.sleep(0.05)
            statuses: list[int] = []

            async def client(i: int) -> None:
                url = urls[i % 2]
                while True:
                    resp = await c.post(f"{url}/v1/chat/completions", json=BODY, headers=auth)
                    statuses.append(resp.status_code)
                    if resp.status_code != 200:
                        assert resp.status_code == 400, resp.text
                        assert resp.json()["error"]["type"] == "budget_exceeded"
                        return

            async with trio.open_nursery() as nursery:
                for i in range(64):
                    nursery.start_soon(client, i)
            await trio.sleep(1.5)  # the last spend batch
            q = {"api_key": key, "page_size": 1000}
            logs = (await c.get(f"{urls[0]}/spend/logs", params=q, headers=ADMIN)).json()
    ok = statuses.count(200)
    spent = sum(row["spend"] for row in logs["data"])
    assert [r["status"] for r in logs["data"]].count(200) == ok
    assert spent == pytest.approx(ok * BUDGET / 10)
    print(f"reserve={reserve}: {ok} admitted, spend {spent:.3f} of budget {BUDGET}")
    if reserve:
        assert spent <= BUDGET + 1e-9 and ok == 10
    else:
        assert spent > 2 * BUDGET, f"expected overspend without reservations, got {spent}"
