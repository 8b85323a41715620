"""LiteLLM's response cache settings, given to the gateway's cache (``routeiq.cache``).

``litellm_settings.cache: true`` turns LiteLLM's proxy cache on; ``cache_params``
says where (LiteLLM 1.110.2's proxy: ``type`` defaults to ``redis``, with
``REDIS_HOST``/``REDIS_PORT``/``REDIS_PASSWORD`` from the environment when no
parameters are given). Mapped here, before validation, when the file has no
``routeiq.cache`` section of its own (which then wins, with a warning):

=====================  =========================================================
``type: local``        the in-process exact tier only (``l1``)
``type: redis``        ``l1`` + the exact tier in the state backend (``l2``); with
                       ``host``/``port``/``password`` (or the variables above) and
                       no ``routeiq.state`` section, the state backend becomes that
                       Redis, so every gateway process shares it (as LiteLLM's)
``type: redis-semantic``  as ``redis`` plus the semantic tier at
                       ``similarity_threshold`` (embedded locally with
                       all-MiniLM-L6-v2; ``redis_semantic_cache_embedding_model``
                       is not called)
``ttl``                both tiers' TTL; ``default_in_memory_ttl`` /
                       ``default_in_redis_ttl`` each tier's
=====================  =========================================================

Everything else is a warning naming the key: other ``type``s (``s3``, ``disk``,
``qdrant-semantic``, ``gcs``, ``azure-blob``: no response cache then),
``mode: default_off``, ``supported_call_types``, ``namespace`` and client options.
One difference always holds: LiteLLM shares one cache among all callers, the
gateway keeps answers per API key unless ``routeiq.cache.namespace`` says
``team`` or ``shared``. I/O-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

_WHERE = "litellm_settings.cache_params"
_NO_CACHE_TYPES = ("s3", "disk", "qdrant-semantic", "gcs", "azure-blob", "redis-cluster")
_HANDLED = frozenset(
    {
        "type",
        "host",
        "port",
        "password",
        "ttl",
        "default_in_memory_ttl",
        "default_in_redis_ttl",
        "similarity_threshold",
    }
)


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number > 0 else None


def _redis_url(params: Mapping[str, Any], env: Mapping[str, str]) -> str | None:
    """The Redis URL of ``params`` (or, when they give no host, of the environment)."""
    host = params.get("host") or (env.get("REDIS_HOST") if "host" not in params else None)
    if not host:
        return None
    port = params.get("port") or env.get("REDIS_PORT") or 6379
    password = params.get("password") or env.get("REDIS_PASSWORD")
    auth = f":{quote(str(password), safe='')}@" if password else ""
    return f"redis://{auth}{host}:{port}/0"


def litellm_cache(data: dict[str, Any], env: Mapping[str, str]) -> list[str]:
    """Map ``litellm_settings.cache``/``cache_params`` into ``routeiq.cache`` (and
    ``routeiq.state`` for a Redis address), in place; returns the warnings."""
    settings = data.get("litellm_settings")
    if not isinstance(settings, Mapping) or settings.get("cache") is not True:
        return []
    params = settings.get("cache_params")
    params = params if isinstance(params, Mapping) else {}
    kind = str(params.get("type", "redis"))
    routeiq = data.get("routeiq")
    if routeiq is not None and not isinstance(routeiq, Mapping):
        return []  # its own validation reports it
    routeiq = data["routeiq"] = dict(routeiq or {})
    if "cache" in routeiq:
        return [f"litellm_settings.cache: routeiq.cache is set and wins ({_WHERE} not mapped)"]
    warnings = [
        f"{_WHERE}: different: LiteLLM shares one cache among all callers; the gateway "
        "keeps answers per API key (routeiq.cache.namespace: team or shared to widen it)"
    ]
    if kind in _NO_CACHE_TYPES or kind not in ("local", "redis", "redis-semantic"):
        warnings.append(
            f"{_WHERE}.type: unsupported cache type {kind!r}: no response cache "
            "(RouteIQ caches in memory, Redis and its own semantic index: routeiq.cache)"
        )
        return warnings
    cache: dict[str, Any] = {"enabled": True}
    l1: dict[str, Any] = {}
    l2: dict[str, Any] = {"enabled": kind != "local"}
    semantic: dict[str, Any] = {"enabled": kind == "redis-semantic"}
    ttl = _seconds(params.get("ttl"))
    for tier, name in ((l1, "default_in_memory_ttl"), (l2, "default_in_redis_ttl")):
        value = _seconds(params.get(name)) or ttl
        if value is not None:
            tier["ttl"] = value
    if kind == "redis-semantic":
        threshold = params.get("similarity_threshold")
        if isinstance(threshold, int | float) and not isinstance(threshold, bool):
            if 0 < threshold <= 1:
                semantic["threshold"] = float(threshold)
            else:
                warnings.append(f"{_WHERE}.similarity_threshold: not in (0, 1]: default used")
        if "redis_semantic_cache_embedding_model" in params:
            warnings.append(
                f"{_WHERE}.redis_semantic_cache_embedding_model: different: the semantic "
                "tier embeds locally with all-MiniLM-L6-v2"
            )
    cache.update({"l1": l1, "l2": l2, "semantic": semantic})
    routeiq["cache"] = cache
    if kind != "local":
        url = _redis_url(params, env)
        if url is not None and "state" not in routeiq:
            routeiq["state"] = {"backend": "redis", "redis_url": url}
        elif url is None and "state" not in routeiq:
            warnings.append(
                f"{_WHERE}: no Redis host (host/port or REDIS_HOST): the exact tier "
                "lives in this process's state backend (memory), not shared"
            )
    for key in params:
        if key not in _HANDLED and key != "redis_semantic_cache_embedding_model":
            warnings.append(f"{_WHERE}.{key}: not mapped onto routeiq.cache (ignored)")
    return warnings
