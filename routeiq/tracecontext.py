"""Per-request trace context: W3C Trace Context in and out, and the attempt records.

I/O-free and cheap on the hot path: a request's trace and span ids are random
integers drawn at arrival (~0.3 us), an upstream attempt appends one small
record; the OpenTelemetry spans themselves are built from these records after
the response has been sent (``telemetry/spans.py``), with exactly these ids, so
the ``traceparent`` an upstream received names the CLIENT span that is exported
for that attempt.

The current request is also kept in a context variable so that every log line
written while serving it carries its request id and trace id (``logs.py``).
A leaf module (it imports only ``routeiq.logs``): the A2A and MCP clients, low
in the import order, use it to propagate the trace context.
"""

from __future__ import annotations

import random
import re
from time import perf_counter
from typing import Any

from routeiq.logs import CURRENT

__all__ = [
    "CURRENT",
    "RECORDING",
    "AttemptTrace",
    "RequestTrace",
    "parse_traceparent",
    "start_trace",
]

# version 00; a later version may append fields after the flags (W3C: parse the
# first four and ignore the rest).
_TRACEPARENT = re.compile(rb"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_MAX_TRACESTATE = 512  # W3C: at least 512 characters must be propagated; we keep no more
_rng = random.SystemRandom().getrandbits(64)  # seed material only
_ids = random.Random(_rng)


class AttemptTrace:
    """One upstream attempt: becomes a CLIENT span ``{operation} {model}``."""

    __slots__ = (
        "body",
        "deployment",
        "ended",
        "error_type",
        "first",
        "group",
        "last",
        "model",
        "provider",
        "server_address",
        "server_port",
        "span_id",
        "started",
        "status",
        "ttft",
        "usage",
        "via",
    )

    def __init__(
        self, span_id: int, deployment: str, group: str, model: str, provider: str
    ) -> None:
        self.span_id = span_id
        self.deployment = deployment
        self.group = group  # the model group it serves
        self.model = model  # the upstream model name requested
        self.provider = provider
        self.server_address = ""
        self.server_port = 0
        self.started = perf_counter()
        self.ended = 0.0
        self.status = 0
        self.error_type: str | None = None
        self.via = "strategy"
        self.ttft: float | None = None
        self.usage: dict[str, Any] | None = None
        # What the client got, kept by reference and read after the response:
        # a whole body, or a stream's first and last blocks (id, model, finish reason).
        self.body: bytes | None = None
        self.first: bytes | None = None
        self.last: bytes | None = None


class RequestTrace:
    """A request's place in a distributed trace and what happened while serving it."""

    __slots__ = (
        "attempts",
        "events",
        "incoming",
        "operation",
        "parent_span_id",
        "request",
        "sampled",
        "span_id",
        "trace_id",
        "tracestate",
    )

    def __init__(
        self,
        trace_id: int,
        parent_span_id: int,
        *,
        sampled: bool = True,
        tracestate: str = "",
        incoming: bytes | None = None,
    ) -> None:
        self.trace_id = trace_id
        self.parent_span_id = parent_span_id  # 0: this request is the root
        self.span_id = _ids.getrandbits(64) or 1  # the SERVER span
        self.sampled = sampled
        self.tracestate = tracestate
        self.incoming = incoming  # the client's traceparent, as received
        self.attempts: list[AttemptTrace] = []
        self.events: list[tuple[str, float, dict[str, Any]]] | None = None  # made on first use
        self.operation = "chat"
        self.request: dict[str, Any] | None = None  # the parsed body, for request attributes

    def begin_attempt(self, deployment: str, group: str, model: str, provider: str) -> AttemptTrace:
        attempt = AttemptTrace(_ids.getrandbits(64) or 1, deployment, group, model, provider)
        if self.attempts:
            attempt.via = "retry" if self.attempts[-1].group == group else "fallback"
        self.attempts.append(attempt)
        return attempt

    def event(self, name: str, **attributes: Any) -> None:
        """A decision worth seeing on the SERVER span (guardrail, cache). Routing
        decisions need no call: each attempt becomes one (``spans.py``)."""
        if self.events is None:
            self.events = []
        self.events.append((name, perf_counter(), attributes))

    def traceparent(self) -> str | None:
        """The ``traceparent`` to send upstream now: the current attempt's CLIENT
        span when spans are recorded; else the client's own header, unchanged."""
        if RECORDING.on and self.sampled:
            span = self.attempts[-1].span_id if self.attempts else self.span_id
            return f"00-{self.trace_id:032x}-{span:016x}-01"
        if self.incoming is not None:
            return self.incoming.decode("ascii")
        return None

    def propagate(self, headers: dict[str, str]) -> None:
        """Add ``traceparent``/``tracestate`` to an outgoing request's headers."""
        value = self.traceparent()
        if value is not None:
            headers["traceparent"] = value
            if self.tracestate:
                headers["tracestate"] = self.tracestate

    @property
    def trace_id_hex(self) -> str:
        return f"{self.trace_id:032x}"


def outgoing_headers() -> dict[str, str]:
    """``traceparent``/``tracestate`` for a call made while serving the current request
    (A2A agents; MCP servers get them in ``params._meta``), or {} outside a request."""
    ctx = CURRENT.get()
    headers: dict[str, str] = {}
    trace = getattr(ctx, "trace", None)
    if trace is not None:
        trace.propagate(headers)
    return headers


def parse_traceparent(value: bytes | None) -> tuple[int, int, bool] | None:
    """(trace id, parent span id, sampled) from a W3C ``traceparent``, or None if invalid."""
    if value is None or len(value) > 512:
        return None
    m = _TRACEPARENT.fullmatch(value.strip().lower())
    if m is None:
        return None
    version, trace, span, flags, rest = m.groups()
    if version == b"ff" or (version == b"00" and rest):
        return None
    trace_id, span_id = int(trace, 16), int(span, 16)
    if not trace_id or not span_id:
        return None
    return trace_id, span_id, bool(int(flags, 16) & 1)


def start_trace(headers: Any) -> RequestTrace:
    """The request's trace: continues the client's (``traceparent``/``tracestate``)
    when it sent a valid one, else a new trace with this request as its root."""
    parent = state = None
    for k, v in headers:
        if k == b"traceparent":
            parent = v
        elif k == b"tracestate":
            state = v
    parsed = parse_traceparent(parent)
    if parsed is None:
        return RequestTrace(_ids.getrandbits(128) or 1, 0)
    trace_id, span_id, sampled = parsed
    tracestate = ""
    if state:
        tracestate = bytes(state)[:_MAX_TRACESTATE].decode("latin-1")
    return RequestTrace(
        trace_id, span_id, sampled=sampled, tracestate=tracestate, incoming=bytes(parent or b"")
    )


class _Recording:
    """Whether this process exports spans (set by ``Telemetry``): only then does an
    outgoing ``traceparent`` name our own spans."""

    on = False


RECORDING = _Recording()
