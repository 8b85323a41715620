"""The store protocol every state backend implements.

Values are opaque ``bytes`` (callers serialise with orjson); keys are ``str``.
Both backends pass one shared test suite (``tests/state/test_store.py``), so a
caller may rely on every behaviour documented here whichever backend runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Literal, Protocol, runtime_checkable

import trio

Health = Literal["up", "degraded", "down"]
"""``up``: the backend serves from its primary storage. ``down``: the primary
(Redis) is unreachable and operations are served from the local fallback.
``degraded`` is reserved for a backend that serves with reduced guarantees;
neither current backend reports it."""

UpdateFn = Callable[[bytes | None], bytes | None]
"""A pure function from the current value (``None`` if absent) to the new value
(``None`` deletes the key). It may be called more than once per update (the
Redis backend retries on conflict), so it must not have side effects."""


class StateConflictError(RuntimeError):
    """An ``update`` lost the compare-and-set race to other writers too many
    times in a row (Redis backend; contention, not an outage)."""


def check_ttl(ttl: float | None) -> None:
    """Reject a non-positive TTL the same way on every backend."""
    if ttl is not None and not ttl > 0:
        raise ValueError(f"ttl must be > 0 seconds or None, got {ttl!r}")


@runtime_checkable
class Subscription(Protocol):
    """What ``StateStore.subscribe`` yields: an async iterator of message payloads."""

    dropped: int
    """Messages discarded because this subscriber's bounded buffer was full."""

    def __aiter__(self) -> AsyncIterator[bytes]: ...

    async def __anext__(self) -> bytes: ...


@runtime_checkable
class StateStore(Protocol):
    """Shared key/value state with TTLs, counters, atomic updates and pub/sub.

    All methods may be called concurrently from any number of tasks. None of them
    raises because the backing service is unavailable: the Redis backend serves
    from a local fallback instead (see ``health``).
    """

    @property
    def name(self) -> str:
        """``"memory"`` or ``"redis"``."""
        ...

    @property
    def health(self) -> Health:
        """Current health; see :data:`Health`."""
        ...

    async def get(self, key: str) -> bytes | None:
        """The value of ``key``, or ``None`` if absent or expired."""
        ...

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values of ``keys`` in order, ``None`` for each absent one."""
        ...

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        """Store ``value``; it expires after ``ttl`` seconds (``None``: never)."""
        ...

    async def delete(self, key: str) -> bool:
        """Remove ``key``; ``True`` if it existed."""
        ...

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Add ``amount`` to the integer counter at ``key`` (absent counts as 0)
        and return the new value. ``ttl`` is applied only if the key has no
        expiry yet (in practice: when the counter is created), so a fixed
        rate-limit window is not extended by later increments. Raises
        ``ValueError`` if the stored value is not an integer."""
        ...

    async def update(self, key: str, fn: UpdateFn, ttl: float | None = None) -> bytes | None:
        """Atomically replace the value of ``key`` with ``fn(current)`` and return
        the new value. The written value gets ``ttl`` (``None``: no expiry);
        ``fn`` returning ``None`` deletes the key."""
        ...

    async def publish(self, channel: str, message: bytes) -> None:
        """Deliver ``message`` to current subscribers of ``channel`` (at most once)."""
        ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]:
        """Subscribe to ``channel``; the subscription is live when the context is
        entered and ends when it exits. Each subscriber has a bounded buffer."""
        ...

    async def ping(self) -> bool:
        """``True`` if the primary storage answers right now."""
        ...

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Background maintenance (expiry sweeps, Redis health probes). Start it in
        the lifespan nursery with ``await nursery.start(store.run)``; it runs until
        cancelled."""
        ...
