"""Configuration of routing resilience (the ``routeiq.routing`` config section).

LiteLLM-compatible knobs stay where a LiteLLM user has them, in
``router_settings`` (``routing_strategy``, ``num_retries``, ``timeout``,
``fallbacks``, ``context_window_fallbacks``); what LiteLLM does not have
(breaker thresholds, affinity TTL, retry backoff shape) lives here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BreakerSettings(_Strict):
    """Per-deployment circuit breaker.

    CLOSED -> OPEN when, over the last ``window`` seconds, at least
    ``min_requests`` outcomes were recorded and the share of failures is at
    least ``failure_rate``. OPEN lasts ``cooldown`` seconds, then HALF-OPEN
    admits at most ``half_open_probes`` concurrent requests; ``close_after``
    probe successes in a row close it, one probe failure reopens it for
    another ``cooldown``.
    """

    enabled: bool = True
    window: float = Field(default=30.0, gt=0)
    # The window is a ring of this many buckets (memory is O(buckets)); a
    # bucket ages out as a whole, so the window slides in window/buckets steps.
    buckets: int = Field(default=10, ge=1, le=600)
    min_requests: int = Field(default=5, ge=1)
    failure_rate: float = Field(default=0.5, gt=0, le=1)
    cooldown: float = Field(default=30.0, gt=0)
    half_open_probes: int = Field(default=1, ge=1)
    close_after: int = Field(default=2, ge=1)


class AffinitySettings(_Strict):
    """Conversation affinity: a conversation keeps its deployment for ``ttl`` s
    after its last turn (each turn refreshes it)."""

    enabled: bool = True
    ttl: float = Field(default=3600.0, gt=0)
    # Record every answer's response id, so a client that sends
    # ``previous_response_id`` next turn lands on the same deployment.
    record_responses: bool = True
    # Longer keys are hashed (bounds the key size a client can make us store).
    max_key_chars: int = Field(default=128, ge=16, le=1024)


class RoutingSettings(_Strict):
    """Routing resilience settings; defaults suit a small deployment."""

    breaker: BreakerSettings = Field(default_factory=BreakerSettings)
    affinity: AffinitySettings = Field(default_factory=AffinitySettings)
    # Backoff before retrying the SAME deployment: doubles from
    # retry_backoff_initial up to retry_backoff_cap, drawn from [d/2, d)
    # ("equal jitter"). A retry on another deployment or a fallback group does
    # not wait. A retry whose wait would pass the request deadline is skipped.
    retry_backoff_initial: float = Field(default=0.1, gt=0)
    retry_backoff_cap: float = Field(default=2.0, gt=0)
    # latency-based: weight of the newest sample in the moving average, and the
    # tolerance (fraction of the best average) within which deployments count
    # as equally fast and are picked at random (0: always the fastest).
    latency_alpha: float = Field(default=0.3, gt=0, le=1)
    latency_buffer: float = Field(default=0.1, ge=0)
    # usage-based: length of one rpm/tpm counting window (shared via the store).
    usage_window: float = Field(default=60.0, gt=0)
    # Redis backend: how often each instance re-reads the shared breaker keys
    # (a safety net for missed pub/sub messages).
    breaker_sync_interval: float = Field(default=2.0, gt=0)
    # Background writes (affinity records, usage counters, breaker publications)
    # allowed in flight at once on a remote store; beyond it they are dropped
    # and counted (they are hints that regenerate).
    max_pending_writes: int = Field(default=1024, ge=1)

    @model_validator(mode="after")
    def _backoff_order(self) -> RoutingSettings:
        if self.retry_backoff_initial > self.retry_backoff_cap:
            raise ValueError("retry_backoff_initial must be <= retry_backoff_cap")
        return self
