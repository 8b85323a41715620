"""Importing litellm, lazily, and building the adapters of the translated deployments.

litellm is imported only when a configured deployment needs translation, at
start-up, in a worker thread (``trio.to_thread.run_sync``): the import costs
~5 s of CPU and ~200 MB, which an OpenAI-only gateway never pays and which
must not block the event loop. ``LITELLM_LOCAL_MODEL_COST_MAP=True`` is set
before the import, or litellm fetches its price map from the internet and
sleeps between retries.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Iterable
from typing import Any

import trio

from routeiq.deployment import ConfigError, Deployment
from routeiq.llm.providers import PASS_THROUGH
from routeiq.llm.rerank_hosts import default_rerank_base

log = logging.getLogger("routeiq.providers")


def needs_translation(deployments: Iterable[Deployment]) -> list[Deployment]:
    """The deployments whose provider does not speak the OpenAI format (a rerank-only
    Cohere or Jina AI deployment is called in its own API: llm/rerank_hosts.py)."""
    return [
        d
        for d in deployments
        if d.provider not in PASS_THROUGH
        and default_rerank_base(d.provider, d.model_info.get("mode")) is None
    ]


def import_litellm() -> Any:
    """Import litellm with its network and console side effects turned off (blocking)."""
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    first = "litellm" not in sys.modules
    lm: Any = importlib.import_module("litellm")
    if first:
        lm.suppress_debug_info = True  # no "Provider List: ..." prints on stdout
        lm.telemetry = False
        # litellm gives its loggers their own stderr handlers; log through ours, once.
        for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy"):
            logger = logging.getLogger(name)
            logger.handlers.clear()
            logger.setLevel(logging.WARNING)
    return lm


def build_adapters(deployments: Iterable[Deployment]) -> dict[str, Any]:
    """Import litellm and build one adapter per translated deployment (blocking).

    Raises ``ConfigError`` naming each deployment litellm cannot serve.
    """
    todo = needs_translation(deployments)
    if not todo:
        return {}
    lm = import_litellm()
    from routeiq.llm.translated.adapters import Adapter
    from routeiq.llm.translated.anthropic import AnthropicAdapter
    from routeiq.llm.translated.bedrock import BedrockAdapter
    from routeiq.llm.translated.gemini import GeminiAdapter
    from routeiq.llm.translated.vertex import VertexAdapter

    special: dict[str, type[Adapter]] = {
        "anthropic": AnthropicAdapter,
        "gemini": GeminiAdapter,
        "bedrock": BedrockAdapter,
        "vertex_ai": VertexAdapter,
    }
    manager = importlib.import_module("litellm.utils").ProviderConfigManager
    providers = importlib.import_module("litellm.types.utils").LlmProviders
    adapters: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for dep in todo:
        where = f"deployment {dep.id!r} ({dep.provider}/{dep.upstream_model})"
        try:
            config = manager.get_provider_chat_config(
                model=dep.upstream_model, provider=providers(dep.provider)
            )
        except ValueError:
            config = None
        if config is None:
            problems.append((where, f"litellm has no chat translation for {dep.provider!r}"))
            continue
        try:
            adapter = special.get(dep.provider, Adapter)(dep, lm, config)
            # A dry run: a provider whose config class cannot build a request
            # fails here, at start-up, rather than on its first request.
            adapter.warm()
        except Exception as exc:
            problems.append((where, f"cannot be served through translation: {exc}"))
            continue
        adapters[dep.id] = adapter
        log.info(
            "deployment %s: %s via litellm %s (streaming %s)",
            dep.id,
            dep.provider,
            getattr(lm, "__version__", None) or _version(),
            "native" if adapter.streams else "emulated",
        )
    if problems:
        raise ConfigError(problems)
    return adapters


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("litellm")
    except PackageNotFoundError:
        return "?"


# Translation steps slower than this (measured at warm-up) run in a worker thread:
# litellm's request translation re-reads model capabilities from its price map
# several times per call (~1.5 ms for Anthropic, ~7-10 ms for Bedrock Converse
# here), too long to hold the event loop; a thread hop costs ~0.1-0.5 ms.
OFFLOAD_ABOVE = 0.001


async def open_translators(deployments: Iterable[Deployment]) -> dict[str, Any]:
    """Adapters by deployment id; imports litellm in a thread only if one is needed."""
    deps = list(deployments)
    if not needs_translation(deps):
        return {}
    adapters = await trio.to_thread.run_sync(build_adapters, deps)
    limiter = trio.CapacityLimiter(max(1, os.cpu_count() or 1))
    for adapter in adapters.values():
        adapter.limiter = limiter
        adapter.offload = adapter.ALWAYS_OFFLOAD or (
            max(adapter.prepare_seconds, adapter.parse_seconds) > OFFLOAD_ABOVE
        )
        log.info(
            "deployment %s: translation %.2f ms request, %.2f ms answer (%s)",
            adapter.dep.id,
            adapter.prepare_seconds * 1e3,
            adapter.parse_seconds * 1e3,
            "worker thread" if adapter.offload else "inline",
        )
    return adapters
