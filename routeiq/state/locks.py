"""Per-key locks for read-modify-writes that span an await.

Only the keys currently being updated have a lock object (created on first
waiter, removed when the last holder leaves), so the map is bounded by the
number of concurrent updaters, and different keys never wait for each other.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import trio


class _Slot:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = trio.Lock()
        self.users = 0


class KeyedLocks:
    """``async with locks.hold(key):`` serialises the tasks that use the same key."""

    def __init__(self) -> None:
        self._slots: dict[str, _Slot] = {}

    def __len__(self) -> int:
        return len(self._slots)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot()
        slot.users += 1
        try:
            async with slot.lock:
                yield
        finally:
            # Runs on cancellation too, so an abandoned waiter never leaks a slot.
            slot.users -= 1
            if slot.users == 0:
                del self._slots[key]
