"""The embedded state backend: one process, zero setup, bounded.

Concurrency: trio runs one task at a time and no method here awaits inside a
read-modify-write, so no lock is needed anywhere. The data methods are
``async def`` for protocol compatibility but never suspend (no checkpoint): a
call costs microseconds and cannot be cancelled half-way.

Bounds:
- at most ``max_keys`` keys; writing a new key into a full store first expires
  up to ``expire_per_op`` due keys, then, if still full, evicts the key WRITTEN
  LEAST RECENTLY (every write moves its key to the young end; reads do not).
- expiry is driven by a heap of ``(deadline, key)``. Reads treat a due key as
  absent and drop it; writes pop at most ``expire_per_op`` due heap entries; the
  background :meth:`MemoryStore.run` pops due entries in batches of
  ``sweep_batch`` and checkpoints between batches. Nothing scans the whole map.

The heap holds at most one live entry per key: re-setting a key with a LATER
deadline pushes nothing (the earlier heap entry, when due, is re-pushed with the
key's current deadline), so refreshing the TTL of a hot key does not grow the
heap. Entries made stale by deletes, evictions or shortened TTLs are skipped
when popped; if they ever outnumber ``max_keys`` the heap is filtered once
(O(heap), amortised O(1) per write).
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import trio
import trio.lowlevel

from routeiq.state.base import Health, UpdateFn, check_ttl
from routeiq.state.broker import Broker, LocalSubscription


class _Entry:
    __slots__ = ("deadline", "scheduled", "value")

    def __init__(self, value: bytes, deadline: float | None) -> None:
        self.value = value
        self.deadline = deadline
        # Deadline of this key's live heap entry, if any (see module docstring).
        self.scheduled: float | None = None


@dataclass(slots=True)
class MemoryStats:
    """Counters for telemetry: keys removed by TTL and by the size bound."""

    expired: int = 0
    evicted: int = 0


class MemoryStore:
    """In-process :class:`~routeiq.state.base.StateStore` (see module docstring)."""

    def __init__(
        self,
        *,
        max_keys: int = 100_000,
        sweep_interval: float = 1.0,
        sweep_batch: int = 64,
        expire_per_op: int = 8,
        subscriber_buffer: int = 256,
    ) -> None:
        if max_keys <= 0:
            raise ValueError("max_keys must be > 0")
        self._max_keys = max_keys
        self._sweep_interval = sweep_interval
        self._sweep_batch = sweep_batch
        self._expire_per_op = expire_per_op
        self._data: OrderedDict[str, _Entry] = OrderedDict()
        self._heap: list[tuple[float, str]] = []
        self._heap_limit = 2 * max_keys + 1024
        self._broker = Broker(subscriber_buffer)
        self.stats = MemoryStats()

    name = "memory"

    @property
    def health(self) -> Health:
        return "up"

    @property
    def broker(self) -> Broker:
        """The local pub/sub broker (the Redis backend reuses it while down)."""
        return self._broker

    def __len__(self) -> int:
        """Keys held, including due keys not yet swept."""
        return len(self._data)

    def clear(self) -> None:
        """Drop every key (pub/sub subscribers are kept)."""
        self._data.clear()
        self._heap.clear()

    # -- reads ---------------------------------------------------------------

    def _live(self, key: str, now: float) -> _Entry | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        deadline = entry.deadline
        if deadline is not None and deadline <= now:
            del self._data[key]
            self.stats.expired += 1
            return None
        return entry

    async def get(self, key: str) -> bytes | None:
        entry = self._live(key, trio.current_time())
        return None if entry is None else entry.value

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        now = trio.current_time()
        out: list[bytes | None] = []
        for key in keys:
            entry = self._live(key, now)
            out.append(None if entry is None else entry.value)
        return out

    async def ping(self) -> bool:
        return True

    # -- writes --------------------------------------------------------------

    def _write(self, key: str, value: bytes, deadline: float | None, now: float) -> _Entry:
        # orjson returns small bytes objects that keep a ~4 KiB allocation
        # (measured: 4,000 stored affinity records held 16 MB); a long-lived
        # value gets an exact-size copy, which costs well under a microsecond.
        if len(value) < 2048:
            value = memoryview(value).tobytes()
        self.expire_due(now, self._expire_per_op)
        entry = self._data.get(key)
        if entry is None:
            if len(self._data) >= self._max_keys:
                self._data.popitem(last=False)
                self.stats.evicted += 1
            entry = _Entry(value, deadline)
            self._data[key] = entry
        else:
            entry.value = value
            entry.deadline = deadline
            self._data.move_to_end(key)
        self._schedule(key, entry)
        return entry

    def _schedule(self, key: str, entry: _Entry) -> None:
        deadline = entry.deadline
        if deadline is None:
            return
        if entry.scheduled is not None and entry.scheduled <= deadline:
            return  # the earlier heap entry will re-push the later deadline
        entry.scheduled = deadline
        heapq.heappush(self._heap, (deadline, key))
        if len(self._heap) > self._heap_limit:
            self._compact_heap()

    def _compact_heap(self) -> None:
        data = self._data
        live = []
        for deadline, key in self._heap:
            entry = data.get(key)
            if entry is not None and entry.scheduled == deadline:
                live.append((deadline, key))
        heapq.heapify(live)
        self._heap = live

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        check_ttl(ttl)
        now = trio.current_time()
        self._write(key, value, None if ttl is None else now + ttl, now)

    async def delete(self, key: str) -> bool:
        entry = self._live(key, trio.current_time())
        if entry is None:
            return False
        del self._data[key]
        return True

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        check_ttl(ttl)
        now = trio.current_time()
        entry = self._live(key, now)
        if entry is None:
            current, deadline = 0, None
        else:
            try:
                current = int(entry.value)
            except ValueError:
                raise ValueError(f"value at {key!r} is not an integer") from None
            deadline = entry.deadline
        if deadline is None and ttl is not None:
            deadline = now + ttl  # like Redis PEXPIRE NX: only a key without expiry
        total = current + amount
        self._write(key, b"%d" % total, deadline, now)
        return total

    async def update(self, key: str, fn: UpdateFn, ttl: float | None = None) -> bytes | None:
        check_ttl(ttl)
        now = trio.current_time()
        entry = self._live(key, now)
        new = fn(None if entry is None else entry.value)
        if new is None:
            if entry is not None:
                del self._data[key]
            return None
        self._write(key, new, None if ttl is None else now + ttl, now)
        return new

    # -- expiry ----------------------------------------------------------------

    def expire_due(self, now: float, limit: int) -> int:
        """Pop at most ``limit`` due heap entries, deleting keys whose deadline
        passed; returns how many entries were popped (``limit`` means maybe more)."""
        heap = self._heap
        data = self._data
        popped = 0
        while popped < limit and heap and heap[0][0] <= now:
            scheduled, key = heapq.heappop(heap)
            popped += 1
            entry = data.get(key)
            if entry is None or entry.scheduled != scheduled:
                continue  # stale: key deleted, evicted or rescheduled earlier
            entry.scheduled = None
            deadline = entry.deadline
            if deadline is None:
                continue  # persisted by a later set without ttl
            if deadline <= now:
                del data[key]
                self.stats.expired += 1
            else:
                entry.scheduled = deadline
                heapq.heappush(heap, (deadline, key))
        return popped

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Sweep due keys every ``sweep_interval`` seconds, ``sweep_batch`` heap
        entries at a time with a checkpoint between batches, until cancelled."""
        task_status.started()
        while True:
            await trio.sleep(self._sweep_interval)
            await self._sweep()

    async def _sweep(self) -> None:
        while True:
            if self.expire_due(trio.current_time(), self._sweep_batch) < self._sweep_batch:
                return  # nothing more is due
            await trio.lowlevel.checkpoint()  # let requests run between batches

    # -- pub/sub -----------------------------------------------------------------

    async def publish(self, channel: str, message: bytes) -> None:
        self._broker.publish(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[LocalSubscription]:
        async with self._broker.subscribe(channel) as sub:
            yield sub
