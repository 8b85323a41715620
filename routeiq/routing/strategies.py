"""Routing strategies: pure choices of one deployment among candidates.

Every strategy has the signature of :class:`ChooseFn`::

    choose(candidates, stats, rng, *, stream=False) -> Deployment

``candidates`` is never empty (the caller has already removed deployments
whose breaker is open); ``stats`` maps a deployment id to its
:class:`DeploymentStats` (a missing entry counts as "nothing known yet");
``rng`` is any object with ``random()`` (seed it in tests). No I/O, no trio:
usage counters from the shared store are read by the caller and passed in
through ``stats``. Ties are broken at random so equal deployments share load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from routeiq.deployment import Deployment


class RandomSource(Protocol):
    """The one method of ``random.Random`` a choice needs."""

    def random(self) -> float: ...


class DeploymentStats:
    """What this instance knows about one deployment (mutated by the executor).

    ``latency``/``ttft`` are exponentially weighted moving averages in seconds
    (``None`` until the first sample); ``price`` is the blended price of one
    input plus one output token (``None``: unknown, priced as free);
    ``rpm_used``/``tpm_used`` are the shared usage counters of the current
    window, filled in by the caller right before a usage-based choice.
    """

    __slots__ = ("in_flight", "latency", "price", "rpm_used", "tpm_used", "ttft")

    def __init__(self, price: float | None = None) -> None:
        self.in_flight = 0
        self.latency: float | None = None
        self.ttft: float | None = None
        self.price = price
        self.rpm_used = 0
        self.tpm_used = 0

    def observe(self, seconds: float, alpha: float, *, ttft: float | None = None) -> None:
        """Fold one successful call into the averages (``ttft`` for streams)."""
        self.latency = (
            seconds if self.latency is None else self.latency + alpha * (seconds - self.latency)
        )
        if ttft is not None:
            self.ttft = ttft if self.ttft is None else self.ttft + alpha * (ttft - self.ttft)


_EMPTY = DeploymentStats()


class ChooseFn(Protocol):
    """A strategy: pick one of ``candidates`` (never empty)."""

    def __call__(
        self,
        candidates: Sequence[Deployment],
        stats: Mapping[str, DeploymentStats],
        rng: RandomSource,
        *,
        stream: bool = False,
    ) -> Deployment: ...


def _pick(ties: list[Deployment], rng: RandomSource) -> Deployment:
    return ties[0] if len(ties) == 1 else ties[int(rng.random() * len(ties))]


def _lowest(
    candidates: Sequence[Deployment],
    scores: list[float],
    rng: RandomSource,
    tolerance: float = 0.0,
) -> Deployment:
    """A random one among the candidates whose score is within ``tolerance``
    (a fraction) of the lowest score."""
    limit = min(scores)
    limit += abs(limit) * tolerance
    return _pick([d for d, s in zip(candidates, scores, strict=True) if s <= limit], rng)


def shuffle_weight(d: Deployment) -> float:
    """The simple-shuffle weight: ``weight`` if set, else ``rpm``, else ``tpm``."""
    if d.weight != 1.0:
        return d.weight
    if d.rpm:
        return float(d.rpm)
    if d.tpm:
        return float(d.tpm)
    return 1.0


def simple_shuffle(
    candidates: Sequence[Deployment],
    stats: Mapping[str, DeploymentStats],
    rng: RandomSource,
    *,
    stream: bool = False,
) -> Deployment:
    """Random, proportional to :func:`shuffle_weight`."""
    if len(candidates) == 1:
        return candidates[0]
    weights = [
        d.weight if d.weight != 1.0 else float(d.rpm or d.tpm or 1.0) for d in candidates
    ]  # shuffle_weight, inlined: this loop is the whole cost at 200 deployments
    x = rng.random() * sum(weights)
    for d, w in zip(candidates, weights, strict=True):
        x -= w
        if x < 0:
            return d
    return candidates[-1]  # x == total after float rounding


def least_busy(
    candidates: Sequence[Deployment],
    stats: Mapping[str, DeploymentStats],
    rng: RandomSource,
    *,
    stream: bool = False,
) -> Deployment:
    """The deployment with the fewest requests in flight from this instance."""
    get = stats.get
    return _lowest(candidates, [get(d.id, _EMPTY).in_flight for d in candidates], rng)


def latency_based(tolerance: float = 0.0) -> ChooseFn:
    """The fastest deployment by moving average (time to first token for a
    stream, when known). Deployments with no sample yet count as 0 s, so each
    is tried once; deployments within ``tolerance`` of the best are equal."""

    def choose(
        candidates: Sequence[Deployment],
        stats: Mapping[str, DeploymentStats],
        rng: RandomSource,
        *,
        stream: bool = False,
    ) -> Deployment:
        get = stats.get
        scores: list[float] = []
        for d in candidates:
            s = get(d.id, _EMPTY)
            value = s.ttft if stream and s.ttft is not None else s.latency
            scores.append(0.0 if value is None else value)
        return _lowest(candidates, scores, rng, tolerance)

    return choose


def cost_based(
    candidates: Sequence[Deployment],
    stats: Mapping[str, DeploymentStats],
    rng: RandomSource,
    *,
    stream: bool = False,
) -> Deployment:
    """The cheapest deployment per token; an unknown price counts as free
    (self-hosted), so with no prices configured all are equal."""

    get = stats.get
    prices = [get(d.id, _EMPTY).price for d in candidates]
    return _lowest(candidates, [0.0 if p is None else p for p in prices], rng)


def usage_based(
    candidates: Sequence[Deployment],
    stats: Mapping[str, DeploymentStats],
    rng: RandomSource,
    *,
    stream: bool = False,
) -> Deployment:
    """The deployment with the lowest tokens used this window (then requests)
    among those under their ``rpm``/``tpm`` limits; if every one is at its
    limit, the one with the lowest utilisation (it is the caller's job to
    answer 429 instead, if that is the policy)."""
    get = stats.get
    under: list[Deployment] = []
    used: list[float] = []
    for d in candidates:
        s = get(d.id, _EMPTY)
        if (d.rpm is None or s.rpm_used < d.rpm) and (d.tpm is None or s.tpm_used < d.tpm):
            under.append(d)
            # tpm dominates; rpm (< 1e6 per window in practice) breaks tpm ties.
            used.append(s.tpm_used * 1e6 + s.rpm_used)
    if under:
        return _lowest(under, used, rng)
    utilisation: list[float] = []
    for d in candidates:
        s = get(d.id, _EMPTY)
        r = s.rpm_used / d.rpm if d.rpm else 0.0
        t = s.tpm_used / d.tpm if d.tpm else 0.0
        utilisation.append(max(r, t))
    return _lowest(candidates, utilisation, rng)


STRATEGIES = ("simple-shuffle", "least-busy", "latency-based", "cost-based", "usage-based")

# LiteLLM's names for the same strategies, so a LiteLLM config loads unchanged.
_ALIASES = {
    "latency-based-routing": "latency-based",
    "cost-based-routing": "cost-based",
    "usage-based-routing": "usage-based",
    "usage-based-routing-v2": "usage-based",
}


def canonical_strategy(name: str) -> str:
    """The strategy's canonical name; ``ValueError`` naming the valid ones."""
    canonical = _ALIASES.get(name, name)
    if canonical not in STRATEGIES:
        raise ValueError(
            f"unknown routing_strategy {name!r}; expected one of {', '.join(STRATEGIES)}"
        )
    return canonical


def make_strategy(name: str, *, latency_tolerance: float = 0.0) -> ChooseFn:
    """The choice function for ``router_settings.routing_strategy``."""
    canonical = canonical_strategy(name)
    if canonical == "least-busy":
        return least_busy
    if canonical == "latency-based":
        return latency_based(latency_tolerance)
    if canonical == "cost-based":
        return cost_based
    if canonical == "usage-based":
        return usage_based
    return simple_shuffle
