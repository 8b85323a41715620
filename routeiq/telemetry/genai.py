"""Metrics under the GenAI semantic conventions' names, and per deployment.

Recorded after the response from the request's trace record (one dict update
and a bisect per series); rendered as Prometheus text with the OpenTelemetry
-> Prometheus name mapping (dots to underscores, ``_seconds`` for the unit):

- ``gen_ai.client.token.usage`` -> ``gen_ai_client_token_usage`` (per attempt with usage)
- ``gen_ai.client.operation.duration`` -> ``gen_ai_client_operation_duration_seconds``
  (per upstream attempt, ``error_type`` when it failed)
- ``gen_ai.server.request.duration`` -> ``gen_ai_server_request_duration_seconds``
- ``gen_ai.server.time_to_first_token`` -> ``gen_ai_server_time_to_first_token_seconds``
- ``gen_ai.server.time_per_output_token`` -> ``gen_ai_server_time_per_output_token_seconds``

Bucket boundaries are the conventions' advisory ones. Per deployment:
``routeiq_deployment_{requests,errors,retries,fallbacks}_total`` and
``routeiq_deployment_time_to_first_token_seconds``; tokens and cost by key
alias (``routeiq_key_tokens_total``, ``routeiq_key_cost_usd_total``).
"""

from __future__ import annotations

from time import perf_counter

from routeiq.asgi.types import RequestContext
from routeiq.telemetry.facts import usage_tokens
from routeiq.telemetry.histogram import CounterFamily, HistogramFamily

DURATION = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)
TOKENS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216)
TTFT = (
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)  # fmt: skip
TPOT = (0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5)

_OP = "gen_ai_operation_name"
_PROV = "gen_ai_provider_name"
_MODEL = "gen_ai_request_model"


class GenAIMetrics:
    def __init__(self) -> None:
        self.token_usage = HistogramFamily(
            "gen_ai_client_token_usage",
            "Tokens used per upstream call (input and output).",
            (_OP, _PROV, _MODEL, "gen_ai_token_type"),
            TOKENS,
        )
        self.client_duration = HistogramFamily(
            "gen_ai_client_operation_duration_seconds",
            "Duration of each upstream GenAI call (attempt), by outcome.",
            (_OP, _PROV, _MODEL, "server_address", "error_type"),
            DURATION,
        )
        self.server_duration = HistogramFamily(
            "gen_ai_server_request_duration_seconds",
            "Time from a GenAI request's arrival to the end of its response.",
            (_OP, _MODEL, "error_type"),
            DURATION,
        )
        self.server_ttft = HistogramFamily(
            "gen_ai_server_time_to_first_token_seconds",
            "Time from a streamed request's arrival to its first body bytes.",
            (_OP, _MODEL),
            TTFT,
        )
        self.server_tpot = HistogramFamily(
            "gen_ai_server_time_per_output_token_seconds",
            "Time per output token after the first, for streamed answers.",
            (_OP, _MODEL),
            TPOT,
        )
        self.dep_requests = CounterFamily(
            "routeiq_deployment_requests_total",
            "Upstream attempts per deployment, by model group and status.",
            ("deployment", "model", "status"),
        )
        self.dep_errors = CounterFamily(
            "routeiq_deployment_errors_total",
            "Failed upstream attempts per deployment, by error type.",
            ("deployment", "model", "error_type"),
        )
        self.dep_retries = CounterFamily(
            "routeiq_deployment_retries_total",
            "Attempts that were retries (same model group), per deployment tried.",
            ("deployment", "model"),
        )
        self.dep_fallbacks = CounterFamily(
            "routeiq_deployment_fallbacks_total",
            "Attempts that were fallbacks (another model group), per deployment tried.",
            ("deployment", "model"),
        )
        self.dep_ttft = HistogramFamily(
            "routeiq_deployment_time_to_first_token_seconds",
            "Time from an attempt's start to its first streamed bytes, per deployment.",
            ("deployment", "model"),
            TTFT,
        )
        self.key_tokens = CounterFamily(
            "routeiq_key_tokens_total",
            "Tokens by key alias, model group and kind (input/output).",
            ("key", "model", "gen_ai_token_type"),
        )
        self.key_cost = CounterFamily(
            "routeiq_key_cost_usd_total",
            "Cost of answers in USD by key alias and model group.",
            ("key", "model"),
        )

    def record(self, ctx: RequestContext, model: str, stream: bool) -> None:
        """After the response: everything the request's trace record says."""
        trace = ctx.trace
        if trace is None:
            return
        op = trace.operation
        end = perf_counter()
        status = ctx.status or 0
        error = _error_type(status)
        self.server_duration.observe((op, model, error), end - ctx.started)
        answered = None
        for rec in trace.attempts:
            deployment, group = rec.deployment, rec.group
            err = rec.error_type or ""
            self.client_duration.observe(
                (op, rec.provider, rec.model, rec.server_address, err),
                (rec.ended or end) - rec.started,
            )
            self.dep_requests.add((deployment, group, str(rec.status)))
            if err:
                self.dep_errors.add((deployment, group, err))
            else:
                answered = rec
            if rec.via == "retry":
                self.dep_retries.add((deployment, group))
            elif rec.via == "fallback":
                self.dep_fallbacks.add((deployment, group))
            if rec.ttft is not None:
                self.dep_ttft.observe((deployment, group), rec.ttft)
        if answered is None:
            return
        pt, ct = usage_tokens(ctx.usage)
        labels = (op, answered.provider, answered.model)
        key = ctx.key_name or "none"
        if pt is not None:
            self.token_usage.observe((*labels, "input"), pt)
            self.key_tokens.add((key, model, "input"), pt)
        if ct is not None:
            self.token_usage.observe((*labels, "output"), ct)
            self.key_tokens.add((key, model, "output"), ct)
        if ctx.cost is not None:
            self.key_cost.add((key, model), ctx.cost)
        if stream and answered.ttft is not None:
            first = answered.started + answered.ttft
            self.server_ttft.observe((op, model), first - ctx.started)
            if ct is not None and ct > 1:
                self.server_tpot.observe((op, model), (end - first) / (ct - 1))

    def prometheus(self) -> str:
        out: list[str] = []
        for family in (
            self.token_usage,
            self.client_duration,
            self.server_duration,
            self.server_ttft,
            self.server_tpot,
            self.dep_requests,
            self.dep_errors,
            self.dep_retries,
            self.dep_fallbacks,
            self.dep_ttft,
            self.key_tokens,
            self.key_cost,
        ):
            out.extend(family.prometheus())
        return "\n".join(out) + "\n"


def _error_type(status: int) -> str:
    """``error.type`` of a request: its status code when the gateway or upstream failed."""
    return str(status) if status >= 500 or status == 0 else ""
