"""Configuration of the state backend (the ``routeiq.state`` config section)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class StateSettings(BaseModel):
    """Which backend holds shared state, and its limits.

    ``memory`` keeps state in this process only; ``redis`` shares it between
    processes and hosts, falling back to a local memory store (bounded by the
    same ``max_keys``) while Redis is unreachable.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    backend: Literal["memory", "redis"] = "memory"
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Prepended to every Redis key and channel so several deployments can share
    # one Redis database. The memory backend is private to a process and ignores it.
    key_prefix: str = "routeiq:"
    # Memory backend (and Redis fallback) capacity; when full, the key written
    # least recently is evicted.
    max_keys: int = Field(default=100_000, gt=0)
    # Deadline of each Redis call (seconds). A call that exceeds it marks Redis down.
    op_timeout: float = Field(default=0.25, gt=0)
    # Reconnect probes: the delay doubles from backoff_initial up to backoff_cap,
    # with jitter; probing never stops.
    backoff_initial: float = Field(default=0.1, gt=0)
    backoff_cap: float = Field(default=5.0, gt=0)
    # How often the memory backend's background task sweeps expired keys.
    sweep_interval: float = Field(default=1.0, gt=0)
    # Per-subscriber pub/sub buffer; when full the oldest message is dropped.
    subscriber_buffer: int = Field(default=256, gt=0)

    @model_validator(mode="after")
    def _backoff_order(self) -> StateSettings:
        if self.backoff_initial > self.backoff_cap:
            raise ValueError("backoff_initial must be <= backoff_cap")
        return self


def per_process_warning(settings: StateSettings, workers: int) -> str | None:
    """The start-up warning for ``--workers`` > 1 on the memory backend (each
    worker process then has its own counters, affinity and breaker state), or
    ``None`` when state is shared or there is only one process."""
    if workers > 1 and settings.backend == "memory":
        return (
            f"state backend is 'memory' with {workers} worker processes: rate counters, "
            "affinity, breaker state and cache L2 are per process; set "
            "routeiq.state.backend: redis to share them"
        )
    return None
