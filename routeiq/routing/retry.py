"""Retry decisions (pure: no I/O, no clock; time is passed in).

What is safe to try again, given that an attempt raised one of the gateway's
errors BEFORE anything reached the client:

- connection failures, upstream 5xx (502/503/504, including timeouts, which
  ``map_status`` makes of 408 too) and 429: another try, on another deployment
  when there is one, may succeed; they count against the deployment's breaker;
- a 400 saying the context window was exceeded: not retried as such, but
  ``context_window_fallbacks`` (a bigger model) may serve it;
- any other 4xx: the request itself is wrong, every deployment would say so;
- the client went away (499): nothing to retry for, and not the upstream's fault.

Nothing is ever retried once the first byte went to the client (the caller
tells us through ``started``), and no retry starts whose wait would pass the
request's deadline.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from routeiq.backoff import RandomSource, backoff_delay
from routeiq.errors import ClientClosed, ClientError, RouteIQError, UpstreamRejected

__all__ = [
    "ErrorKind",
    "RandomSource",
    "RetryDecision",
    "backoff_delay",
    "breaker_outcome",
    "classify",
    "decide_retry",
    "may_fall_back",
    "retry_after_seconds",
]

# Substrings (lower-case) of upstream messages that mean "prompt too long".
CONTEXT_WINDOW_MARKERS = (
    "context_length_exceeded",
    "maximum context length",
    "context length exceeded",
    "context window",
    "prompt is too long",
    "input is too long",
    "too many tokens",
)


class ErrorKind(enum.Enum):
    RETRYABLE = "retryable"
    CONTEXT_WINDOW = "context_window"
    CLIENT = "client"
    CLIENT_CLOSED = "client_closed"


def is_context_window_error(message: str) -> bool:
    """Does an upstream error message say the prompt exceeds the context window?"""
    low = message.lower()
    return any(marker in low for marker in CONTEXT_WINDOW_MARKERS)


def classify(err: RouteIQError) -> ErrorKind:
    """What kind of failure ``err`` is, for retries, fallbacks and breakers."""
    if isinstance(err, ClientClosed):
        return ErrorKind.CLIENT_CLOSED
    if isinstance(err, UpstreamRejected):
        if err.status in (429, 408):
            return ErrorKind.RETRYABLE
        if err.status == 400 and is_context_window_error(err.message):
            return ErrorKind.CONTEXT_WINDOW
        return ErrorKind.CLIENT
    if isinstance(err, ClientError):
        return ErrorKind.CLIENT
    return ErrorKind.RETRYABLE  # ServerError: 502, 503, 504 (connect errors, timeouts)


def breaker_outcome(kind: ErrorKind) -> bool | None:
    """``False`` (a failure of the deployment) or ``None`` (not its fault)."""
    return False if kind is ErrorKind.RETRYABLE else None


def retry_after_seconds(err: RouteIQError) -> float | None:
    """The upstream's ``Retry-After`` (integer seconds), if it sent one."""
    value = err.headers.get("retry-after")
    if value is not None and value.isdigit():
        return float(value)
    return None


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """``retry``: try again after ``delay`` seconds; else ``reason`` says why not."""

    retry: bool
    delay: float = 0.0
    reason: str = "retry"


def decide_retry(
    kind: ErrorKind,
    *,
    started: bool,
    retries_done: int,
    num_retries: int,
    now: float,
    deadline: float,
    delay: float,
) -> RetryDecision:
    """Whether to retry within the current model group.

    ``delay`` is the wait the caller would apply before the retry (0 when the
    retry goes to another deployment); the retry is refused if it would start
    at or after ``deadline``.
    """
    if kind is ErrorKind.CLIENT_CLOSED:
        return RetryDecision(False, reason="client_closed")
    if started:
        return RetryDecision(False, reason="started")
    if kind is not ErrorKind.RETRYABLE:
        return RetryDecision(False, reason="not_retryable")
    if retries_done >= num_retries:
        return RetryDecision(False, reason="exhausted")
    if now + delay >= deadline:
        return RetryDecision(False, reason="deadline")
    return RetryDecision(True, delay)


def may_fall_back(kind: ErrorKind, *, started: bool, now: float, deadline: float) -> bool:
    """Whether a failure may move on to a fallback model group (no wait)."""
    if started or now >= deadline:
        return False
    return kind is ErrorKind.RETRYABLE or kind is ErrorKind.CONTEXT_WINDOW
