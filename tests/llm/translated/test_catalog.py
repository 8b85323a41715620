"""Config rules for translated providers (checked without importing litellm)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import trio

from routeiq.config import ConfigError, load_config
from routeiq.llm.translated import catalog
from routeiq.llm.translated.runtime import build_adapters
from routeiq.pricing import table


def entry(model: str, **params: Any) -> dict[str, Any]:
    return {"model_name": "m", "litellm_params": {"model": model, **params}}


def problems(*entries: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as exc:
        load_config({"model_list": list(entries)}, env={})
    return exc.value.problems


def test_litellm_provider_names_are_read_from_its_files() -> None:
    names = catalog.litellm_providers()
    assert {"anthropic", "gemini", "bedrock", "mistral", "cohere_chat"} <= names
    assert "not-a-provider" not in names


def test_required_params_of_translated_providers() -> None:
    found = problems(
        entry("anthropic/claude-sonnet-4-5"),
        entry("gemini/gemini-2.5-flash", api_key="k"),
        entry("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0"),
        entry("bedrock/amazon.nova-pro-v1:0", aws_region_name="eu-west-3", api_key="bedrock-key"),
        entry("nosuch/model", api_key="k"),
        entry("watsonx/ibm/granite-13b-chat-v2"),
        entry("fal_ai/some-model", api_key="k"),
    )
    assert [p for p, _ in found] == [
        "model_list[0].litellm_params.api_key",
        "model_list[2].litellm_params.aws_region_name",  # keys: botocore's default chain
        "model_list[4].litellm_params.model",
        "unsupported",
        "model_list[6].litellm_params.api_base",
    ]
    messages = dict(found)
    assert messages["model_list[0].litellm_params.api_key"] == (
        "not set, and ANTHROPIC_API_KEY is not set in the environment"
    )
    assert messages["model_list[4].litellm_params.model"] == "unknown provider 'nosuch'"
    assert messages["unsupported"].startswith("model_list[5].litellm_params.model (provider")
    assert "IAM tokens" in messages["unsupported"]


def test_defaults_and_extra_params_reach_the_deployment() -> None:
    config = load_config(
        {
            "model_list": [
                entry("anthropic/claude-sonnet-4-5", api_key="k"),
                entry(
                    "bedrock/amazon.nova-pro-v1:0",
                    aws_region_name="eu-west-3",
                    aws_access_key_id="AKID",
                    aws_secret_access_key="s",
                ),
            ]
        }
    )
    claude, nova = config.deployments
    assert (claude.provider, claude.upstream_model) == ("anthropic", "claude-sonnet-4-5")
    assert claude.api_base == "https://api.anthropic.com"
    assert nova.api_base == "https://bedrock-runtime.eu-west-3.amazonaws.com"
    assert dict(nova.params) == {
        "aws_region_name": "eu-west-3",
        "aws_access_key_id": "AKID",
        "aws_secret_access_key": "s",
    }


@pytest.fixture
def no_litellm(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    catalog.litellm_providers.cache_clear()
    monkeypatch.setattr(table, "litellm_dir", lambda: None)
    yield
    catalog.litellm_providers.cache_clear()


def test_without_litellm_installed_the_error_says_what_to_install(no_litellm: None) -> None:
    ((path, message),) = problems(entry("anthropic/claude-sonnet-4-5", api_key="k"))
    assert path == "model_list[0].litellm_params.model"
    assert "litellm" in message and "not installed" in message


async def test_start_up_refuses_what_litellm_cannot_translate() -> None:
    config = load_config(
        {
            "model_list": [
                entry(
                    "bedrock/invoke/anthropic.claude-v2", aws_region_name="us-east-1", api_key="k"
                )
            ]
        }
    )
    with pytest.raises(ConfigError) as exc:
        await trio.to_thread.run_sync(build_adapters, config.deployments)
    ((where, message),) = exc.value.problems
    assert where == "deployment 'm-0' (bedrock/invoke/anthropic.claude-v2)"
    assert "only the Bedrock Converse API" in message
