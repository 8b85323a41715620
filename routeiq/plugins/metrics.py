"""The pipeline's counters as OpenTelemetry observable counters (read at scrape time).

Label sets are bounded by the config: plugin names, hook names, outcomes,
guardrail names, directions and actions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Protocol

from opentelemetry.metrics import CallbackOptions, Observation

from routeiq.plugins.guardrails import VerdictCache
from routeiq.plugins.runner import LoadedPlugin


class Pipeline(Protocol):
    """The counters read at scrape time (``pipeline.Pipeline`` has them); a Protocol
    here so that this module does not import the one that binds it."""

    @property
    def plugins(self) -> tuple[LoadedPlugin, ...]: ...
    @property
    def verdicts(self) -> Counter[tuple[str, str, str]]: ...
    @property
    def cache(self) -> VerdictCache: ...
    @property
    def background_dropped(self) -> int: ...


def bind(pipeline: Pipeline, meter: Any) -> None:
    """Register the pipeline's counters on ``meter``."""

    def hooks(options: CallbackOptions) -> Iterable[Observation]:
        return [
            Observation(n, {"plugin": lp.name, "hook": hook, "outcome": outcome})
            for lp in pipeline.plugins
            for (hook, outcome), n in lp.counts.items()
        ]

    def verdicts(options: CallbackOptions) -> Iterable[Observation]:
        return [
            Observation(n, {"guardrail": g, "direction": d, "action": a})
            for (g, d, a), n in pipeline.verdicts.items()
        ]

    def cache(options: CallbackOptions) -> Iterable[Observation]:
        c = pipeline.cache
        return [Observation(c.scans, {"event": "scan"}), Observation(c.hits, {"event": "hit"})]

    def background(options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(pipeline.background_dropped, {"event": "dropped"})]

    meter.create_observable_counter(
        "routeiq.plugin.hooks", callbacks=[hooks], description="Plugin hook calls by outcome."
    )
    meter.create_observable_counter(
        "routeiq.guardrail.verdicts",
        callbacks=[verdicts],
        description="Guardrail verdicts that decided an action, by direction.",
    )
    meter.create_observable_counter(
        "routeiq.guardrail.cache",
        callbacks=[cache],
        description="Verdict cache: real scans and verdicts served from the cache.",
    )
    meter.create_observable_counter(
        "routeiq.plugin.background",
        callbacks=[background],
        description="Post-call work dropped because too much was in flight.",
    )
