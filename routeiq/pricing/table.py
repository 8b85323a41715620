"""Token prices: litellm's price map as a plain dict, per-deployment overrides (I/O-free
but for the one read of the map file).

The map is the JSON file litellm ships (``model_prices_and_context_window_backup.json``).
It is found with ``importlib.util.find_spec`` and parsed with orjson, so litellm
itself is never imported for pricing (its import costs ~5 s and ~200 MB). Without
litellm installed the map is empty and only prices configured on deployments apply.

A deployment's prices, in order: ``input_cost_per_token``/``output_cost_per_token``
in ``litellm_params``, then in ``model_info`` (with ``cache_read_input_token_cost``
and ``cache_creation_input_token_cost``), each overriding the map's value; then the
map, looked up by ``model_info.base_model``, ``<provider>/<model>`` and ``<model>``
(the bare name only for hosted providers: a self-hosted ``vllm/gpt-4o`` is not
OpenAI's ``gpt-4o``). A configured override makes the prices flat (no tiers).
"""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson

from routeiq.deployment import Deployment

log = logging.getLogger("routeiq.pricing")

MAP_FILE = "model_prices_and_context_window_backup.json"

# Providers whose models are whatever the operator serves: their bare model
# names must not be priced as a hosted model of the same name.
SELF_HOSTED = frozenset(
    {"hosted_vllm", "vllm", "ollama", "ollama_chat", "openai_like", "custom_openai", "lm_studio"}
)

_TIER_KEY = re.compile(r"^input_cost_per_token_above_(\d+)(k?)_tokens$")


@dataclass(frozen=True, slots=True)
class Tier:
    """Rates that apply when the prompt has more than ``above`` tokens."""

    above: int
    input: float
    output: float
    cache_read: float
    cache_write: float


@dataclass(frozen=True, slots=True)
class ModelPrices:
    """USD per token. Absent cache rates are the input rate (as litellm bills them)."""

    input: float
    output: float
    cache_read: float
    cache_write: float
    tiers: tuple[Tier, ...] = ()  # ascending ``above``

    @property
    def blended(self) -> float:
        """One input plus one output token (what the cost-based strategy compares)."""
        return self.input + self.output


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _entry_prices(entry: Mapping[str, Any]) -> ModelPrices | None:
    inp = _num(entry.get("input_cost_per_token"))
    out = _num(entry.get("output_cost_per_token"))
    if inp is None and out is None:
        return None
    inp = inp or 0.0
    out = out or 0.0
    read = _num(entry.get("cache_read_input_token_cost"))
    write = _num(entry.get("cache_creation_input_token_cost"))
    tiers: list[Tier] = []
    for key, value in entry.items():
        m = _TIER_KEY.match(key)
        t_in = _num(value)
        if m is None or t_in is None:
            continue
        t = m.group(1) + m.group(2)
        above = int(m.group(1)) * (1000 if m.group(2) else 1)
        t_read = _num(entry.get(f"cache_read_input_token_cost_above_{t}_tokens"))
        t_write = _num(entry.get(f"cache_creation_input_token_cost_above_{t}_tokens"))
        t_out = _num(entry.get(f"output_cost_per_token_above_{t}_tokens"))
        tiers.append(
            Tier(
                above,
                t_in,
                out if t_out is None else t_out,
                (read if read is not None else t_in) if t_read is None else t_read,
                (write if write is not None else t_in) if t_write is None else t_write,
            )
        )
    tiers.sort(key=lambda tier: tier.above)
    return ModelPrices(
        inp,
        out,
        inp if read is None else read,
        inp if write is None else write,
        tuple(tiers),
    )


def litellm_dir() -> Path | None:
    """litellm's installed package directory, found without importing litellm."""
    try:
        spec = importlib.util.find_spec("litellm")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def price_map_path() -> Path | None:
    """Where litellm's price map is installed, without importing litellm."""
    root = litellm_dir()
    path = root / MAP_FILE if root is not None else None
    return path if path is not None and path.is_file() else None


def parse_price_map(raw: bytes) -> dict[str, ModelPrices]:
    """The token-priced entries of a litellm price map document."""
    doc = orjson.loads(raw)
    if not isinstance(doc, dict):
        return {}
    table: dict[str, ModelPrices] = {}
    for name, entry in doc.items():
        if isinstance(entry, dict) and name != "sample_spec":
            prices = _entry_prices(entry)
            if prices is not None:
                table[name] = prices
    return table


def load_price_map(path: Path | None = None) -> Mapping[str, ModelPrices]:
    """The token-priced entries of the map at ``path`` (default: litellm's), empty if it
    is missing or unreadable. Parsing costs ~30 ms, so each file is read once per
    process (the table is ~4k small frozen records, shared read-only)."""
    path = path or price_map_path()
    if path is None:
        return {}
    return _load(path)


@cache
def _load(path: Path) -> Mapping[str, ModelPrices]:
    try:
        return MappingProxyType(parse_price_map(path.read_bytes()))
    except (OSError, orjson.JSONDecodeError) as exc:
        log.warning("cannot read the price map %s: %s", path, exc)
        return MappingProxyType({})


def _override(dep: Deployment, name: str) -> float | None:
    value = getattr(dep, name, None)
    if value is None and isinstance(dep.model_info, Mapping):
        value = dep.model_info.get(name)
    return _num(value)


def map_names(dep: Deployment) -> list[str]:
    """The names ``dep`` is looked up by in the map, in order (see the module docstring)."""
    names: list[str] = []
    base = dep.model_info.get("base_model") if isinstance(dep.model_info, Mapping) else None
    if isinstance(base, str) and base:
        names.append(base)
    names.append(f"{dep.provider}/{dep.upstream_model}")
    if dep.provider not in SELF_HOSTED:
        names.append(dep.upstream_model)
    return names


def map_prices(dep: Deployment, table: Mapping[str, ModelPrices]) -> ModelPrices | None:
    """The map's prices for ``dep`` (see the module docstring for the lookup order)."""
    for name in map_names(dep):
        found = table.get(name)
        if found is not None:
            return found
    return None


def deployment_prices(dep: Deployment, table: Mapping[str, ModelPrices]) -> ModelPrices | None:
    """Configured prices over the map's; ``None`` when neither prices ``dep``."""
    mapped = map_prices(dep, table)
    names = (
        "input_cost_per_token",
        "output_cost_per_token",
        "cache_read_input_token_cost",
        "cache_creation_input_token_cost",
    )
    inp, out, read, write = (_override(dep, n) for n in names)
    if inp is None and out is None and read is None and write is None:
        return mapped
    base_in = inp if inp is not None else (mapped.input if mapped else 0.0)
    return ModelPrices(
        base_in,
        out if out is not None else (mapped.output if mapped else 0.0),
        read if read is not None else (mapped.cache_read if mapped and inp is None else base_in),
        write if write is not None else (mapped.cache_write if mapped and inp is None else base_in),
    )


def prices_by_deployment(
    deployments: Iterable[Deployment], table: Mapping[str, ModelPrices]
) -> dict[str, ModelPrices]:
    """Prices per deployment id; unpriced deployments are left out."""
    out: dict[str, ModelPrices] = {}
    for dep in deployments:
        prices = deployment_prices(dep, table)
        if prices is not None:
            out[dep.id] = prices
    return out
