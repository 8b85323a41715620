"""Shared state: one store protocol, an embedded and a Redis backend.

Typical wiring in the app's lifespan::

    store = open_store(settings.state)
    await nursery.start(store.run)   # expiry sweeps; Redis health probes
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from routeiq.state.backoff import next_delay
from routeiq.state.base import Health, StateConflictError, StateStore, Subscription, UpdateFn
from routeiq.state.broker import Broker, LocalSubscription
from routeiq.state.memory import MemoryStats, MemoryStore
from routeiq.state.settings import StateSettings, per_process_warning

if TYPE_CHECKING:
    from routeiq.state.redis import HealthCounters, RedisStore

__all__ = [
    "Broker",
    "Health",
    "HealthCounters",
    "LocalSubscription",
    "MemoryStats",
    "MemoryStore",
    "RedisStore",
    "StateConflictError",
    "StateSettings",
    "StateStore",
    "Subscription",
    "UpdateFn",
    "next_delay",
    "open_store",
    "per_process_warning",
]


_LAZY = {"HealthCounters", "RedisStore"}


def __getattr__(name: str) -> Any:
    # coredis costs ~0.3 s to import: only deployments that use Redis pay it.
    if name in _LAZY:
        from routeiq.state import redis

        return getattr(redis, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(settings: StateSettings) -> MemoryStore | RedisStore:
    """Build the configured backend. It connects nothing yet: start its ``run``
    in the lifespan nursery (``await nursery.start(store.run)``)."""
    if settings.backend == "redis":
        from routeiq.state.redis import RedisStore

        return RedisStore(settings)
    return MemoryStore(
        max_keys=settings.max_keys,
        sweep_interval=settings.sweep_interval,
        subscriber_buffer=settings.subscriber_buffer,
    )
