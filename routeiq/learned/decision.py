"""The decision rule: maximise predicted quality minus cost_weight x expected cost.

Pure and tiny; it runs on the event loop for every routed request. ``rank`` orders
every candidate by its score (best first), with the ones that cannot be used right
now (breaker open, or no deployment) after all the usable ones, so the caller tries
them in order: the first is the choice, the rest are the next-best fallbacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Decision", "mixed_weight", "rank", "scores"]

F32 = npt.NDArray[np.float32]


def scores(quality: F32, cost: F32, cost_weight: float) -> F32:
    """Utility of each candidate (works on (M,) and (n, M))."""
    out: F32 = (quality - np.float32(cost_weight) * cost).astype(np.float32)
    return out


@dataclass(frozen=True, slots=True)
class Decision:
    order: tuple[int, ...]  # candidate positions, best first (unavailable ones last)
    quality: F32  # predicted quality per candidate
    cost: F32  # expected USD per candidate
    cost_weight: float
    skipped: tuple[int, ...] = ()  # better-scored candidates passed over (unavailable)

    @property
    def choice(self) -> int:
        return self.order[0]


def rank(
    quality: F32, cost: F32, cost_weight: float, available: Sequence[bool] | None = None
) -> Decision:
    """Order candidates by ``quality - cost_weight * cost``; ties go to the cheaper."""
    s = scores(quality, cost, cost_weight)
    # lexsort: last key is primary -> by score desc, then cost asc, then position.
    order = [int(i) for i in np.lexsort((np.arange(len(s)), cost, -s))]
    if available is None or all(available):
        return Decision(tuple(order), quality, cost, cost_weight)
    usable = [i for i in order if available[i]]
    skipped = tuple(i for i in order[: order.index(usable[0])]) if usable else tuple(order)
    rest = [i for i in order if not available[i]]
    return Decision(tuple(usable + rest), quality, cost, cost_weight, skipped)


def mixed_weight(
    cost_weight: float, mix: tuple[float, float] | None, draw: float
) -> tuple[float, bool]:
    """(the cost weight for this request, whether it is the mixed-in one).

    ``mix`` is (other cost weight, share): a request whose uniform ``draw`` in [0, 1)
    falls under ``share`` uses the other weight. Over many requests the route runs a
    randomised mixture of two operating points, whose expected cost and quality lie on
    the straight line between them: a budget between two points of a router's curve
    (e.g. "25 % of the best model's cost") is reached exactly, at the quality of the
    curve's upper hull rather than of the cheaper point.
    """
    if mix is None or draw >= mix[1]:
        return cost_weight, False
    return mix[0], True
