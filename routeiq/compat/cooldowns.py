"""LiteLLM's cool-down settings, given to the gateway's circuit breaker.

LiteLLM leaves a failing deployment out of routing for ``router_settings.cooldown_time``
seconds, and ``disable_cooldowns: true`` turns that off. The gateway's breaker
(``routeiq.routing.breaker``) does the same with ``cooldown`` and ``enabled``; before
this module both LiteLLM keys were only warned about, so a config asking for a 5 s
cool-down got the breaker's 30 s default (or a breaker it had switched off).

``allowed_fails`` has no exact counterpart (LiteLLM counts failures a minute, the
breaker a failure rate over ``window``) and stays a warning. A value set under
``routeiq.routing.breaker`` wins. I/O-free; runs on the raw config before validation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _section(parent: dict[str, Any], name: str) -> dict[str, Any] | None:
    node = parent.get(name)
    if node is None:
        node = parent[name] = {}
    elif isinstance(node, Mapping):
        node = parent[name] = dict(node)
    else:
        return None  # not a mapping: its own validation reports it
    return node


def litellm_cooldowns(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Copy ``router_settings.cooldown_time`` / ``disable_cooldowns`` into
    ``routeiq.routing.breaker`` (in place); problems name the LiteLLM key."""
    router = data.get("router_settings")
    if not isinstance(router, Mapping):
        return []
    wanted: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    if "cooldown_time" in router:
        value = router["cooldown_time"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            problems.append(("router_settings.cooldown_time", "must be a number of seconds > 0"))
        else:
            wanted["cooldown"] = float(value)
    if "disable_cooldowns" in router:
        value = router["disable_cooldowns"]
        if not isinstance(value, bool):
            problems.append(("router_settings.disable_cooldowns", "must be true or false"))
        elif value:
            wanted["enabled"] = False
    if not wanted or problems:
        return problems
    routeiq = _section(data, "routeiq")
    routing = _section(routeiq, "routing") if routeiq is not None else None
    breaker = _section(routing, "breaker") if routing is not None else None
    if breaker is not None:
        for key, value in wanted.items():
            breaker.setdefault(key, value)
    return problems
