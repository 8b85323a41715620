"""Retry decisions as plain function calls."""

from __future__ import annotations

import pytest

from routeiq.errors import (
    BadRequest,
    ClientClosed,
    RouteIQError,
    UpstreamError,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from routeiq.routing.retry import (
    ErrorKind,
    backoff_delay,
    breaker_outcome,
    classify,
    decide_retry,
    is_context_window_error,
    may_fall_back,
    retry_after_seconds,
)
from tests.routing.helpers import FixedRandom

R, C, CW, CC = (
    ErrorKind.RETRYABLE,
    ErrorKind.CLIENT,
    ErrorKind.CONTEXT_WINDOW,
    ErrorKind.CLIENT_CLOSED,
)


@pytest.mark.parametrize(
    ("err", "kind"),
    [
        (UpstreamError("connect failed"), R),
        (UpstreamUnavailable("503"), R),
        (UpstreamTimeout("504"), R),
        (UpstreamRejected(429, "slow down"), R),
        (UpstreamRejected(408, "request timeout"), R),
        (UpstreamRejected(400, "bad"), C),
        (UpstreamRejected(413, "too big"), C),
        (UpstreamRejected(422, "unprocessable"), C),
        (UpstreamRejected(400, "This model's maximum context length is 8192 tokens"), CW),
        (UpstreamRejected(400, "error code: context_length_exceeded"), CW),
        (UpstreamRejected(413, "maximum context length"), C),  # only a 400 means it
        (BadRequest("ours"), C),
        (ClientClosed("gone"), CC),
    ],
)
def test_classify(err: RouteIQError, kind: ErrorKind) -> None:
    assert classify(err) is kind


def test_breaker_outcome_only_blames_upstream_failures() -> None:
    assert breaker_outcome(R) is False
    assert breaker_outcome(C) is None
    assert breaker_outcome(CW) is None
    assert breaker_outcome(CC) is None


def test_context_markers() -> None:
    assert is_context_window_error("Prompt is too long: 210000 tokens > 200000 maximum")
    assert not is_context_window_error("Invalid value for 'temperature'")


def test_backoff_exact_values() -> None:
    # base doubles 0.1, 0.2, 0.4 ... capped at 1.0; delay = base/2 + r*base/2.
    assert backoff_delay(0, 0.1, 1.0, FixedRandom(0.0)) == 0.05
    assert backoff_delay(1, 0.1, 1.0, FixedRandom(0.5)) == pytest.approx(0.15)
    assert backoff_delay(2, 0.1, 1.0, FixedRandom(0.999)) == pytest.approx(0.3998)
    assert backoff_delay(10, 0.1, 1.0, FixedRandom(0.0)) == 0.5
    assert backoff_delay(10_000, 0.1, 1.0, FixedRandom(1.0)) == 1.0  # no overflow


def test_retry_after_header() -> None:
    err = UpstreamRejected(429, "slow", headers={"retry-after": "3"})
    assert retry_after_seconds(err) == 3.0
    assert retry_after_seconds(UpstreamRejected(429, "slow")) is None
    assert retry_after_seconds(UpstreamRejected(429, "x", headers={"retry-after": "soon"})) is None


def decide(kind: ErrorKind, **kw: float | int | bool) -> tuple[bool, float, str]:
    args: dict[str, float | int | bool] = {
        "started": False,
        "retries_done": 0,
        "num_retries": 2,
        "now": 10.0,
        "deadline": 20.0,
        "delay": 0.5,
    }
    args.update(kw)
    d = decide_retry(kind, **args)  # type: ignore[arg-type]
    return d.retry, d.delay, d.reason


def test_decide_retry() -> None:
    assert decide(R) == (True, 0.5, "retry")
    assert decide(R, retries_done=2) == (False, 0.0, "exhausted")
    assert decide(R, started=True) == (False, 0.0, "started")
    assert decide(C) == (False, 0.0, "not_retryable")
    assert decide(CW) == (False, 0.0, "not_retryable")
    assert decide(CC) == (False, 0.0, "client_closed")
    assert decide(CC, started=True) == (False, 0.0, "client_closed")
    # The wait must end strictly before the deadline.
    assert decide(R, now=19.5, delay=0.4999) == (True, 0.4999, "retry")
    assert decide(R, now=19.5, delay=0.5) == (False, 0.0, "deadline")
    assert decide(R, num_retries=0) == (False, 0.0, "exhausted")


def test_may_fall_back() -> None:
    assert may_fall_back(R, started=False, now=1.0, deadline=2.0)
    assert may_fall_back(CW, started=False, now=1.0, deadline=2.0)
    assert not may_fall_back(C, started=False, now=1.0, deadline=2.0)
    assert not may_fall_back(R, started=True, now=1.0, deadline=2.0)
    assert not may_fall_back(R, started=False, now=2.0, deadline=2.0)
