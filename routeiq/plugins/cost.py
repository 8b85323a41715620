"""Cost of an answered call, from the usage the upstream reported (pure).

Prices per token come from the deployment's ``input_cost_per_token`` /
``output_cost_per_token`` (``litellm_params``, else ``model_info``), as the
cost-based router reads them. ``SpendLedger`` adds up spend per (model, key,
team); its keys come from the config (model groups, key names, teams), and
it is capped anyway: past ``max_entries`` new combinations are added to one
``("other", None, None)`` entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from routeiq.config import Deployment

Prices = tuple[float, float]  # USD per input token, per output token


def token_prices(dep: Deployment) -> Prices | None:
    """The deployment's prices, or None when it has none."""
    found: list[float | None] = []
    for name in ("input_cost_per_token", "output_cost_per_token"):
        value = getattr(dep, name, None)
        if value is None and isinstance(dep.model_info, Mapping):
            raw = dep.model_info.get(name)
            value = float(raw) if isinstance(raw, int | float) else None
        found.append(value)
    if found[0] is None and found[1] is None:
        return None
    return (found[0] or 0.0, found[1] or 0.0)


def price_table(deployments: Iterable[Deployment]) -> dict[str, Prices]:
    """Prices by deployment id (deployments without prices are left out)."""
    table = {}
    for dep in deployments:
        prices = token_prices(dep)
        if prices is not None:
            table[dep.id] = prices
    return table


def cost_of(usage: Mapping[str, Any] | None, prices: Prices | None) -> float | None:
    """USD for ``usage`` (``prompt_tokens``, ``completion_tokens``) at ``prices``."""
    if usage is None or prices is None:
        return None
    prompt = usage.get("prompt_tokens")
    completion = usage.get("completion_tokens")
    if not isinstance(prompt, int) and not isinstance(completion, int):
        return None
    p = prompt if isinstance(prompt, int) and prompt > 0 else 0
    c = completion if isinstance(completion, int) and completion > 0 else 0
    return p * prices[0] + c * prices[1]


class SpendLedger:
    """USD spent per (model, key, team), bounded."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self.spend: dict[tuple[str, str | None, str | None], float] = {}

    def add(self, model: str, key: str | None, team: str | None, usd: float) -> None:
        slot = (model, key, team)
        if slot not in self.spend and len(self.spend) >= self.max_entries:
            slot = ("other", None, None)
        self.spend[slot] = self.spend.get(slot, 0.0) + usd
