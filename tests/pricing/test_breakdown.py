"""LiteLLM's cost-breakdown headers (plain calls): each part, and the parts add up."""

from __future__ import annotations

import pytest

from routeiq.pricing import ModelPrices, Pricer, Tier
from routeiq.pricing.breakdown import cost_headers
from routeiq.pricing.cost import cost_of, cost_parts

PRICES = ModelPrices(3e-6, 1.5e-5, 3e-7, 3.75e-6)


def _headers(usage: dict[str, object], prices: ModelPrices = PRICES) -> dict[str, str]:
    cost, headers = cost_headers(Pricer(prices), usage)
    assert cost == cost_of(usage, prices)  # the same total as the plain price
    assert len({k for k, _ in headers}) == len(headers)  # no header twice
    return {k.decode(): v.decode() for k, v in headers}


def test_a_plain_answer_is_input_plus_output_with_no_discount_or_margin() -> None:
    h = _headers({"prompt_tokens": 1000, "completion_tokens": 100})
    assert h == {
        "x-routeiq-response-cost": "0.0045",
        "x-litellm-response-cost-original": "0.0045",  # no discount/margin: the total
        "x-litellm-response-cost-discount-amount": "0",
        "x-litellm-response-cost-margin-amount": "0",
        "x-litellm-response-cost-margin-percent": "0",
        "x-litellm-response-cost-input": "0.003",
        "x-litellm-response-cost-output": "0.0015",
        "x-litellm-response-cost-tool-usage": "0",
    }


def test_cache_and_reasoning_parts_appear_only_when_above_zero() -> None:
    usage = {
        "prompt_tokens": 1000,
        "completion_tokens": 200,
        "prompt_tokens_details": {"cached_tokens": 600},
        "cache_creation_input_tokens": 100,
        "completion_tokens_details": {"reasoning_tokens": 150},
    }
    h = _headers(usage)
    assert float(h["x-litellm-response-cost-input"]) == pytest.approx(300 * 3e-6)  # uncached
    assert float(h["x-litellm-response-cost-cache-read"]) == pytest.approx(600 * 3e-7)
    assert float(h["x-litellm-response-cost-cache-creation"]) == pytest.approx(100 * 3.75e-6)
    assert float(h["x-litellm-response-cost-output"]) == pytest.approx(200 * 1.5e-5)
    # Reasoning is inside the output (OpenAI counts it in completion_tokens), shown apart.
    assert float(h["x-litellm-response-cost-reasoning"]) == pytest.approx(150 * 1.5e-5)
    parts = [h[f"x-litellm-response-cost-{p}"] for p in ("input", "cache-read", "cache-creation")]
    total = sum(map(float, parts)) + float(h["x-litellm-response-cost-output"])
    assert total == pytest.approx(float(h["x-routeiq-response-cost"]))


def test_a_long_prompt_is_broken_down_at_its_tier_rates() -> None:
    tiered = ModelPrices(1e-6, 2e-6, 1e-7, 1e-6, (Tier(128_000, 1.5e-6, 3e-6, 2e-7, 1.5e-6),))
    h = _headers({"prompt_tokens": 200_000, "completion_tokens": 10}, tiered)
    assert float(h["x-litellm-response-cost-input"]) == pytest.approx(200_000 * 1.5e-6)
    assert float(h["x-litellm-response-cost-output"]) == pytest.approx(10 * 3e-6)


def test_no_usage_no_headers() -> None:
    assert cost_headers(Pricer(PRICES), None) == (None, [])
    assert cost_headers(Pricer(PRICES), {"total_tokens": 3}) == (None, [])
    assert cost_parts({"prompt_tokens": 1}, None) is None
