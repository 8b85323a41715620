"""A2A task records on the shared state store, with validated transitions.

A record (``a2a:task:<id>``) names the owning agent, the tenant that created it,
the normalised state, the wire version the task was created with, the number of
updates applied and the whole task as it stands (every status and artifact
update applied to it). Each tenant's tasks are listed, newest first, in 64-entry
chunks (``a2a:tasks-of:<tenant>:<n>``) for ListTasks.
Every write is an atomic ``StateStore.update`` that checks the transition
(:func:`~routeiq.a2a.tasks.check_transition`) and sets the TTL, so with the
Redis backend any gateway process reads, updates and cancels any task.

Bounds: the store's TTL removes a record ``ttl`` seconds after its last
update. This process also keeps a heap of ``(deadline, task id)`` for the
records it wrote, which caps them at ``max_tasks`` (the record closest to
expiry is deleted to make room) and is swept incrementally by :meth:`run`, in
batches of ``sweep_batch`` with a checkpoint between batches, so expiring 100k
tasks never holds the loop for long.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import trio

from routeiq.a2a.snapshot import apply_event, placeholder
from routeiq.a2a.tasks import (
    UNKNOWN,
    InvalidTransition,
    TaskUpdate,
    check_transition,
    wire_state,
)
from routeiq.state.base import StateStore

KEY_PREFIX = "a2a:task:"
INDEX_PREFIX = "a2a:tasks-of:"
INDEX_CHUNK = 64


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """One task as the gateway knows it.

    ``tenant``: who created it (the caller's team, else key name; ``""`` with
    auth off); only that tenant reaches it. ``seq`` counts the updates applied,
    so a subscriber that sent this snapshot skips the events already in it."""

    id: str
    agent: str
    state: str
    context_id: str | None
    v03: bool
    snapshot: dict[str, Any] | None
    tenant: str = ""
    seq: int = 0

    def to_bytes(self) -> bytes:
        return orjson.dumps(
            {
                "agent": self.agent,
                "state": self.state,
                "ctx": self.context_id,
                "v03": self.v03,
                "task": self.snapshot,
                "tn": self.tenant,
                "n": self.seq,
            }
        )

    @classmethod
    def from_bytes(cls, task_id: str, raw: bytes) -> TaskRecord:
        d = orjson.loads(raw)
        return cls(
            task_id,
            d["agent"],
            d["state"],
            d["ctx"],
            d["v03"],
            d["task"],
            d.get("tn", ""),
            d.get("n", 0),
        )


def _merge(
    old: TaskRecord | None, agent: str, up: TaskUpdate, v03: bool, tenant: str
) -> TaskRecord:
    """The record after ``up``; raises :class:`InvalidTransition` (pure).

    The snapshot is kept whole: a Task replaces it, a status or artifact event
    is applied to it (:func:`routeiq.a2a.snapshot.apply_event`)."""
    if old is None:
        snapshot = up.snapshot
        if snapshot is None and up.event is not None:
            base = placeholder(up.task_id, up.context_id, v03)
            snapshot = apply_event(base, up.event)
        state = up.state or UNKNOWN
        return TaskRecord(up.task_id, agent, state, up.context_id, v03, snapshot, tenant, 1)
    state = old.state
    if up.state is not None:
        check_transition(old.state, up.state)
        state = up.state
    snapshot = up.snapshot if up.snapshot is not None else old.snapshot
    if up.snapshot is None and up.event is not None:
        base = old.snapshot or placeholder(old.id, old.context_id or up.context_id, old.v03)
        snapshot = apply_event(base, up.event)
    elif up.snapshot is None and old.snapshot is not None and up.state is not None:
        # A bare state change: keep the stored snapshot's state current.
        status = dict(old.snapshot.get("status") or {})
        status["state"] = wire_state(up.state, old.v03)
        snapshot = {**old.snapshot, "status": status}
    return TaskRecord(
        old.id,
        old.agent,
        state,
        old.context_id or up.context_id,
        old.v03,
        snapshot,
        old.tenant,
        old.seq + 1,
    )


class TaskStore:
    """See the module docstring."""

    def __init__(
        self,
        store: StateStore,
        *,
        ttl: float = 3600.0,
        max_tasks: int = 100_000,
        sweep_interval: float = 1.0,
        sweep_batch: int = 256,
        list_cap: int = 1000,
    ) -> None:
        self.store = store
        self.ttl = ttl
        self.max_tasks = max_tasks
        self.sweep_interval = sweep_interval
        self.sweep_batch = sweep_batch
        self.list_cap = list_cap
        self._deadlines: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []
        self.expired = 0
        self.evicted = 0
        self.rejected_transitions = 0

    def __len__(self) -> int:
        """Records this process wrote that have not expired yet."""
        return len(self._deadlines)

    async def get(self, task_id: str) -> TaskRecord | None:
        raw = await self.store.get(KEY_PREFIX + task_id)
        return None if raw is None else TaskRecord.from_bytes(task_id, raw)

    async def apply(self, agent: str, up: TaskUpdate, v03: bool, tenant: str = "") -> TaskRecord:
        """Create or update the record of ``up.task_id`` atomically (``tenant``
        is recorded when the record is created; an update keeps the creator's).

        Raises :class:`InvalidTransition` (and counts it) if the state change is
        not allowed; the stored record is then left as it was."""
        outcome: list[TaskRecord | InvalidTransition] = []

        def fn(raw: bytes | None) -> bytes | None:
            outcome.clear()  # fn may run more than once (CAS retries)
            old = None if raw is None else TaskRecord.from_bytes(up.task_id, raw)
            try:
                new = _merge(old, agent, up, v03, tenant)
            except InvalidTransition as exc:
                outcome.append(exc)
                return raw
            outcome.append(new)
            return new.to_bytes()

        if up.task_id not in self._deadlines:
            await self._make_room()
        await self.store.update(KEY_PREFIX + up.task_id, fn, ttl=self.ttl)
        result = outcome[0]
        if isinstance(result, InvalidTransition):
            self.rejected_transitions += 1
            raise result
        self._track(up.task_id)
        if result.seq == 1:
            await self._index(result)
        return result

    async def _index(self, rec: TaskRecord) -> None:
        """Remember ``rec`` in its tenant's list, which ListTasks reads.

        The list is kept in chunks of :data:`INDEX_CHUNK` entries: the n-th task
        of a tenant (a counter) goes into chunk n // INDEX_CHUNK, so recording a
        task rewrites one small chunk, not the whole list (rewriting a
        1,000-entry list cost 0.7 ms per created task)."""
        key = INDEX_PREFIX + rec.tenant
        # update, not incr: the counter's TTL must move on with every task.
        raw_n = await self.store.update(
            key + ":n", lambda raw: b"%d" % (int(raw or b"0") + 1), ttl=self.ttl
        )
        n = int(raw_n or b"1")
        entry = [rec.id, rec.agent]

        def fn(raw: bytes | None) -> bytes:
            return orjson.dumps([*([] if raw is None else orjson.loads(raw)), entry])

        await self.store.update(f"{key}:{n // INDEX_CHUNK}", fn, ttl=self.ttl)

    async def listed(self, tenant: str) -> list[TaskRecord]:
        """The live records ``tenant`` created (the newest ``list_cap``), newest first."""
        key = INDEX_PREFIX + tenant
        raw_n = await self.store.get(key + ":n")
        if raw_n is None:
            return []
        last = int(raw_n) // INDEX_CHUNK
        first = max(0, last - (self.list_cap + INDEX_CHUNK - 1) // INDEX_CHUNK)
        chunks = await self.store.get_many([f"{key}:{c}" for c in range(last, first - 1, -1)])
        ids: list[str] = []
        for chunk in chunks:
            if chunk is not None:
                ids.extend(e[0] for e in reversed(orjson.loads(chunk)))
        ids = ids[: self.list_cap]
        found = await self.store.get_many([KEY_PREFIX + t for t in ids])
        out = []
        for tid, value in zip(ids, found, strict=True):
            if value is not None:
                rec = TaskRecord.from_bytes(tid, value)
                if rec.tenant == tenant:
                    out.append(rec)
        return out

    def _track(self, task_id: str) -> None:
        deadline = trio.current_time() + self.ttl
        self._deadlines[task_id] = deadline
        heapq.heappush(self._heap, (deadline, task_id))
        if len(self._heap) > 2 * self.max_tasks + 1024:  # stale entries from refreshes
            self._heap = [(d, t) for d, t in self._heap if self._deadlines.get(t) == d]
            heapq.heapify(self._heap)

    async def _make_room(self) -> None:
        while len(self._deadlines) >= self.max_tasks and self._heap:
            deadline, task_id = heapq.heappop(self._heap)
            if self._deadlines.get(task_id) != deadline:
                continue  # stale heap entry
            del self._deadlines[task_id]
            self.evicted += 1
            await self.store.delete(KEY_PREFIX + task_id)

    def expire_due(self, now: float, budget: int) -> int:
        """Forget up to ``budget`` records whose deadline passed (the store's TTL
        removes the data itself); returns how many heap entries were popped."""
        heap = self._heap
        popped = 0
        while popped < budget and heap and heap[0][0] <= now:
            deadline, task_id = heapq.heappop(heap)
            popped += 1
            if self._deadlines.get(task_id) == deadline:
                del self._deadlines[task_id]
                self.expired += 1
        return popped

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """The expiry sweep; start with ``await nursery.start(tasks.run)``."""
        task_status.started()
        while True:
            await trio.sleep(self.sweep_interval)
            while self.expire_due(trio.current_time(), self.sweep_batch) == self.sweep_batch:
                await trio.lowlevel.checkpoint()


class RateLimiter:
    """Fixed one-minute windows per agent, counted in the shared store."""

    def __init__(self, store: StateStore, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    async def check(self, agent: str, rpm: int) -> float | None:
        """``None`` if allowed, else the seconds until the window resets."""
        now = self.clock()
        window = int(now // 60)
        count = await self.store.incr(f"a2a:rate:{agent}:{window}", 1, ttl=61.0)
        if count <= rpm:
            return None
        return (window + 1) * 60 - now
