"""The semantic tier's in-memory core: entries with TTL, one vector index per scope.

A scope is ``(namespace, model group, params fingerprint)``. Keying the index by the
fingerprint too means every candidate in an index already has equal
answer-determining parameters (and system prompt and history, see
``routeiq.cache.keys``), so the single nearest neighbour is the answer and no
candidate is ever filtered out after the search. Tenants never share an index.

Entries live in an ``LRUCache`` (size cap, TTL, least recently *hit* evicted first);
its ``on_drop`` hook removes the vector from its index, so an expired or evicted
entry can never be returned. Empty indexes are dropped, so the number of indexes
is bounded by the number of entries.

No I/O and no trio: the gateway calls ``lookup`` / ``store`` on the trio thread
(each a single-vector index operation) and runs ``maintenance`` in the background
for TTL sweeps and index rebuilds. Persistence (Redis) is wired by the caller.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy.typing as npt

from routeiq.cache.exact import unit
from routeiq.cache.index import IndexConfig, VectorIndex
from routeiq.cache.lru import LRUCache

__all__ = ["DEFAULT_THRESHOLD", "Partition", "SemanticHit", "SemanticStats", "SemanticStore"]

V = TypeVar("V")
Partition = tuple[str, str, str]  # (namespace, model group, params fingerprint)

#: Cosine similarity a semantic hit needs. Measured with all-MiniLM-L6-v2:
#: "What is 2+2?" vs "What is 2+3?" 0.888, "...capital of France?" vs "Which city
#: is the capital of France?" 0.942, "How do I reset my router?" vs "How can I
#: reset my router?" 0.996.
DEFAULT_THRESHOLD = 0.95


@dataclass(frozen=True, slots=True)
class SemanticHit(Generic[V]):
    entry_id: str
    similarity: float
    value: V


@dataclass(slots=True)
class _Entry(Generic[V]):
    scope: Partition
    value: V


@dataclass(slots=True)
class SemanticStats:
    lookups: int = 0
    hits: int = 0
    below_threshold: int = 0  # a neighbour was found but was not similar enough
    stores: int = 0
    #: Candidates above the threshold that the ``accept`` check turned down, by reason.
    rejected: Counter[str] = field(default_factory=Counter)


class SemanticStore(Generic[V]):
    """Bounded, expiring store of (vector, value) entries searched by cosine similarity."""

    def __init__(
        self,
        *,
        now: Callable[[], float],
        threshold: float = DEFAULT_THRESHOLD,
        max_entries: int = 100_000,
        ttl: float = 3600.0,
        index_config: IndexConfig | None = None,
    ) -> None:
        self.threshold = threshold
        self.index_config = index_config or IndexConfig()
        self.stats = SemanticStats()
        self._entries: LRUCache[str, _Entry[V]] = LRUCache(
            max_entries, ttl, now=now, on_drop=self._on_drop
        )
        self._indexes: dict[Partition, VectorIndex] = {}
        self._rebuild_wanted: set[Partition] = set()

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(
        self,
        namespace: str,
        model_group: str,
        fingerprint: str,
        vector: npt.ArrayLike,
        *,
        threshold: float | None = None,
        accept: Callable[[V], str | None] | None = None,
        k: int = 1,
    ) -> SemanticHit[V] | None:
        """The most similar live entry of the scope at or above the threshold.

        With ``accept``, each of the ``k`` nearest candidates above the threshold is
        offered to it in order of similarity; it returns None to take the candidate
        or the reason it refuses it (counted in ``stats.rejected``), and the first
        one taken is the hit.
        """
        self.stats.lookups += 1
        threshold = self.threshold if threshold is None else threshold
        partition = (namespace, model_group, fingerprint)
        # Two tries: the nearest may have expired un-swept; reading it drops it.
        for _ in range(2):
            index = self._indexes.get(partition)
            if index is None:
                return None
            found = index.search(vector, k=k)
            if not found:
                return None
            if found[0][1] < threshold:
                self.stats.below_threshold += 1
                return None
            expired = False
            for entry_id, similarity in found:
                if similarity < threshold:
                    break
                entry = self._entries.get(str(entry_id))
                if entry is None:
                    expired = True
                    continue
                reason = accept(entry.value) if accept is not None else None
                if reason is not None:
                    self.stats.rejected[reason] += 1
                    continue
                self.stats.hits += 1
                return SemanticHit(str(entry_id), similarity, entry.value)
            if not expired:
                return None
        return None

    def store(
        self,
        entry_id: str,
        namespace: str,
        model_group: str,
        fingerprint: str,
        vector: npt.ArrayLike,
        value: V,
        *,
        ttl: float | None = None,
    ) -> None:
        """Add or replace ``entry_id`` (e.g. the exact key) for ``ttl`` seconds."""
        v = unit(vector, self.index_config.dim)  # a bad vector raises before any change
        self.remove(entry_id)
        if ttl is not None and ttl <= 0:
            return
        partition = (namespace, model_group, fingerprint)
        index = self._indexes.get(partition)
        if index is None:
            index = self._indexes[partition] = VectorIndex(self.index_config)
        index.add(entry_id, v)
        self.stats.stores += 1
        self._entries.set(entry_id, _Entry(partition, value), ttl)  # may evict others
        self._note(partition, index)

    def remove(self, entry_id: str) -> bool:
        """Delete ``entry_id`` and its vector; ``False`` if it was not live."""
        entry = self._entries.pop(entry_id)
        if entry is None:
            return False
        self._unindex(entry_id, entry.scope)
        return True

    def flush(self, namespace: str | None = None, model_group: str | None = None) -> int:
        """Delete every entry of a namespace and/or model group (both ``None``: all).

        O(entries) Python work: an admin operation, not for the request path.
        """

        def matches(partition: Partition) -> bool:
            return (namespace is None or partition[0] == namespace) and (
                model_group is None or partition[1] == model_group
            )

        for partition in [s for s in self._indexes if matches(s)]:
            del self._indexes[partition]  # a rebuild still running on it finishes detached
            self._rebuild_wanted.discard(partition)
        doomed = [key for key, entry in self._entries.items() if matches(entry.scope)]
        for key in doomed:
            self._entries.pop(key)
        return len(doomed)

    def expire(self, limit: int | None = None) -> int:
        """Drop up to ``limit`` expired entries (and their vectors) now."""
        return self._entries.expire(limit)

    def next_deadline(self) -> float | None:
        return self._entries.next_deadline()

    def index(self, partition: Partition) -> VectorIndex | None:
        return self._indexes.get(partition)

    def take_rebuilds(self) -> list[tuple[Partition, VectorIndex]]:
        """Indexes that want a rebuild (see ``VectorIndex``), each handed out once."""
        wanted = [(s, self._indexes[s]) for s in self._rebuild_wanted if s in self._indexes]
        self._rebuild_wanted.clear()
        return [(s, i) for s, i in wanted if i.needs_rebuild()]

    def rebuild_done(self, partition: Partition) -> None:
        """Called after a rebuild of ``scope`` ends: drop it if empty, else re-check."""
        index = self._indexes.get(partition)
        if index is not None and not index.rebuilding:
            if len(index) == 0:
                del self._indexes[partition]
            else:
                self._note(partition, index)

    def summary(self) -> dict[str, int]:
        kinds = [i.kind for i in self._indexes.values()]
        return {
            "entries": len(self._entries),
            "indexes": len(kinds),
            "hnsw_indexes": kinds.count("hnsw"),
            "largest_index": max((len(i) for i in self._indexes.values()), default=0),
            "lookups": self.stats.lookups,
            "hits": self.stats.hits,
            "stores": self.stats.stores,
            "evictions": self._entries.stats.evictions,
            "expirations": self._entries.stats.expirations,
        }

    def _on_drop(self, entry_id: str, entry: _Entry[V]) -> None:
        self._unindex(entry_id, entry.scope)

    def _unindex(self, entry_id: str, partition: Partition) -> None:
        index = self._indexes.get(partition)
        if index is None:
            return
        index.remove(entry_id)
        if len(index) == 0 and not index.rebuilding:
            del self._indexes[partition]
            self._rebuild_wanted.discard(partition)
        else:
            self._note(partition, index)

    def _note(self, partition: Partition, index: VectorIndex) -> None:
        if index.needs_rebuild():
            self._rebuild_wanted.add(partition)
