"""OpenTelemetry spans from a request's trace record, built after its response.

One SERVER span per request and one CLIENT span per upstream attempt
(``{gen_ai.operation.name} {gen_ai.request.model}``), retries and fallbacks
being sibling CLIENT spans under the SERVER span; guardrail, cache and routing
decisions are events on the SERVER span. The spans get exactly the trace and
span ids drawn at arrival (``context.py``), through an id generator that hands
out the preset ids, so the ``traceparent`` each upstream received names the
span exported for that attempt, and a client's ``traceparent`` is the parent.
Start and end times are back-dated from the ``perf_counter`` stamps taken on
the hot path. Message contents are recorded only with ``capture_content``.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from opentelemetry.context import Context
from opentelemetry.sdk.trace.id_generator import IdGenerator, RandomIdGenerator
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    Tracer,
    TraceState,
    set_span_in_context,
)

from routeiq.asgi.types import RequestContext
from routeiq.telemetry.facts import request_attributes, response_attributes, usage_tokens
from routeiq.tracecontext import RequestTrace


class PresetIds(IdGenerator):
    """Returns the ids set just before a span is started; random ones otherwise."""

    def __init__(self) -> None:
        self.trace_id = 0
        self.span_id = 0
        self._random = RandomIdGenerator()

    def generate_span_id(self) -> int:
        value, self.span_id = self.span_id, 0
        return value or int(self._random.generate_span_id())

    def generate_trace_id(self) -> int:
        value, self.trace_id = self.trace_id, 0
        return value or int(self._random.generate_trace_id())


def _parent(trace: RequestTrace, ids: PresetIds) -> Context:
    if not trace.parent_span_id:
        ids.trace_id = trace.trace_id
        return Context()
    state = TraceState.from_header([trace.tracestate]) if trace.tracestate else TraceState()
    remote = SpanContext(
        trace.trace_id,
        trace.parent_span_id,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
        trace_state=state,
    )
    return set_span_in_context(NonRecordingSpan(remote))


def emit(
    tracer: Tracer,
    ids: PresetIds,
    ctx: RequestContext,
    *,
    method: str,
    route: str,
    capture_content: bool = False,
) -> None:
    """Export the request's spans (call after the response, on the loop: ~50-100 us)."""
    trace: RequestTrace | None = ctx.trace
    if trace is None or not trace.sampled:
        return
    end_ns = time.time_ns()
    now = time.perf_counter()

    def ns(t: float) -> int:
        return end_ns - int((now - t) * 1e9)

    status = ctx.status or 0
    op = trace.operation
    genai = (
        ctx.model is not None and route != "other" and route.endswith(("completions", "embeddings"))
    )
    attrs: dict[str, Any] = {
        "http.request.method": method,
        "http.route": route,
        "http.response.status_code": status,
        "routeiq.request_id": ctx.request_id,
    }
    if genai:
        attrs["gen_ai.operation.name"] = op
        attrs["gen_ai.request.model"] = ctx.model or ""
        attrs.update(request_attributes(trace.request))
    if ctx.deployment is not None:
        attrs["routeiq.deployment"] = ctx.deployment
    if ctx.key_name is not None:
        attrs["routeiq.key_alias"] = ctx.key_name
    if ctx.attempts:
        attrs["routeiq.attempts"] = ctx.attempts
    pt, ct = usage_tokens(ctx.usage)
    if pt is not None:
        attrs["gen_ai.usage.input_tokens"] = pt
    if ct is not None:
        attrs["gen_ai.usage.output_tokens"] = ct
    if ctx.cost is not None:
        attrs["routeiq.response.cost_usd"] = ctx.cost
    if ctx.route is not None:  # a learned route's decision (routeiq.learned)
        attrs["routeiq.route"] = ctx.route.decode("utf-8", "replace")
    answered = next((a for a in reversed(trace.attempts) if a.error_type is None), None)
    response = response_attributes(answered) if answered is not None else {}
    attrs.update(response)
    if answered is not None:
        attrs["gen_ai.provider.name"] = answered.provider
    if status >= 500:
        attrs["error.type"] = str(status)
    name = f"{op} {ctx.model}" if genai else f"{method} {route}"
    ids.span_id = trace.span_id
    server = tracer.start_span(
        name,
        context=_parent(trace, ids),
        kind=SpanKind.SERVER,
        start_time=ns(ctx.started),
        attributes=attrs,
    )
    if status >= 500:
        server.set_status(Status(StatusCode.ERROR))
    parent = set_span_in_context(server)
    content = _input_messages(trace.request) if capture_content else None
    for n, rec in enumerate(trace.attempts, 1):
        a: dict[str, Any] = {
            "gen_ai.operation.name": op,
            "gen_ai.provider.name": rec.provider,
            "gen_ai.request.model": rec.model,
            "server.address": rec.server_address,
            "server.port": rec.server_port,
            "routeiq.deployment": rec.deployment,
            "routeiq.attempt": n,
            "routeiq.attempt.via": rec.via,
        }
        a.update(request_attributes(trace.request))
        if rec.status:
            a["http.response.status_code"] = rec.status
        if content is not None:
            a["gen_ai.input.messages"] = content
        if rec is answered:
            a.update(response)
            if pt is not None:
                a["gen_ai.usage.input_tokens"] = pt
            if ct is not None:
                a["gen_ai.usage.output_tokens"] = ct
            if capture_content and rec.body is not None:
                output = _output_messages(rec.body)
                if output is not None:
                    a["gen_ai.output.messages"] = output
        if rec.error_type is not None:
            a["error.type"] = rec.error_type
        ids.span_id = rec.span_id
        span = tracer.start_span(
            f"{op} {rec.model}",
            context=parent,
            kind=SpanKind.CLIENT,
            start_time=ns(rec.started),
            attributes=a,
        )
        if rec.error_type is not None:
            span.set_status(Status(StatusCode.ERROR, rec.error_type))
        span.end(end_time=ns(rec.ended or now))
    for n, rec in enumerate(trace.attempts, 1):  # the router's decisions, one per attempt
        decision: dict[str, Any] = {
            "deployment": rec.deployment,
            "model": rec.group,
            "via": rec.via,
            "attempt": n,
        }
        server.add_event("routeiq.routing.decision", attributes=decision, timestamp=ns(rec.started))
    for event, t, event_attrs in trace.events or ():
        server.add_event(event, attributes=event_attrs, timestamp=ns(t))
    server.end(end_time=end_ns)


def _input_messages(req: dict[str, Any] | None) -> str | None:
    if not req:
        return None
    messages = req.get("messages", req.get("input"))
    if messages is None:
        return None
    return orjson.dumps(messages).decode("utf-8")


def _output_messages(body: bytes) -> str | None:
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    choices = obj.get("choices") if isinstance(obj, dict) else None
    if not isinstance(choices, list):
        return None
    messages = [c.get("message") for c in choices if isinstance(c, dict)]
    return orjson.dumps(messages).decode("utf-8")
