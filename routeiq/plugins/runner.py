"""Run one plugin hook under the plugin's deadline and failure mode.

A hook that raises (anything but ``Blocked``) or overruns its deadline is
logged, counted in ``PluginStats`` and then either ignored (``fail_open``)
or turned into 503 ``plugin_unavailable`` (``fail_closed``). ``Blocked``
becomes 400 ``guardrail_blocked`` naming the plugin. ``trio.Cancelled`` is
never caught here: only ``Exception`` is.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import trio

from routeiq.errors import GuardrailBlocked, Unavailable
from routeiq.plugins.base import Blocked, FailureMode, implemented_hooks
from routeiq.plugins.settings import PluginSpec

log = logging.getLogger("routeiq.plugins")


class PluginUnavailable(Unavailable):
    code = "plugin_unavailable"


class LoadedPlugin:
    """A plugin instance with its name, deadline, failure mode and counters.

    ``counts[(hook, outcome)]``: outcome is ``ok``, ``blocked``, ``error`` or
    ``timeout``.
    """

    __slots__ = ("counts", "deadline", "failure_mode", "guardrail", "hooks", "name", "plugin")

    def __init__(
        self, plugin: Any, name: str, *, deadline: float, failure_mode: FailureMode
    ) -> None:
        self.plugin = plugin
        self.name = name
        self.deadline = deadline
        self.failure_mode = failure_mode
        self.hooks = implemented_hooks(type(plugin))
        self.guardrail = bool(getattr(plugin, "guardrail", False))
        self.counts: Counter[tuple[str, str]] = Counter()

    @classmethod
    def from_spec(cls, spec: PluginSpec) -> LoadedPlugin:
        """Instantiate the configured class (a constructor error is a config error)."""
        try:
            plugin = spec.cls(spec.validated_settings)
        except Exception as exc:
            raise ValueError(
                f"{spec.path}: constructor failed: {type(exc).__name__}: {exc}"
            ) from None
        return cls(
            plugin, spec.display_name, deadline=spec.deadline, failure_mode=spec.failure_mode
        )


async def call_hook(lp: LoadedPlugin, hook: str, *args: Any) -> Any:
    """``await plugin.<hook>(*args)`` under the plugin's deadline.

    Returns the hook's value, or None when the hook failed and the plugin
    fails open. Raises ``GuardrailBlocked`` (the hook raised ``Blocked``) or
    ``PluginUnavailable`` (it failed and the plugin fails closed).
    """
    fn = getattr(lp.plugin, hook)
    with trio.move_on_after(lp.deadline):
        try:
            value = await fn(*args)
        except Blocked as exc:
            lp.counts[(hook, "blocked")] += 1
            raise GuardrailBlocked(_blocked_message(lp.name, exc.message)) from None
        except Exception as exc:
            lp.counts[(hook, "error")] += 1
            log.warning(
                "plugin %s.%s raised %s (%s)",
                lp.name,
                hook,
                type(exc).__name__,
                lp.failure_mode,
                exc_info=True,
            )
            return _failed(lp, hook, "failed")
        lp.counts[(hook, "ok")] += 1
        return value
    lp.counts[(hook, "timeout")] += 1
    log.warning(
        "plugin %s.%s overran its %g s deadline (%s)", lp.name, hook, lp.deadline, lp.failure_mode
    )
    return _failed(lp, hook, "timed out")


def _failed(lp: LoadedPlugin, hook: str, what: str) -> None:
    if lp.failure_mode == "fail_closed":
        raise PluginUnavailable(
            f"Plugin '{lp.name}' {what} and is configured to fail closed; retry later",
            headers={"retry-after": "1"},
        )
    return None


def _blocked_message(name: str, message: str) -> str:
    return f"Blocked by guardrail '{name}': {message}"
