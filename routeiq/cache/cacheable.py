"""Cacheability: which requests may be looked up in and stored to the cache.

I/O-free; re-exported by ``routeiq.cache.keys``. See ``cacheable`` for the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, NamedTuple

__all__ = [
    "DEFAULT_TEMPERATURE",
    "DEFAULT_TEMPERATURE_CEILING",
    "CacheDecision",
    "Headers",
    "Reason",
    "cacheable",
]

#: OpenAI's documented default: a request without ``temperature`` samples at 1.0,
#: so it is not reproducible and is not cached under the default ceiling.
DEFAULT_TEMPERATURE = 1.0
DEFAULT_TEMPERATURE_CEILING = 0.1

#: A header mapping, or ASGI-style ``(name, value)`` pairs (bytes or str, any case).
Headers = Mapping[str, str] | Iterable[tuple[bytes | str, bytes | str]]


class Reason(StrEnum):
    """Why a request is (partly) not cached; ``OK`` when both tiers apply."""

    OK = "ok"
    BYPASS = "bypass-header"
    NO_CACHE = "no-cache"
    NO_STORE = "no-store"
    NO_CACHE_NO_STORE = "no-cache,no-store"
    TEMPERATURE = "temperature"
    N = "n"
    TOOL_RESULT_PENDING = "tool-result-pending"
    NO_MESSAGES = "no-messages"


class CacheDecision(NamedTuple):
    """``lookup``: may be answered from cache; ``store``: its answer may be stored."""

    lookup: bool
    store: bool
    reason: Reason


def _header_values(headers: Headers, name: str) -> list[str]:
    items: Iterable[tuple[bytes | str, bytes | str]]
    items = headers.items() if isinstance(headers, Mapping) else headers
    values: list[str] = []
    for key, value in items:
        k = key.decode("latin-1") if isinstance(key, bytes) else key
        if k.lower() == name:
            values.append(value.decode("latin-1") if isinstance(value, bytes) else value)
    return values


def cacheable(
    request: Mapping[str, Any],
    headers: Headers = (),
    *,
    temperature_ceiling: float = DEFAULT_TEMPERATURE_CEILING,
) -> CacheDecision:
    """Decide whether a chat request may be looked up in and stored to the cache.

    Only reproducible requests are cached: ``temperature`` at or below the ceiling (a
    missing temperature is OpenAI's default 1.0, so it is cached only if the ceiling
    is at least 1.0), ``n == 1`` and no tool result pending (the last message is not a
    ``tool``/``function`` result, whose answer depends on a live tool call).
    Headers: ``x-routeiq-cache: off`` bypasses both tiers; ``Cache-Control: no-cache``
    skips the lookup (the fresh answer is still stored) and ``no-store`` skips the
    store (a cached answer may still be served). ``headers`` is a mapping or ASGI-style
    ``(name, value)`` pairs, names in any case. LiteLLM's per-request controls in the
    body, ``"cache": {"no-cache": true, "no-store": true}``, mean the same as the
    directives (its ``ttl`` and ``s-maxage`` are not honoured).
    """
    if any(v.strip().lower() == "off" for v in _header_values(headers, "x-routeiq-cache")):
        return CacheDecision(False, False, Reason.BYPASS)
    messages = request.get("messages")
    if not isinstance(messages, list) or not messages:
        return CacheDecision(False, False, Reason.NO_MESSAGES)
    temperature = request.get("temperature", DEFAULT_TEMPERATURE)
    if temperature is None:
        temperature = DEFAULT_TEMPERATURE
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, int | float)
        or temperature > temperature_ceiling
    ):
        return CacheDecision(False, False, Reason.TEMPERATURE)
    n = request.get("n", 1)
    if n is not None and n != 1:
        return CacheDecision(False, False, Reason.N)
    last = messages[-1]
    if isinstance(last, Mapping) and last.get("role") in ("tool", "function"):
        return CacheDecision(False, False, Reason.TOOL_RESULT_PENDING)
    directives = {
        d.strip().lower().split("=", 1)[0]
        for v in _header_values(headers, "cache-control")
        for d in v.split(",")
    }
    no_cache, no_store = "no-cache" in directives, "no-store" in directives
    controls = request.get("cache")  # LiteLLM's per-request cache controls
    if isinstance(controls, Mapping):
        no_cache = no_cache or controls.get("no-cache") is True
        no_store = no_store or controls.get("no-store") is True
    if no_cache and no_store:
        return CacheDecision(False, False, Reason.NO_CACHE_NO_STORE)
    if no_cache:
        return CacheDecision(False, True, Reason.NO_CACHE)
    if no_store:
        return CacheDecision(True, False, Reason.NO_STORE)
    return CacheDecision(True, True, Reason.OK)
