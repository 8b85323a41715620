"""Plugins see the cost the pricing module gave the answer (one price book, one ledger)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import trio

from tests.conftest import running_stack


def priced(data: dict[str, Any]) -> None:
    params = data["model_list"][0]["litellm_params"]
    params["input_cost_per_token"] = 1e-6
    params["output_cost_per_token"] = 2e-6


async def test_post_call_success_gets_the_priced_cost() -> None:
    plugins = [{"path": "tests.plugins.sample_plugins:Recorder"}]
    async with running_stack(edit=priced, plugins=plugins) as s:
        recorder = s.gw.pipeline.plugins[0].plugin
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
            body = {"model": "gpt-test", "messages": [{"role": "user", "content": "one two three"}]}
            r = await c.post("/v1/chat/completions", json=body)
        usage = r.json()["usage"]
        expected = usage["prompt_tokens"] * 1e-6 + usage["completion_tokens"] * 2e-6
        assert float(r.headers["x-routeiq-response-cost"]) == pytest.approx(expected)
        with trio.fail_after(2):
            await recorder.done.wait()
        assert recorder.successes[0].cost_usd == pytest.approx(expected)
        with trio.fail_after(2):  # the one spend ledger (routeiq.pricing.SpendTracker)
            while not s.gw.spend.by_model:
                await trio.sleep(0.01)
        assert s.gw.spend.by_model == {"gpt-test": pytest.approx(expected)}
