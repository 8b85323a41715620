"""Plugins are imported and validated at config load; errors name the key path."""

from __future__ import annotations

from typing import Any

import pytest

from routeiq.config import ConfigError, load_config
from routeiq.plugins.pipeline import Pipeline
from routeiq.plugins.settings import GuardrailsSection, PluginSpec

SAMPLE = "tests.plugins.sample_plugins"


def cfg(plugins: list[dict[str, Any]]) -> dict[str, Any]:
    return {"routeiq": {"plugins": plugins}}


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        load_config(data)
    return info.value.problems


def test_a_valid_plugin_loads_with_its_settings_model() -> None:
    config = load_config(cfg([{"path": f"{SAMPLE}:SleepGuard", "settings": {"sleep": 0.25}}]))
    spec = config.routeiq.plugins[0]
    assert spec.cls.__name__ == "SleepGuard"
    assert spec.validated_settings.sleep == 0.25
    assert spec.display_name == "SleepGuard"
    assert spec.deadline == 1.0
    assert spec.failure_mode == "fail_open"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("no.such.module:X", "cannot import module 'no.such.module'"),
        (f"{SAMPLE}:Missing", f"module '{SAMPLE}' has no attribute 'Missing'"),
        (f"{SAMPLE}", "must look like 'package.module:ClassName'"),
        (f"{SAMPLE}:NotAPlugin", "defines none of the plugin hooks"),
        ("routeiq.plugins.base:HOOKS", "is not a class"),
    ],
)
def test_a_bad_path_is_a_config_error_at_its_key_path(path: str, message: str) -> None:
    found = problems(cfg([{"path": f"{SAMPLE}:Canned"}, {"path": path}]))
    assert len(found) == 1
    where, what = found[0]
    assert where == "routeiq.plugins[1].path"
    assert message in what


def test_bad_settings_name_the_field() -> None:
    found = problems(cfg([{"path": f"{SAMPLE}:SleepGuard", "settings": {"sleep": "slow"}}]))
    assert found[0][0] == "routeiq.plugins[0]"
    assert "settings.sleep: Input should be a valid number" in found[0][1]


def test_unknown_fields_and_bad_modes_are_rejected() -> None:
    found = problems(
        cfg([{"path": f"{SAMPLE}:Canned", "failure_mode": "fail_maybe", "deadlne": 1}])
    )
    assert {p for p, _ in found} == {
        "routeiq.plugins[0].failure_mode",
        "routeiq.plugins[0].deadlne",
    }


def test_duplicate_names_are_rejected() -> None:
    found = problems(cfg([{"path": f"{SAMPLE}:Canned"}, {"path": f"{SAMPLE}:Canned"}]))
    assert found[0][0] == "routeiq.plugins"
    assert "two plugins are named 'Canned'" in found[0][1]


def test_a_failing_constructor_is_a_config_error() -> None:
    spec = PluginSpec(path=f"{SAMPLE}:ExplodingInit")
    with pytest.raises(ConfigError) as info:
        Pipeline(GuardrailsSection(), [spec])
    assert info.value.problems == [
        (
            "routeiq.plugins[0]",
            f"{SAMPLE}:ExplodingInit: constructor failed: RuntimeError: cannot start",
        )
    ]


def test_duck_typed_plugins_and_disabled_ones() -> None:
    specs = [
        PluginSpec(path=f"{SAMPLE}:DuckTyped", name="duck"),
        PluginSpec(path=f"{SAMPLE}:Canned", enabled=False),
    ]
    pipeline = Pipeline(GuardrailsSection(), specs)
    assert [p.name for p in pipeline.plugins] == ["duck"]
    assert pipeline.plugins[0].hooks == frozenset({"pre_call"})
    assert pipeline.pre_call == pipeline.plugins
    assert pipeline.on_request == ()


def test_no_guardrails_and_no_plugins_means_no_run() -> None:
    pipeline = Pipeline(GuardrailsSection())
    assert not pipeline.active
