"""The price table: litellm's map without litellm, lookups, configured overrides."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import pytest

from routeiq.config import load_config
from routeiq.pricing import ModelPrices, PriceBook, Tier, load_price_map, parse_price_map

MAP = {
    "sample_spec": {"input_cost_per_token": 9.0},
    "gpt-x": {
        "input_cost_per_token": 2e-6,
        "output_cost_per_token": 8e-6,
        "litellm_provider": "openai",
    },
    "cached-x": {
        "input_cost_per_token": 3e-6,
        "output_cost_per_token": 1.5e-5,
        "cache_read_input_token_cost": 3e-7,
        "cache_creation_input_token_cost": 3.75e-6,
    },
    "tiered-x": {
        "input_cost_per_token": 1e-6,
        "output_cost_per_token": 2e-6,
        "input_cost_per_token_above_200k_tokens": 2e-6,
        "output_cost_per_token_above_200k_tokens": 4e-6,
        "input_cost_per_token_above_128k_tokens": 1.5e-6,
    },
    "lm_studio/only-prefixed": {"input_cost_per_token": 5e-6, "output_cost_per_token": 5e-6},
    "image-model": {"output_cost_per_image": 0.04},
    "not-an-entry": "text",
}


def write_map(tmp_path: Path) -> Path:
    path = tmp_path / "prices.json"
    path.write_bytes(orjson.dumps(MAP))
    return path


def test_parse_keeps_token_priced_entries_with_defaults_and_sorted_tiers() -> None:
    table = parse_price_map(orjson.dumps(MAP))
    assert set(table) == {"gpt-x", "cached-x", "tiered-x", "lm_studio/only-prefixed"}
    assert table["gpt-x"] == ModelPrices(2e-6, 8e-6, 2e-6, 2e-6)
    assert table["cached-x"] == ModelPrices(3e-6, 1.5e-5, 3e-7, 3.75e-6)
    assert table["tiered-x"].tiers == (
        Tier(128_000, 1.5e-6, 2e-6, 1.5e-6, 1.5e-6),
        Tier(200_000, 2e-6, 4e-6, 2e-6, 2e-6),
    )


def test_litellm_map_is_read_without_importing_litellm() -> None:
    was_imported = "litellm" in sys.modules
    table = load_price_map()
    assert table["gpt-4o-mini"] == ModelPrices(1.5e-7, 6e-7, 7.5e-8, 1.5e-7)
    assert len(table) > 3000
    assert ("litellm" in sys.modules) == was_imported


def test_lookup_order_and_overrides(tmp_path: Path) -> None:
    cfg = load_config(
        {
            "model_list": [
                {"model_name": "a", "litellm_params": {"model": "openai/gpt-x"}},
                {
                    "model_name": "b",
                    "litellm_params": {"model": "hosted_vllm/gpt-x", "api_base": "http://h"},
                },
                {"model_name": "c", "litellm_params": {"model": "lm_studio/only-prefixed"}},
                {
                    "model_name": "d",
                    "litellm_params": {
                        "model": "azure/my-deploy",
                        "api_base": "http://h",
                        "api_version": "v",
                    },
                    "model_info": {"base_model": "cached-x"},
                },
                {
                    "model_name": "e",
                    "litellm_params": {"model": "openai/cached-x", "output_cost_per_token": 1e-5},
                },
                {
                    "model_name": "f",
                    "litellm_params": {"model": "openai/unknown"},
                    "model_info": {
                        "input_cost_per_token": 4e-6,
                        "cache_read_input_token_cost": 1e-6,
                    },
                },
                {
                    "model_name": "g",
                    "litellm_params": {"model": "openai/tiered-x", "input_cost_per_token": 1e-7},
                },
            ]
        },
        env={"OPENAI_API_KEY": "sk-test", "AZURE_API_KEY": "az-test"},
    )
    book = PriceBook.load(cfg.deployments, write_map(tmp_path))
    assert book.map_size == 4
    by = book.by_deployment
    assert by["a-0"] == ModelPrices(2e-6, 8e-6, 2e-6, 2e-6)
    assert "b-1" not in by  # a self-hosted gpt-x is not OpenAI's
    assert by["c-2"] == ModelPrices(5e-6, 5e-6, 5e-6, 5e-6)  # <provider>/<model> key
    assert by["d-3"] == ModelPrices(3e-6, 1.5e-5, 3e-7, 3.75e-6)  # model_info.base_model
    assert by["e-4"] == ModelPrices(3e-6, 1e-5, 3e-7, 3.75e-6)  # only the output price overridden
    assert by["f-5"] == ModelPrices(4e-6, 0.0, 1e-6, 4e-6)  # priced by config alone
    assert by["g-6"] == ModelPrices(1e-7, 2e-6, 1e-7, 1e-7)  # an input override: flat, no tiers
    assert book.blended() == pytest.approx(
        {"a-0": 1e-5, "c-2": 1e-5, "d-3": 1.8e-5, "e-4": 1.3e-5, "f-5": 4e-6, "g-6": 2.1e-6},
        rel=1e-12,
    )
    pricer = book.pricer("a-0")
    assert pricer is not None
    assert pricer({"prompt_tokens": 10, "completion_tokens": 1}) == pytest.approx(2.8e-5, rel=1e-12)
    assert book.pricer("b-1") is None


def test_a_missing_or_broken_map_is_an_empty_table(tmp_path: Path) -> None:
    assert load_price_map(tmp_path / "absent.json") == {}
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert load_price_map(broken) == {}
