"""Response cost: litellm's price map read once, per-deployment overrides, spend tracking.

Typical wiring (the app)::

    book = PriceBook.load(config.deployments)          # once, at start-up (~30 ms)
    router = Router(..., prices=book.blended())        # cost-based routing
    pricer = book.pricer(dep.id)                       # per attempt; None if unpriced
    cost, header = pricer.header(usage)                # microseconds
    tracker = SpendTracker(store, models=config.groups)
    await nursery.start(tracker.run)
    tracker.record(cost, model=..., key=..., team=...)  # after the response

Modules: ``table`` (the map and overrides), ``cost`` (pricing one usage object,
finding ``usage`` in a body), ``spend`` (accumulation in the state store).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from routeiq.deployment import Deployment
from routeiq.pricing.cost import COST_HEADER, Pricer, cost_of, format_usd, usage_in_body
from routeiq.pricing.spend import SpendTracker, read_spend, spend_key
from routeiq.pricing.table import (
    ModelPrices,
    Tier,
    deployment_prices,
    load_price_map,
    parse_price_map,
    price_map_path,
    prices_by_deployment,
)
from routeiq.pricing.units import Units, load_units, units_by_deployment

__all__ = [
    "COST_HEADER",
    "ModelPrices",
    "PriceBook",
    "Pricer",
    "SpendTracker",
    "Tier",
    "cost_of",
    "deployment_prices",
    "format_usd",
    "load_price_map",
    "parse_price_map",
    "price_map_path",
    "prices_by_deployment",
    "read_spend",
    "spend_key",
    "usage_in_body",
]


class PriceBook:
    """Prices of the configured deployments, resolved once."""

    def __init__(
        self,
        by_deployment: Mapping[str, ModelPrices],
        map_size: int = 0,
        units: Mapping[str, Units] | None = None,
    ) -> None:
        self.by_deployment = dict(by_deployment)
        self.map_size = map_size  # entries read from the price map (0: no map)
        self._pricers = {i: Pricer(p) for i, p in self.by_deployment.items()}
        #: Per deployment, prices per image/character/second/query (``pricing/units.py``).
        self.units: dict[str, Units] = dict(units or {})

    @classmethod
    def load(cls, deployments: Iterable[Deployment], path: Path | None = None) -> PriceBook:
        """Read the price map (litellm's, unless ``path``) and resolve ``deployments``."""
        table = load_price_map(path)
        deployments = list(deployments)
        units = units_by_deployment(deployments, load_units(path))
        return cls(prices_by_deployment(deployments, table), len(table), units)

    def pricer(self, deployment_id: str) -> Pricer | None:
        """The bound pricer of a deployment (``None``: no price known)."""
        return self._pricers.get(deployment_id)

    def blended(self) -> dict[str, float | None]:
        """Price of one input plus one output token per deployment (cost-based routing)."""
        return {i: p.blended for i, p in self.by_deployment.items()}
