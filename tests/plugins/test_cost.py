"""Cost of answered calls, priced from the deployments, counted after the response."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
import trio

from routeiq.config import load_config
from routeiq.plugins.cost import SpendLedger, cost_of, price_table, token_prices
from tests.conftest import config_dict, running_stack


def test_prices_from_litellm_params_or_model_info() -> None:
    data = config_dict("http://127.0.0.1:9")
    data["model_list"][0]["litellm_params"]["input_cost_per_token"] = 1e-6
    data["model_list"][0]["litellm_params"]["output_cost_per_token"] = 2e-6
    data["model_list"][1]["model_info"]["output_cost_per_token"] = 5e-7
    config = load_config(data)
    a, e = config.deployments
    assert token_prices(a) == (1e-6, 2e-6)
    assert token_prices(e) == (0.0, 5e-7)
    assert (
        token_prices(dataclasses.replace(a, input_cost_per_token=None, output_cost_per_token=None))
        is None
    )
    assert price_table(config.deployments) == {"dep-a": (1e-6, 2e-6), "dep-e": (0.0, 5e-7)}


def test_cost_of_usage() -> None:
    prices = (1e-6, 2e-6)
    assert cost_of({"prompt_tokens": 100, "completion_tokens": 50}, prices) == pytest.approx(2e-4)
    assert cost_of({"prompt_tokens": 100}, prices) == pytest.approx(1e-4)
    assert cost_of({"total_tokens": 3}, prices) is None
    assert cost_of(None, prices) is None
    assert cost_of({"prompt_tokens": 1}, None) is None


def test_the_ledger_is_bounded() -> None:
    ledger = SpendLedger(max_entries=2)
    ledger.add("m", "a", None, 1.0)
    ledger.add("m", "b", None, 1.0)
    ledger.add("m", "c", None, 1.0)
    ledger.add("m", "a", None, 0.5)
    assert ledger.spend == {
        ("m", "a", None): 1.5,
        ("m", "b", None): 1.0,
        ("other", None, None): 1.0,
    }


async def test_spend_is_counted_after_the_response() -> None:
    plugins = [{"path": "tests.plugins.sample_plugins:Recorder"}]
    async with running_stack(plugins=plugins) as s:
        s.gw.pipeline.prices["dep-a"] = (1e-6, 2e-6)
        recorder = s.gw.pipeline.plugins[0].plugin
        async with httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
            body = {"model": "gpt-test", "messages": [{"role": "user", "content": "one two three"}]}
            r = await c.post("/v1/chat/completions", json=body)
        usage = r.json()["usage"]
        with trio.fail_after(2):
            await recorder.done.wait()
        expected = usage["prompt_tokens"] * 1e-6 + usage["completion_tokens"] * 2e-6
        assert recorder.successes[0].cost_usd == pytest.approx(expected)
        assert s.gw.pipeline.spend.spend == {("gpt-test", "master", None): pytest.approx(expected)}
