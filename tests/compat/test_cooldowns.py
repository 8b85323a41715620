"""router_settings.cooldown_time / disable_cooldowns reach the circuit breaker."""

from __future__ import annotations

from typing import Any

import pytest

from routeiq.config import ConfigError, load_config

BASE: dict[str, Any] = {
    "model_list": [
        {
            "model_name": "c",
            "litellm_params": {"model": "openai/x", "api_base": "http://a/v1", "api_key": "k"},
        }
    ]
}


def test_cooldown_time_sets_the_breaker_cooldown_without_a_warning() -> None:
    config = load_config({**BASE, "router_settings": {"cooldown_time": 5}}, env={})
    assert config.routeiq.routing.breaker.cooldown == 5.0
    assert config.routeiq.routing.breaker.enabled is True
    assert not any("cooldown" in w for w in config.warnings)


def test_disable_cooldowns_turns_the_breaker_off_and_routeiq_settings_win() -> None:
    data = {
        **BASE,
        "router_settings": {"cooldown_time": 5, "disable_cooldowns": True},
        "routeiq": {"routing": {"breaker": {"cooldown": 9}}},
    }
    breaker = load_config(data, env={}).routeiq.routing.breaker
    assert (breaker.cooldown, breaker.enabled) == (9.0, False)
    off = load_config({**BASE, "router_settings": {"disable_cooldowns": False}}, env={})
    assert off.routeiq.routing.breaker.enabled is True


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("cooldown_time", "x"),
        ("cooldown_time", 0),
        ("cooldown_time", True),
        ("disable_cooldowns", 1),
    ],
)
def test_a_bad_value_names_the_litellm_key(key: str, value: Any) -> None:
    with pytest.raises(ConfigError) as info:
        load_config({**BASE, "router_settings": {key: value}}, env={})
    assert [p[0] for p in info.value.problems] == [f"router_settings.{key}"]
