"""Prices per unit for the endpoints that are not billed by the token (I/O-free but for
the one read of the map file).

litellm's price map and LiteLLM configs name them: ``output_cost_per_image``
(images), ``input_cost_per_character`` (text to speech), ``input_cost_per_second``
(transcription), ``input_cost_per_query`` (rerank). A deployment's own value
(``litellm_params`` or ``model_info``) overrides the map's, which is looked up by
the same names as token prices (``table.map_prices``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson

from routeiq.deployment import Deployment
from routeiq.pricing.table import map_names, price_map_path

UNIT_KEYS = (
    "output_cost_per_image",
    "input_cost_per_character",
    "input_cost_per_second",
    "input_cost_per_query",
)
Units = Mapping[str, float]


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return float(value)


def parse_units(raw: bytes) -> dict[str, dict[str, float]]:
    """The unit-priced entries of a litellm price map document."""
    doc = orjson.loads(raw)
    out: dict[str, dict[str, float]] = {}
    if not isinstance(doc, dict):
        return out
    for name, entry in doc.items():
        if not isinstance(entry, dict):
            continue
        found = {k: v for k in UNIT_KEYS if (v := _num(entry.get(k))) is not None}
        if found:
            out[name] = found
    return out


@cache
def _load(path: Path) -> Mapping[str, Mapping[str, float]]:
    try:
        return MappingProxyType(parse_units(path.read_bytes()))
    except (OSError, orjson.JSONDecodeError):
        return MappingProxyType({})


def load_units(path: Path | None = None) -> Mapping[str, Mapping[str, float]]:
    path = path or price_map_path()
    return _load(path) if path is not None else {}


def deployment_units(dep: Deployment, table: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    units: dict[str, float] = {}
    for name in map_names(dep):
        if name in table:
            units = dict(table[name])
            break
    for key in UNIT_KEYS:
        for source in (dep.params, dep.model_info):
            value = _num(source.get(key)) if isinstance(source, Mapping) else None
            if value is not None:
                units[key] = value
                break
    return units


def units_by_deployment(
    deployments: Iterable[Deployment], table: Mapping[str, Mapping[str, float]]
) -> dict[str, Units]:
    """Unit prices per deployment id; deployments without any are left out."""
    out: dict[str, Units] = {}
    for dep in deployments:
        units = deployment_units(dep, table)
        if units:
            out[dep.id] = units
    return out
