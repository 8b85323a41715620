"""What a chosen deployment adds to the request: default params, a concrete model.

``litellm_params`` request params (``temperature``, ``max_tokens``, ...) are merged
under the request's own, as LiteLLM does. A wildcard deployment of a translated
provider gets a copy of its adapter naming the concrete model (bounded cache).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from routeiq.deployment import Deployment

MAX_WILDCARD_ADAPTERS = 4096


def with_defaults(req: dict[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """``req`` with the deployment's defaults under it (``req`` itself when none)."""
    if not defaults:
        return req
    return {**defaults, **req}


def translator(adapters: dict[str, Any], dep: Deployment) -> Any:
    """The adapter of ``dep`` (None for OpenAI-format ones), for its concrete model."""
    adapter = adapters.get(dep.id)
    if adapter is None or adapter.model == dep.upstream_model:
        return adapter
    key = f"{dep.id}\0{dep.upstream_model}"
    twin = adapters.get(key)
    if twin is None:
        twin = adapter.with_model(dep.upstream_model)
        if len(adapters) < MAX_WILDCARD_ADAPTERS:
            adapters[key] = twin
    return twin
