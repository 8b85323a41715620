"""A bounded in-process LRU with per-entry TTL (the cache's L1 tier).

Trio runs everything on one thread and nothing here awaits, so there are no locks.
Time comes from an injected clock (``trio.current_time`` in the gateway, anything
monotonic in tests), so TTL behaviour is tested on trio's autojump clock.

Expiry is a min-heap of ``(deadline, seq, key)``. Every ``get``/``set`` first pops at
most ``sweep_limit`` due entries from the heap top, so the work per call is bounded
and no call ever scans the map. ``get`` also checks the entry's own deadline, so an
expired value is never returned even if the sweep has not reached it yet. Heap
records of overwritten, popped or evicted entries go stale (their ``seq`` no longer
matches); when stale records outnumber live entries the heap is rebuilt once, an
O(n) step whose cost is amortised over the n operations that made the records stale.
"""

from __future__ import annotations

import heapq
import itertools
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["LRUCache", "LRUStats"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(slots=True)
class _Entry(Generic[V]):
    value: V
    deadline: float
    seq: int


@dataclass(slots=True)
class LRUStats:
    """Counters since creation."""

    hits: int = 0
    misses: int = 0
    evictions: int = 0  # dropped to respect max_entries
    expirations: int = 0  # dropped because their TTL passed


class LRUCache(Generic[K, V]):
    """Map with a size cap (least recently used dropped first) and a TTL per entry.

    ``on_drop(key, value)`` is called for every entry that leaves by eviction or
    expiry (not for ``pop`` of a live entry, ``clear`` or an overwrite, whose caller
    already knows):
    the semantic tier uses it to delete the entry's vector from its index. The
    callback must not call back into this cache.
    """

    def __init__(
        self,
        max_entries: int,
        ttl: float,
        *,
        now: Callable[[], float],
        sweep_limit: int = 8,
        on_drop: Callable[[K, V], None] | None = None,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be >= 1")
        if ttl <= 0:
            raise ValueError("ttl must be > 0")
        self.max_entries = max_entries
        self.ttl = ttl
        self.stats = LRUStats()
        self._now = now
        self._sweep_limit = sweep_limit
        self._on_drop = on_drop
        self._data: OrderedDict[K, _Entry[V]] = OrderedDict()
        self._heap: list[tuple[float, int, K]] = []
        self._seq = itertools.count()

    def __len__(self) -> int:
        """Entries held, including expired ones the sweep has not reached yet."""
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        entry = self._data.get(key)  # type: ignore[arg-type]
        return entry is not None and entry.deadline > self._now()

    def get(self, key: K) -> V | None:
        """The live value for ``key`` (marking it most recently used), else ``None``."""
        now = self._now()
        self._sweep(now, self._sweep_limit)
        entry = self._data.get(key)
        if entry is None:
            self.stats.misses += 1
            return None
        if entry.deadline <= now:
            self._drop(key, entry, expired=True)
            self.stats.misses += 1
            return None
        self._data.move_to_end(key)
        self.stats.hits += 1
        return entry.value

    def set(self, key: K, value: V, ttl: float | None = None) -> None:
        """Store ``value`` for ``ttl`` seconds (default: the cache's TTL)."""
        now = self._now()
        self._sweep(now, self._sweep_limit)
        ttl = self.ttl if ttl is None else ttl
        if ttl <= 0:
            self.pop(key)
            return
        seq = next(self._seq)
        deadline = now + ttl
        self._data[key] = _Entry(value, deadline, seq)
        self._data.move_to_end(key)
        heapq.heappush(self._heap, (deadline, seq, key))
        while len(self._data) > self.max_entries:
            old_key, old = next(iter(self._data.items()))
            self._drop(old_key, old, expired=False)
        self._maybe_compact_heap()

    def pop(self, key: K) -> V | None:
        """Remove ``key`` and return its value if it was live.

        A live entry leaves without an ``on_drop`` call (the caller has the value);
        an expired one counts as an expiry, ``on_drop`` included, and gives ``None``.
        """
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry.deadline <= self._now():
            self._drop(key, entry, expired=True)
            return None
        del self._data[key]
        return entry.value

    def items(self) -> list[tuple[K, V]]:
        """A snapshot of live and not-yet-swept entries, least recent first. O(n):
        for admin operations, not the request path."""
        return [(k, e.value) for k, e in self._data.items()]

    def clear(self) -> None:
        self._data.clear()
        self._heap.clear()

    def expire(self, limit: int | None = None) -> int:
        """Drop up to ``limit`` (default: all) due entries now; return how many.

        For a periodic background sweep, so idle entries leave even with no traffic.
        """
        return self._sweep(self._now(), limit)

    def next_deadline(self) -> float | None:
        """The earliest deadline still in the heap (possibly stale), for sleeping."""
        return self._heap[0][0] if self._heap else None

    def ttl_left(self, key: K) -> float | None:
        """Seconds until ``key`` expires, ``None`` if absent or expired."""
        entry = self._data.get(key)
        if entry is None:
            return None
        left = entry.deadline - self._now()
        return left if left > 0 else None

    def _sweep(self, now: float, limit: int | None) -> int:
        # ``limit`` bounds heap pops (the work), stale records included.
        dropped = popped = 0
        heap = self._heap
        while heap and heap[0][0] <= now and (limit is None or popped < limit):
            _, seq, key = heapq.heappop(heap)
            popped += 1
            entry = self._data.get(key)
            if entry is not None and entry.seq == seq:
                self._drop(key, entry, expired=True)
                dropped += 1
        return dropped

    def _drop(self, key: K, entry: _Entry[V], *, expired: bool) -> None:
        del self._data[key]
        if expired:
            self.stats.expirations += 1
        else:
            self.stats.evictions += 1
        if self._on_drop is not None:
            self._on_drop(key, entry.value)

    def _maybe_compact_heap(self) -> None:
        if len(self._heap) > 2 * len(self._data) + 64:
            self._heap = [(e.deadline, e.seq, k) for k, e in self._data.items()]
            heapq.heapify(self._heap)
