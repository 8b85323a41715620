"""The cache's counters, and their export as OpenTelemetry observables.

Plain aggregates updated on the request path (a dict increment and a bisect;
OTel's synchronous instruments cost ~100 us a request here, see
``routeiq.telemetry.requests``), read by observable callbacks at scrape time.
Label sets are bounded: four outcomes, three tiers, a handful of reasons, batch
sizes up to the embedder's ``max_batch``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from opentelemetry.metrics import CallbackOptions, Observation

if TYPE_CHECKING:
    from routeiq.cache.embedder import Embedder

__all__ = ["LOOKUP_BUCKETS", "OUTCOMES", "TIERS", "CacheStats", "LatencyHistogram", "bind"]

OUTCOMES = ("hit-exact", "hit-semantic", "miss", "bypass")
TIERS = ("l1", "l2", "semantic")
#: Lookup latency bounds in seconds (Prometheus ``le``); the last bucket is +Inf.
LOOKUP_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25)


class LatencyHistogram:
    __slots__ = ("count", "counts", "sum")

    def __init__(self) -> None:
        self.counts = [0] * (len(LOOKUP_BUCKETS) + 1)
        self.sum = 0.0
        self.count = 0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(LOOKUP_BUCKETS, seconds)] += 1
        self.sum += seconds
        self.count += 1

    def cumulative(self) -> list[tuple[str, int]]:
        out, total = [], 0
        for bound, n in zip((*LOOKUP_BUCKETS, float("inf")), self.counts, strict=True):
            total += n
            out.append(("+Inf" if bound == float("inf") else repr(bound), total))
        return out


@dataclass(slots=True)
class CacheStats:
    """Counters since start (see the module docstring)."""

    outcomes: Counter[str] = field(default_factory=Counter)
    tier_lookups: Counter[str] = field(default_factory=Counter)
    tier_hits: Counter[str] = field(default_factory=Counter)
    #: Why the semantic tier was skipped: not-ready, busy, closed, failed, no-text.
    semantic_skipped: Counter[str] = field(default_factory=Counter)
    #: Why an answer was not stored: incomplete, too-large, dropped (too many pending).
    store_skipped: Counter[str] = field(default_factory=Counter)
    stores: int = 0
    latency: dict[str, LatencyHistogram] = field(
        default_factory=lambda: {o: LatencyHistogram() for o in OUTCOMES if o != "bypass"}
    )

    def tiers(self) -> dict[str, dict[str, float]]:
        out = {}
        for tier in TIERS:
            lookups, hits = self.tier_lookups[tier], self.tier_hits[tier]
            out[tier] = {
                "lookups": lookups,
                "hits": hits,
                "hit_ratio": round(hits / lookups, 4) if lookups else 0.0,
            }
        return out


class CacheService(Protocol):
    """What the observables read at scrape time (``service.CacheService`` has it); a
    Protocol here so that this module does not import the one that binds it."""

    @property
    def stats(self) -> CacheStats: ...
    @property
    def embedder(self) -> Embedder | None: ...
    def sizes(self) -> dict[str, int]: ...


def bind(service: CacheService, meter: Any) -> None:
    """Register the cache's observables on ``meter``."""
    stats = service.stats

    def outcomes(options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(stats.outcomes[o], {"outcome": o}) for o in OUTCOMES]

    def tiers(options: CallbackOptions) -> Iterable[Observation]:
        return [
            Observation(n, {"tier": t, "result": r})
            for t in TIERS
            for r, n in (
                ("hit", stats.tier_hits[t]),
                ("miss", stats.tier_lookups[t] - stats.tier_hits[t]),
            )
        ]

    def batches(options: CallbackOptions) -> Iterable[Observation]:
        embedder = service.embedder
        if embedder is None:
            return []
        sizes = embedder.stats.batch_sizes
        return [Observation(n, {"size": str(size)}) for size, n in enumerate(sizes) if n]

    def entries(options: CallbackOptions) -> Iterable[Observation]:
        s = service.sizes()
        return [Observation(v, {"what": k}) for k, v in s.items()]

    def skipped(options: CallbackOptions) -> Iterable[Observation]:
        return [
            *(
                Observation(n, {"tier": "semantic", "reason": r})
                for r, n in stats.semantic_skipped.items()
            ),
            *(
                Observation(n, {"tier": "store", "reason": r})
                for r, n in stats.store_skipped.items()
            ),
        ]

    meter.create_observable_counter(
        "routeiq.cache.requests",
        callbacks=[outcomes],
        description="Chat requests by cache outcome (x-routeiq-cache).",
    )
    meter.create_observable_counter(
        "routeiq.cache.lookups",
        callbacks=[tiers],
        description="Cache tier lookups by tier and result.",
    )
    meter.create_observable_counter(
        "routeiq.cache.embedding.batches",
        callbacks=[batches],
        description="Embedding encodes by batch size (texts per encode).",
    )
    meter.create_observable_gauge(
        "routeiq.cache.size",
        callbacks=[entries],
        description="Cache sizes: L1 and semantic entries, indexes, embedding queue depth.",
    )
    meter.create_observable_counter(
        "routeiq.cache.skipped",
        callbacks=[skipped],
        description="Semantic lookups skipped and answers not stored, by reason.",
    )


def prometheus_lookup_histogram(stats: CacheStats) -> str:
    """``routeiq_cache_lookup_seconds`` by outcome, as one Prometheus histogram
    (OpenTelemetry has no observable histogram, so it is rendered here)."""
    name = "routeiq_cache_lookup_seconds"
    out = [f"# HELP {name} Cache lookup latency by outcome.", f"# TYPE {name} histogram"]
    for outcome, h in stats.latency.items():
        for le, n in h.cumulative():
            out.append(f'{name}_bucket{{outcome="{outcome}",le="{le}"}} {n}')
        out.append(f'{name}_sum{{outcome="{outcome}"}} {h.sum}')
        out.append(f'{name}_count{{outcome="{outcome}"}} {h.count}')
    return "\n".join(out) + "\n"
