"""Every setting the pinned litellm's proxy reads is in the catalogue (so a real LiteLLM
config is never refused as unknown), and the newly catalogued ones act as listed."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

from routeiq.compat.catalogue import CATALOGUE
from routeiq.config import ConfigError, load_config

SPEC = importlib.util.find_spec("litellm")  # the wheel is read, never imported
ROOT = Path(SPEC.origin).parent if SPEC and SPEC.origin else None
needs_wheel = pytest.mark.skipif(ROOT is None, reason="the providers extra is not installed")


def _known(section: str) -> set[str]:
    return {p.rpartition(".")[2] for p in CATALOGUE if p.startswith(section + ".")}


@needs_wheel
def test_every_general_setting_the_proxy_reads_is_catalogued() -> None:
    assert ROOT is not None
    read: set[str] = set()
    for path in (ROOT / "proxy").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r'general_settings(?:_view\(\))?\.get\(\s*"([a-z_]+)"', text))
        read |= set(re.findall(r'general_settings\[\s*"([a-z_]+)"\s*\]', text))
    assert read - _known("general_settings") == set()


@needs_wheel
def test_every_litellm_setting_the_proxy_handles_is_catalogued() -> None:
    assert ROOT is not None
    text = (ROOT / "proxy" / "proxy_server.py").read_text(encoding="utf-8")
    handled = set(re.findall(r'\bkey == "([a-z_]+)"', text))
    handled |= set(re.findall(r'litellm_settings\.get\(\s*"([a-z_]+)"', text))
    assert handled - _known("litellm_settings") == set()


@needs_wheel
def test_every_router_argument_is_catalogued() -> None:
    assert ROOT is not None
    tree = ast.parse((ROOT / "router.py").read_text(encoding="utf-8"))
    (init,) = [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "_router_init"
    ]
    params = {a.arg for a in init.args.args + init.args.kwonlyargs} - {"self", "model_list"}
    assert len(params) > 40
    assert params - _known("router_settings") == set()


BASE: dict[str, Any] = {
    "model_list": [
        {
            "model_name": "c",
            "litellm_params": {"model": "openai/x", "api_base": "http://a/v1", "api_key": "k"},
        },
        {
            "model_name": "d",
            "litellm_params": {
                "model": "openai/y",
                "api_base": "http://a/v1",
                "api_key": "k",
                "stream_timeout": 7,
            },
        },
    ]
}


def test_router_stream_timeout_is_the_default_of_deployments() -> None:
    config = load_config({**BASE, "router_settings": {"stream_timeout": 45}}, env={})
    assert {d.model_name: d.stream_timeout for d in config.deployments} == {"c": 45.0, "d": 7.0}


def test_real_litellm_keys_are_warnings_or_named_unsupported() -> None:
    data = {
        **BASE,
        "general_settings": {
            "allow_requests_on_db_unavailable": True,
            "proxy_budget_rescheduler_min_time": 60,
        },
        "litellm_settings": {"telemetry": False},
        "router_settings": {"max_fallbacks": 3},
    }
    warned = load_config(data, env={}).warnings
    assert sum("allow_requests_on_db_unavailable" in w for w in warned) == 1
    assert sum("litellm_settings.telemetry" in w for w in warned) == 1
    entry = {**BASE["model_list"][0]}
    entry["litellm_params"] = {**entry["litellm_params"], "cache_read_input_token_cost": 1e-7}
    with pytest.raises(ConfigError) as info:
        load_config({"model_list": [entry]}, env={})
    assert [p[0] for p in info.value.problems] == ["unsupported"]
    assert "cache_read_input_token_cost" in info.value.problems[0][1]
