"""OpenTelemetry set-up (once per process), request metrics and spans, /metrics text.

Spans and metrics for a request are recorded after its response has been
sent (``on_request_done``), with the span's start time back-dated to the
request's arrival, so telemetry never delays a client. Traces follow the
OpenTelemetry GenAI semantic conventions v1.37.0 (``spans.py``); metrics are
published under the conventions' names beside the project's own (``genai.py``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, MetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider

from routeiq.asgi.types import RequestContext
from routeiq.config import TelemetrySettings
from routeiq.heap import GcPauses
from routeiq.logs import AccessLog
from routeiq.telemetry import process
from routeiq.telemetry.genai import GenAIMetrics
from routeiq.telemetry.loopblock import LoopBlockInstrument
from routeiq.telemetry.prometheus import render
from routeiq.telemetry.requests import DURATION_BUCKETS, RequestStats
from routeiq.telemetry.spans import PresetIds, emit
from routeiq.telemetry.stepprofile import ENV as PROFILE_ENV
from routeiq.telemetry.stepprofile import STACKS_ENV, LoopStepProfile
from routeiq.telemetry.workers import WorkerMetrics
from routeiq.tracecontext import RECORDING


class Telemetry:
    def __init__(
        self,
        settings: TelemetrySettings,
        *,
        routes: Iterable[str] = (),
        models: Iterable[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if env is None else env
        resource = Resource.create({"service.name": settings.service_name})
        self.reader = InMemoryMetricReader()
        readers: list[MetricReader] = [self.reader]
        # Spans get the ids drawn at the request's arrival (see spans.py).
        self.ids = PresetIds()
        self.tracer_provider = TracerProvider(resource=resource, id_generator=self.ids)
        otlp = bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
        if otlp:
            # Imported only when used: the exporters pull in protobuf.
            from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
            from opentelemetry.sdk.trace.export import BatchSpanProcessor

            readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
            self.tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        self.meter_provider = MeterProvider(resource=resource, metric_readers=readers)
        self.tracer = self.tracer_provider.get_tracer("routeiq")
        meter = self.meter_provider.get_meter("routeiq")
        self.gc = GcPauses()
        self.loop = (
            LoopStepProfile(settings.loop_block_warn_ms / 1000.0, self.gc)
            if env.get(PROFILE_ENV) == "1"
            else LoopBlockInstrument(settings.loop_block_warn_ms / 1000.0)
        )
        self._routes = frozenset(routes)
        self._models = frozenset(models)
        self._in_flight: Callable[[], int] = lambda: 0
        self._capture_content = settings.capture_content
        self.access = AccessLog(settings.access_log, settings.access_log_sample_rate)
        self.genai = GenAIMetrics()
        # More Prometheus text at scrape time (e.g. the cache's lookup histogram).
        self._text_sources: list[Callable[[], str]] = []
        # --workers N: every worker's /metrics answers for the whole group (workers.py).
        self.workers = WorkerMetrics.from_env(self.prometheus_text)
        # Request metrics: plain aggregates (see requests.py), exported as observables.
        self.stats = RequestStats()
        meter.create_observable_counter(
            "routeiq.requests",
            callbacks=[self._observe_requests],
            description="Requests answered, by route, model, status.",
        )
        meter.create_observable_counter(
            "routeiq.tokens",
            callbacks=[self._observe_tokens],
            description="Tokens reported by upstreams, by model and kind.",
        )
        # OTel has no observable histogram: record durations into one only when
        # they are exported (OTLP); /metrics renders them from ``stats``.
        self._otel_duration = (
            meter.create_histogram(
                "routeiq.request.duration",
                unit="s",
                description="Time from request arrival to the end of its response.",
                explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
            )
            if otlp
            else None
        )
        # Spans are made only when something consumes them (OTLP or an added processor).
        self.tracing = otlp
        RECORDING.on = otlp
        meter.create_observable_gauge(
            "routeiq.requests.in_flight",
            callbacks=[self._observe_in_flight],
            description="Requests in flight now.",
        )
        meter.create_observable_gauge(
            "routeiq.state.health",
            callbacks=[self._observe_state],
            description="State backend health: 1 up, 0.5 degraded, 0 down.",
        )
        meter.create_observable_counter(
            "routeiq.state.events",
            callbacks=[self._observe_state_events],
            description="State backend transitions, probes and operations served by the fallback.",
        )
        meter.create_observable_gauge(
            "routeiq.loop.block.max",
            callbacks=[self._observe_loop_max],
            unit="s",
            description="Longest trio task step since start.",
        )

    def bind_state(self, store: Any) -> None:
        """Export the state backend's health (1 up, 0.5 degraded, 0 down) and its counters."""
        self._store = store

    def _observe_state(self, options: CallbackOptions) -> Iterable[Observation]:
        store = getattr(self, "_store", None)
        if store is None:
            return []
        value = {"up": 1.0, "degraded": 0.5}.get(store.health, 0.0)
        return [Observation(value, {"backend": store.name})]

    def _observe_state_events(self, options: CallbackOptions) -> Iterable[Observation]:
        counters = getattr(getattr(self, "_store", None), "counters", None)
        if counters is None:
            return []
        return [
            Observation(getattr(counters, name), {"event": name})
            for name in ("downs", "ups", "fallback_ops", "probes")
            if hasattr(counters, name)
        ]

    def add_span_processor(self, processor: SpanProcessor) -> None:
        """Consume spans (tests, custom exporters); turns span creation on."""
        self.tracer_provider.add_span_processor(processor)
        self.tracing = True
        RECORDING.on = True

    def add_text_source(self, fn: Callable[[], str]) -> None:
        """Append ``fn()`` (Prometheus text) to every /metrics answer."""
        self._text_sources.append(fn)

    def _observe_requests(self, options: CallbackOptions) -> Iterable[Observation]:
        return [
            Observation(n, {"route": r, "model": m, "status": s})
            for (r, m, s), n in self.stats.requests.items()
        ]

    def _observe_tokens(self, options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(n, {"model": m, "kind": k}) for (m, k), n in self.stats.tokens.items()]

    def watch_loop_stacks(self) -> None:
        """With ROUTEIQ_LOOP_PROFILE=1 and ROUTEIQ_LOOP_STACKS=1: log the
        profile of every step over ROUTEIQ_LOOP_STACKS_CPU_MS (8) of CPU
        (routeiq.telemetry.stepprofiler)."""
        if isinstance(self.loop, LoopStepProfile) and os.environ.get(STACKS_ENV) == "1":
            self.loop.watch_stacks(float(os.environ.get(STACKS_ENV + "_CPU_MS", "8")) / 1000.0)

    def set_models(self, models: Iterable[str]) -> None:
        """The model label's known values (a config reload changes them)."""
        self._models = frozenset(models)

    def bind_in_flight(self, fn: Callable[[], int]) -> None:
        self._in_flight = fn

    def _observe_in_flight(self, options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(self._in_flight())]

    def _observe_loop_max(self, options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(self.loop.max_seconds)]

    def on_request_done(self, path: str, ctx: RequestContext, method: str = "POST") -> None:
        elapsed = time.perf_counter() - ctx.started
        route = path if path in self._routes else "other"
        model = (
            ctx.model if ctx.model in self._models else ("none" if ctx.model is None else "unknown")
        )
        status = ctx.status or 0
        self.stats.record(route, model, str(status), elapsed)
        if self._otel_duration is not None:
            self._otel_duration.record(elapsed, {"route": route, "model": model})
        usage = ctx.usage
        if usage:
            pt = usage.get("prompt_tokens")
            ct = usage.get("completion_tokens")
            if isinstance(pt, int):
                self.stats.add_tokens(model, "prompt", pt)
            if isinstance(ct, int):
                self.stats.add_tokens(model, "completion", ct)
        trace = ctx.trace
        if trace is not None and ctx.model is not None:
            stream = trace.request is not None and trace.request.get("stream") is True
            self.genai.record(ctx, model, stream)
        self.access.write(method, path, ctx, elapsed)
        if self.tracing:
            emit(
                self.tracer,
                self.ids,
                ctx,
                method=method,
                route=route,
                capture_content=self._capture_content,
            )

    def serving_started(self) -> None:
        """Start-up work (imports, the heap freeze's one collection) is not serving:
        the longest loop step and GC pauses are counted from here."""
        self.loop.forget_current_step()
        self.loop.reset_max()
        self.gc.reset_max()

    def prometheus_text(self) -> str:
        # Our own aggregates first; the OTel reader renders the observables
        # other than the two we render ourselves.
        otel = render(self.reader.get_metrics_data(), skip={"routeiq.requests", "routeiq.tokens"})
        extra = "".join(fn() for fn in self._text_sources)
        return (
            self.stats.prometheus()
            + self.genai.prometheus()
            + otel
            + extra
            + self.loop.prometheus()
            + self.gc.prometheus()
            + process.prometheus()
        )

    async def scrape(self) -> str:
        """The /metrics answer: this process, or every worker of the group."""
        if self.workers is None:
            return self.prometheus_text()
        return await self.workers.scrape()

    def shutdown(self) -> None:
        self.meter_provider.shutdown()
        self.tracer_provider.shutdown()
        RECORDING.on = False
