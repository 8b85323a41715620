"""A deployment and the config error: the two names every layer needs from the config.

This module imports nothing from ``routeiq``, so the providers, the pricing
table, the routing strategies and the translated catalogue can use them while
``routeiq.config`` (which reads those modules to check a config) imports them:
imports only go downward.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ConfigError", "Deployment"]


class ConfigError(Exception):
    """Raised with every problem found; ``problems`` holds ``(path, message)``.

    A LiteLLM setting the gateway does not implement is reported as
    ``("unsupported", "<key path> (<what LiteLLM does with it>)")``, so that it
    prints as ``unsupported: <key path> (...)`` like the other problems.
    """

    def __init__(self, problems: list[tuple[str, str]], warnings: list[str] | None = None) -> None:
        self.problems = problems
        #: ``unsupported: ...`` lines that would only have been warnings.
        self.warnings = warnings or []
        super().__init__("\n".join(f"{p}: {m}" for p, m in problems))


@dataclass(frozen=True, slots=True)
class Deployment:
    """One upstream deployment of a model group, resolved at start-up."""

    id: str
    model_name: str  # the group clients ask for
    provider: str  # "openai", "azure", ...
    upstream_model: str  # the name sent upstream
    api_base: str
    api_key: str | None
    api_version: str | None
    timeout: float | None
    stream_timeout: float | None
    rpm: int | None
    tpm: int | None
    weight: float
    extra_headers: tuple[tuple[str, str], ...] = ()
    input_cost_per_token: float | None = None
    output_cost_per_token: float | None = None
    model_info: Mapping[str, Any] = field(default_factory=dict)
    # Provider-specific litellm_params we do not model (aws_region_name, ...).
    params: Mapping[str, Any] = field(default_factory=dict)
    # Default request params from litellm_params (temperature, max_tokens, ...):
    # merged under the request's own.
    defaults: Mapping[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
