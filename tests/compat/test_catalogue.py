"""No silent drops: every LiteLLM setting is implemented, reported, or a typo."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from routeiq.compat import CATALOGUE, Status, audit
from routeiq.compat.doc import render
from routeiq.config import (
    ConfigError,
    GeneralSettings,
    LiteLLMParams,
    RawConfig,
    RouterSettings,
    load_config,
    load_config_file,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "litellm-compatibility.md"
BASE = {
    "model_list": [
        {"model_name": "m", "litellm_params": {"model": "hosted_vllm/m", "api_base": "http://x"}}
    ]
}


def _with(**sections: Any) -> dict[str, Any]:
    return {**copy.deepcopy(BASE), **sections}


def test_doc_is_the_rendered_catalogue() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "regenerate: python -m routeiq.compat.doc > docs/litellm-compatibility.md"
    )


@pytest.mark.parametrize(
    ("model", "section"),
    [
        (RawConfig, ""),
        (RouterSettings, "router_settings"),
        (GeneralSettings, "general_settings"),
        (LiteLLMParams, "model_list[].litellm_params"),
    ],
)
def test_every_field_of_the_config_model_is_in_the_table(model: Any, section: str) -> None:
    missing = [
        name
        for name in model.model_fields
        if (f"{section}.{name}" if section else name) not in CATALOGUE
    ]
    assert missing == []


def test_every_catalogued_key_is_in_the_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    for path in CATALOGUE:
        assert f"`{path.rpartition('.')[2]}`" in text, path


def test_a_key_the_table_does_not_list_is_an_error_with_the_nearest_key() -> None:
    with pytest.raises(ConfigError) as exc:
        load_config(_with(router_settings={"routing_strategyy": "simple-shuffle"}), env={})
    assert exc.value.problems == [
        (
            "router_settings.routing_strategyy",
            "neither LiteLLM nor RouteIQ has this setting in router_settings; "
            "did you mean 'routing_strategy'?",
        )
    ]
    data = _with()
    data["model_list"][0]["litellm_params"]["api_bse"] = "http://y"
    with pytest.raises(ConfigError) as exc:
        load_config(data, env={})
    ((path, msg),) = exc.value.problems
    assert path == "model_list[0].litellm_params.api_bse" and "'api_base'" in msg
    with pytest.raises(ConfigError) as exc:
        load_config({**_with(), "litelm_settings": {}}, env={})
    assert "'litellm_settings'" in exc.value.problems[0][1]


def test_security_settings_stop_start_up_unless_allowed() -> None:
    data = _with(
        general_settings={"custom_auth": "mod.fn", "allowed_routes": ["/v1/chat/completions"]},
        guardrails=[{"guardrail_name": "g", "litellm_params": {"guardrail": "lakera"}}],
    )
    with pytest.raises(ConfigError) as exc:
        load_config(data, env={})
    lines = [f"{p}: {m}" for p, m in exc.value.problems]
    assert lines == [
        "unsupported: guardrails (runs these guardrails on requests)",
        "unsupported: general_settings.custom_auth "
        "(replaces key authentication with a Python function)",
        "unsupported: general_settings.allowed_routes (an access-control or key-handling rule)",
    ]
    cfg = load_config(data, env={}, allow_unsupported=True)
    assert len(cfg.warnings) == 3 and cfg.warnings[0].startswith("unsupported: guardrails")
    cfg = load_config({**data, "routeiq": {"allow_unsupported": True}}, env={})
    assert len(cfg.warnings) == 3


def test_cosmetic_settings_are_warnings() -> None:
    cfg = load_config(
        _with(
            general_settings={"alerting": ["slack"], "ui_access_mode": "admin_only"},
            litellm_settings={"success_callback": ["langfuse"], "set_verbose": True},
        ),
        env={},
    )
    assert cfg.warnings == (
        "unsupported: general_settings.alerting (Slack/webhook alerting and the admin UI)",
        "unsupported: general_settings.ui_access_mode (Slack/webhook alerting and the admin UI)",
        "unsupported: litellm_settings.success_callback "
        "(logging to third-party services and their options)",
        "unsupported: litellm_settings.set_verbose "
        "(logging to third-party services and their options)",
    )


def test_callbacks_are_judged_one_by_one() -> None:
    found = audit({"litellm_settings": {"callbacks": ["prometheus", "langfuse", "my.Guard"]}})
    assert [(f.path, f.kind) for f in found] == [
        ("litellm_settings.callbacks[1]", "cosmetic"),
        ("litellm_settings.callbacks[2]", "unsupported"),
    ]


def test_model_info_metadata_is_kept_and_known_rules_are_reported() -> None:
    found = audit(
        {
            "model_list": [
                {
                    "model_name": "m",
                    "litellm_params": {"model": "x"},
                    "model_info": {"my_label": 1, "blocked": True, "mode": "chat"},
                }
            ]
        }
    )
    assert [(f.path, f.kind) for f in found] == [
        ("model_list[0].model_info.blocked", "unsupported")
    ]


def test_learned_routing_keys_are_supported() -> None:
    assert CATALOGUE["model_list[].model_info.router"].status is Status.SUPPORTED
    assert (
        audit(
            {
                "model_list": [
                    {
                        "model_name": "m",
                        "litellm_params": {"model": "x"},
                        "model_info": {"router": {"kind": "knn"}},
                    }
                ]
            }
        )
        == []
    )


def test_embedding_mode_through_a_translated_provider_is_unsupported() -> None:
    data = {
        "model_list": [
            {
                "model_name": "emb",
                "litellm_params": {"model": "cohere_chat/embed-v3", "api_key": "k"},
                "model_info": {"mode": "embedding"},
            },
            {
                "model_name": "batch",
                "litellm_params": {"model": "hosted_vllm/x", "api_base": "http://x"},
                "model_info": {"mode": "batch"},
            },
        ]
    }
    with pytest.raises(ConfigError) as exc:
        load_config(data, env={})
    ((path, msg),) = exc.value.problems
    assert path == "unsupported"
    assert msg.startswith("model_list[0].model_info.mode (embeddings through provider")
    cfg = load_config(data, env={}, allow_unsupported=True)
    assert cfg.warnings == (
        "unsupported: " + msg,
        "unsupported: model_list[1].model_info.mode (LiteLLM serves its batch endpoints with it)",
    )


def test_a_typo_in_a_routeiq_section_names_the_nearest_field() -> None:
    with pytest.raises(ConfigError) as exc:
        load_config(
            _with(routeiq={"server": {"max_in_fligth": 5}, "alow_unsupported": True}), env={}
        )
    msgs = dict(exc.value.problems)
    assert msgs["routeiq.server.max_in_fligth"].endswith("did you mean 'max_in_flight'?")
    assert msgs["routeiq.alow_unsupported"].endswith("did you mean 'allow_unsupported'?")


def test_values_that_ask_for_what_routeiq_does_are_not_reported() -> None:
    assert audit({"litellm_settings": {"require_auth_for_metrics_endpoint": False}}) == []
    (f,) = audit({"litellm_settings": {"require_auth_for_metrics_endpoint": True}})
    assert f.kind == "unsupported"


def test_blocking_errors_still_show_the_warnings() -> None:
    data = _with(guardrails=[], general_settings={"alerting": ["slack"]})
    with pytest.raises(ConfigError) as exc:
        load_config(data, env={})
    assert exc.value.warnings == [
        "unsupported: general_settings.alerting (Slack/webhook alerting and the admin UI)"
    ]


def test_bedrock_region_and_endpoint_as_litellm_reads_them() -> None:
    entry = {
        "model_name": "br",
        "litellm_params": {
            "model": "bedrock/amazon.nova-pro-v1:0",
            "aws_bedrock_runtime_endpoint": "https://vpce.example.com",
        },
    }
    with pytest.raises(ConfigError) as exc:
        load_config({"model_list": [entry]}, env={})
    assert exc.value.problems == [
        (
            "model_list[0].litellm_params.aws_region_name",
            "not set, and neither AWS_REGION nor AWS_DEFAULT_REGION is set",
        )
    ]
    cfg = load_config({"model_list": [entry]}, env={"AWS_DEFAULT_REGION": "eu-west-1"})
    (dep,) = cfg.deployments
    assert dep.api_base == "https://vpce.example.com"
    assert dep.params["aws_region_name"] == "eu-west-1"


def test_missing_provider_keys_name_the_variable() -> None:
    data = {
        "model_list": [
            {"model_name": "a", "litellm_params": {"model": "gpt-4o"}},
            {"model_name": "b", "litellm_params": {"model": "groq/llama-3.1-8b-instant"}},
            {"model_name": "c", "litellm_params": {"model": "azure/dep", "api_key": "k"}},
        ]
    }
    with pytest.raises(ConfigError) as exc:
        load_config(data, env={})
    assert exc.value.problems == [
        (
            "model_list[0].litellm_params.api_key",
            "not set, and OPENAI_API_KEY is not set in the environment",
        ),
        (
            "model_list[1].litellm_params.api_key",
            "not set, and GROQ_API_KEY is not set in the environment",
        ),
        (
            "model_list[2].litellm_params.api_base",
            "not set, and AZURE_API_BASE is not set in the environment",
        ),
    ]
    env = {"OPENAI_API_KEY": "o", "GROQ_API_KEY": "g", "AZURE_API_BASE": "https://az.example.com"}
    cfg = load_config(data, env=env)
    a, b, c = cfg.deployments
    assert (a.api_key, b.api_key) == ("o", "g")
    assert c.api_base == "https://az.example.com" and c.api_version == "2025-02-01-preview"
    env["AZURE_API_VERSION"] = "2024-10-21"
    assert load_config(data, env=env).deployments[2].api_version == "2024-10-21"


def test_include_merges_other_files_like_litellm(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "more.yaml").write_text(
        "model_list:\n"
        "  - model_name: b\n"
        "    litellm_params: {model: hosted_vllm/b, api_base: 'http://b'}\n"
        "include: [deeper.yaml]\n"
    )
    (tmp_path / "sub" / "deeper.yaml").write_text("router_settings: {num_retries: 4}\n")
    main = tmp_path / "config.yaml"
    main.write_text(
        "include: [sub/more.yaml]\n"
        "model_list:\n"
        "  - model_name: a\n"
        "    litellm_params: {model: hosted_vllm/a, api_base: 'http://a'}\n"
        "router_settings: {num_retries: 1}\n"
    )
    cfg = load_config_file(main, env={})
    assert list(cfg.groups) == ["a", "b"]
    assert cfg.router.num_retries == 4  # an included value replaces
    main.write_text("include: [missing.yaml]\n")
    with pytest.raises(ConfigError) as exc:
        load_config_file(main, env={})
    ((path, msg),) = exc.value.problems
    assert path == "include[0]" and "missing.yaml" in msg


@pytest.mark.parametrize("tags", [1, "teamA", {"a": 1}])
def test_deployment_tags_that_are_not_a_list_are_a_config_error(tags: Any) -> None:
    # found by the admin fuzz test: an int here was a TypeError (a 500 on /model/new)
    data = _with()
    data["model_list"][0]["litellm_params"]["tags"] = tags
    with pytest.raises(ConfigError) as exc:
        load_config(data, env={})
    assert exc.value.problems == [
        ("model_list[0].litellm_params.tags", "must be a list of strings")
    ]
