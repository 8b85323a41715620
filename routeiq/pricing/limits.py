"""Each deployment's output-token limit from litellm's price map (read once, at start-up).

A budget reservation for a request without ``max_tokens`` assumes the longest answer
the model can give. ``model_info.max_output_tokens`` (or ``max_tokens``) in the config
says it; otherwise the map's ``max_output_tokens`` for the deployment's model (looked
up by the same names as its prices, ``table.map_names``) is the model's real limit,
and only a model neither knows falls back to ``governance.default_max_tokens``. The
same rule serves chat completions, ``/v1/completions``, Messages and Responses bodies
(``Governance.max_cost``). OpenAI's legacy completions default to 16 output tokens,
but an OpenAI-compatible server may not, so that default is not relied on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

import orjson

from routeiq.deployment import Deployment
from routeiq.pricing.table import map_names, price_map_path


def parse_limits(raw: bytes) -> dict[str, int]:
    """``{model name: max_output_tokens}`` of a litellm price map's JSON."""
    out: dict[str, int] = {}
    doc = orjson.loads(raw)
    if not isinstance(doc, dict):
        return out
    for name, entry in doc.items():
        if isinstance(entry, dict):
            value = entry.get("max_output_tokens")
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                out[name] = value
    return out


@cache
def _load(path: Path) -> Mapping[str, int]:
    try:
        return MappingProxyType(parse_limits(path.read_bytes()))
    except (OSError, orjson.JSONDecodeError):
        return MappingProxyType({})


def load_limits(path: Path | None = None) -> Mapping[str, int]:
    path = path or price_map_path()
    return _load(path) if path is not None else {}


def declared_limit(dep: Deployment) -> int | None:
    """The output limit the config declares in ``model_info``."""
    for key in ("max_output_tokens", "max_tokens"):
        value = dep.model_info.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def output_limit(dep: Deployment, table: Mapping[str, int]) -> int | None:
    """``dep``'s output-token limit: declared in its config, else the map's."""
    declared = declared_limit(dep)
    if declared is not None:
        return declared
    for name in map_names(dep):
        found = table.get(name)
        if found is not None:
            return found
    return None


def output_limits(deps: Iterable[Deployment], table: Mapping[str, int]) -> list[int]:
    """The known limits of ``deps`` (unknown ones left out)."""
    return [v for d in deps if (v := output_limit(d, table)) is not None]
