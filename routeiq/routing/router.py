"""Choose a deployment for a model group.

The choice itself is a pure function of the group and a random source;
weights come from ``weight`` (or ``rpm`` when no weight was set).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from routeiq.config import Deployment
from routeiq.errors import ModelNotFound


def weighted_choice(group: Sequence[Deployment], rng: random.Random) -> Deployment:
    if len(group) == 1:
        return group[0]
    weights = [d.weight if d.weight != 1.0 or not d.rpm else float(d.rpm) for d in group]
    return rng.choices(group, weights=weights, k=1)[0]


class Router:
    def __init__(self, groups: Mapping[str, Sequence[Deployment]], seed: int | None = None) -> None:
        self.groups = groups
        self._rng = random.Random(seed)

    def group(self, model: str) -> Sequence[Deployment]:
        group = self.groups.get(model)
        if not group:
            raise ModelNotFound(
                f"The model '{model[:256]}' does not exist on this gateway", param="model"
            )
        return group

    def choose(self, model: str) -> Deployment:
        return weighted_choice(self.group(model), self._rng)
