"""The app factory: wires the components and owns the lifespan nursery.

Request path (pure ASGI, outermost first)::

    request_id -> auth -> backpressure/drain -> Dispatcher
        hot routes (/v1/..., /health/..., /metrics)  -> pure ASGI handlers
        everything else (admin, later protocols)      -> Quart-Trio app

The Quart-Trio app hosts the lifespan: its nursery is the one nursery that
owns every background task, started with ``nursery.start``. The chat path
skips Quart's per-request machinery (measured by bench/hot_path.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import trio
from quart import Response
from quart_trio import QuartTrio

from routeiq import __version__
from routeiq.a2a import A2AGateway
from routeiq.api import a2a as a2a_api
from routeiq.api import admin, cache_admin, config_admin, debug, governance_admin, health, openai
from routeiq.api import mcp as mcp_api
from routeiq.api.stages import stages_for
from routeiq.api.validate import Limits
from routeiq.asgi.auth import AuthMiddleware, KeyInfo, KeyRing
from routeiq.asgi.backpressure import BackpressureMiddleware
from routeiq.asgi.body_gate import BodyGate
from routeiq.asgi.policy import PolicyMiddleware
from routeiq.asgi.request_id import RequestIdMiddleware
from routeiq.asgi.respond import send_error
from routeiq.asgi.response_headers import decision_headers
from routeiq.asgi.types import ASGIApp, Receive, RequestContext, Scope, Send, get_ctx
from routeiq.cache.metrics import prometheus_lookup_histogram as cache_lookup_histogram
from routeiq.cache.service import CacheService
from routeiq.config import Config
from routeiq.config_share import SharedModels
from routeiq.errors import (
    ClientClosed,
    MethodNotAllowed,
    NotFound,
    RouteIQError,
)
from routeiq.governance.wiring import open_governance
from routeiq.lifecycle import Lifecycle
from routeiq.llm.health_check import HealthChecker
from routeiq.llm.translated.runtime import open_translators
from routeiq.llm.upstream import UpstreamPool
from routeiq.mcp import MCPGateway
from routeiq.netguard import bind_metrics as bind_accept_metrics
from routeiq.plugins.pipeline import Pipeline
from routeiq.plugins.tool_results import tool_result_scanner
from routeiq.policy.engine import PolicyEngine
from routeiq.policy.engine import bind_metrics as bind_policy_metrics
from routeiq.pricing import PriceBook, SpendTracker
from routeiq.reload import Reloader
from routeiq.routing.breaker_metrics import bind_metrics as bind_breaker_metrics
from routeiq.routing.router import Router
from routeiq.state import StateStore, open_store
from routeiq.telemetry import Telemetry

if TYPE_CHECKING:
    from routeiq.learned.service import LearnedRouting

log = logging.getLogger("routeiq")

Handler = Callable[["Gateway", Scope, Receive, Send], Awaitable[None]]

HOT_ROUTES: dict[str, tuple[str, Handler]] = {
    "/v1/chat/completions": ("POST", openai.chat_completions),
    "/chat/completions": ("POST", openai.chat_completions),
    "/v1/embeddings": ("POST", openai.embeddings),
    "/embeddings": ("POST", openai.embeddings),
    "/v1/models": ("GET", openai.models),
    "/models": ("GET", openai.models),
    "/health/live": ("GET", health.live),
    "/health/ready": ("GET", health.ready),
    "/metrics": ("GET", health.metrics),
    # LiteLLM's health routes: /health checks every deployment (needs a key).
    "/health": ("GET", health.deployments),
    "/health/liveliness": ("GET", health.live),
    "/health/readiness": ("GET", health.ready),
}
OPEN_PATHS = frozenset(
    {"/health/live", "/health/ready", "/metrics", "/health/liveliness", "/health/readiness"}
)


class Gateway:
    """Everything a request needs, built once from the config."""

    version = __version__

    def __init__(self, config: Config, lifecycle: Lifecycle | None = None) -> None:
        self.config = config
        server = config.routeiq.server
        self.limits = Limits(max_messages=server.max_messages, max_depth=server.max_json_depth)
        self.lifecycle = lifecycle or Lifecycle(server.max_in_flight)
        # routeiq.routing is used when the config has it.
        self.store: StateStore = open_store(config.routeiq.state)
        # Token prices: litellm's price map (read once, without importing litellm)
        # under the deployments' own prices; spend per key/team/model in the store.
        self.pricing = PriceBook.load(config.deployments)
        self.spend = SpendTracker(self.store, models=config.groups.keys())
        self.router = Router(
            config.groups,
            router_settings=config.router,
            settings=config.routeiq.routing,
            store=self.store,
            prices=self.pricing.blended(),
        )
        # Adapters of providers beyond the OpenAI format, built in startup (litellm).
        self.translators: dict[str, Any] = {}
        self.upstreams = UpstreamPool(config)
        self.telemetry = Telemetry(
            config.routeiq.telemetry, routes=HOT_ROUTES.keys(), models=config.groups.keys()
        )
        self.telemetry.bind_in_flight(lambda: self.lifecycle.in_flight)
        self.keys = KeyRing()
        if config.master_key:
            self.keys.add(config.master_key, KeyInfo("master", None, None, True))
        for i, k in enumerate(config.routeiq.auth.keys):
            self.keys.add(k.key, KeyInfo(k.name or f"key-{i}", k.team, k.user, False))
        # Plugins and guardrails (compiled in startup, per key and team) and the policy.
        identities = [("master", None)] + [
            (k.name or f"key-{i}", k.team) for i, k in enumerate(config.routeiq.auth.keys)
        ]
        self.identities = identities
        self.pipeline = Pipeline(config.routeiq.guardrails, config.routeiq.plugins, identities)
        self.policy = PolicyEngine(config.routeiq.policy)
        meter = self.telemetry.meter_provider.get_meter("routeiq")
        self.pipeline.bind_metrics(meter)
        bind_policy_metrics(self.policy, meter)
        self.spend.bind_metrics(meter)
        bind_breaker_metrics(self.router.breakers, self.router.clock, meter)
        bind_accept_metrics(meter)  # accept() failures (EMFILE...), counted by routeiq.netguard
        self.telemetry.bind_state(self.store)
        # A2A and MCP gateways (routeiq.a2a / routeiq.mcp / routeiq.ssrf when the config has them).
        ssrf = config.routeiq.ssrf
        a2a = config.routeiq.a2a
        mcp = config.routeiq.mcp
        self.a2a = A2AGateway(a2a, ssrf, self.store)
        self.mcp = MCPGateway(mcp, ssrf, self.store)
        injection = config.routeiq.guardrails.injection
        if mcp.enabled and injection is not None and injection.enabled:
            # Tool results are indirect input: judged with the injection guardrail.
            self.mcp.tool_result_hook = tool_result_scanner(injection)
        # The response cache (routeiq.cache): L1/L2/semantic tiers, shared on Redis.
        self.cache = CacheService(config.routeiq.cache, self.store, state=config.routeiq.state)
        self.cache.bind_metrics(meter)
        # Virtual keys, teams, limits, budgets and spend logs (needs the master key).
        self.governance = open_governance(config, self.pricing, meter)
        general = config.general
        self.health = HealthChecker(
            config.deployments,
            lambda: self.upstreams.targets,
            lambda: self.translators,
            on_failure=self.health_failed,
            interval=general.health_check_interval,
        )
        # Hot reload and runtime model edits (routeiq.reload); the cancel scopes of
        # this generation's background tasks (router, health checks).
        self.reloader = Reloader(self)
        db = self.governance.db if self.governance is not None else None
        self.shared_models = SharedModels(self.reloader, self.store, db)
        self.scopes: list[trio.CancelScope] = []
        # Learned routes (routeiq.learned): numpy loads only when the config has one.
        self.learned: LearnedRouting | None = None
        if config.learned:
            from routeiq.learned.service import LearnedRouting

            self.learned = LearnedRouting(config.learned, prices=self._group_prices)
            self.learned.bind_metrics(meter)
        self.telemetry.add_text_source(lambda: cache_lookup_histogram(self.cache.stats))
        # The request path's stages (routeiq.api.stages): built once, state per request.
        self.chat_stages, self.embedding_stages = stages_for(self)
        self.ready = False
        self.started_at = time.time()
        self.nursery: trio.Nursery | None = None

    async def startup(self, nursery: trio.Nursery) -> None:
        self.nursery = nursery
        await nursery.start(self.store.run)
        self.scopes.append(await nursery.start(self.run_scoped, self.router.run))
        await nursery.start(self.spend.run)
        if self.governance is not None:
            await nursery.start(self.governance.run)  # opens and migrates the database
        # Imports litellm in a thread, only if a deployment needs translation.
        self.translators = await open_translators(self.config.deployments)
        await self.a2a.start(nursery)
        await self.mcp.start(nursery)
        trio.lowlevel.add_instrument(self.telemetry.loop)
        if self.telemetry.workers is not None:  # --workers N: publish for the group's scrapes
            await nursery.start(self.telemetry.workers.run)
        self.telemetry.gc.install()
        self.upstreams.open()
        await self.pipeline.start(nursery)  # compiles the guardrails in a thread
        await self.cache.start(nursery)  # the embedding model loads in a thread
        await nursery.start(self.policy.run)  # loads the rules file, then watches it
        if self.config.general.background_health_checks:
            self.scopes.append(await nursery.start(self.run_scoped, self.health.run))
        await nursery.start(self.shared_models.run)  # other processes' runtime edits
        if not self.config.source.startswith("<"):  # from a file: SIGHUP reloads it
            await nursery.start(self.reloader.watch_sighup)
        if self.learned is not None:
            # One embedder (model and micro-batcher) for the semantic cache and the router.
            embedder = self.learned.embedder or self.cache.embedder
            if embedder is None:
                from routeiq.cache.embedder import Embedder

                embedder = Embedder()
            if embedder is not self.cache.embedder:
                await nursery.start(embedder.run)
            self.learned.embedder = embedder
            await self.learned.start(nursery)  # router files load in a thread
        self.ready = True

    async def shutdown(self) -> None:
        self.ready = False
        try:
            trio.lowlevel.remove_instrument(self.telemetry.loop)
        except KeyError:
            pass
        self.telemetry.gc.uninstall()
        await self.upstreams.aclose()
        await self.a2a.aclose()
        await self.mcp.aclose()
        self.telemetry.shutdown()

    async def run_scoped(
        self,
        fn: Callable[..., Awaitable[None]],
        *,
        task_status: trio.TaskStatus[trio.CancelScope] = trio.TASK_STATUS_IGNORED,
    ) -> None:
        """Run ``fn`` (started with ``nursery.start``) under a cancel scope of its own,
        handed back to the caller: a reload stops the old generation's tasks with it."""
        with trio.CancelScope() as scope:
            async with trio.open_nursery() as nursery:
                await nursery.start(fn)
                task_status.started(scope)

    def health_failed(self, deployment_id: str, until: float) -> None:
        self.router.breakers.force_open(deployment_id, until, trio.current_time())

    def _group_prices(self, group: str) -> tuple[float, float] | None:
        """(input, output) USD per token of a group's first priced deployment."""
        for dep in self.config.groups.get(group, ()):
            p = self.pricing.by_deployment.get(dep.id)
            if p is not None:
                return p.input, p.output
        return None

    def on_request_done(self, scope: Scope, ctx: RequestContext) -> None:
        self.telemetry.on_request_done(scope["path"], ctx, scope["method"])
        if self.governance is not None:
            self.governance.finish(ctx)
        if ctx.cost is not None:
            self.spend.record(ctx.cost, model=ctx.model, key=ctx.key_name, team=ctx.team)


def _quart_app(gw: Gateway) -> QuartTrio:
    app = QuartTrio("routeiq")
    app.register_blueprint(admin.blueprint(gw))
    app.register_blueprint(debug.blueprint())

    @app.errorhandler(RouteIQError)
    async def gateway_error(err: RouteIQError) -> Response:
        return Response(err.body_bytes(), status=err.status, content_type="application/json")

    @app.errorhandler(404)
    async def not_found(_: Any) -> Response:
        err = NotFound("No such route on this gateway")
        return Response(err.body_bytes(), status=404, content_type="application/json")

    @app.errorhandler(405)
    async def bad_method(_: Any) -> Response:
        err = MethodNotAllowed("Method not allowed on this route")
        return Response(err.body_bytes(), status=405, content_type="application/json")

    @app.before_serving
    async def start_components() -> None:
        await gw.startup(app.nursery)

    @app.after_serving
    async def stop_components() -> None:
        await gw.shutdown()

    return app


class Dispatcher:
    """Routes the hot paths to pure ASGI handlers; the rest (and the lifespan) to Quart."""

    def __init__(self, gw: Gateway, quart_app: ASGIApp) -> None:
        self.gw = gw
        self.quart_app = quart_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.quart_app(scope, receive, send)
            return
        route = HOT_ROUTES.get(scope["path"])
        if route is None:
            await self.quart_app(scope, receive, send)
            return
        method, handler = route
        ctx = get_ctx(scope)
        try:
            if scope["method"] != method and not (method == "GET" and scope["method"] == "HEAD"):
                raise MethodNotAllowed(f"Use {method} on {scope['path']}")
            await handler(self.gw, scope, receive, send)
        except ClientClosed:
            ctx.status = 499
        except RouteIQError as err:
            ctx.status = err.status
            await send_error(send, err, decision_headers(ctx))


def create_app(config: Config, lifecycle: Lifecycle | None = None) -> tuple[ASGIApp, Gateway]:
    """Build the ASGI app and the gateway it serves."""
    gw = Gateway(config, lifecycle)
    quart = _quart_app(gw)
    protocols = a2a_api.mount(gw.a2a, mcp_api.mount(gw.mcp, cast(ASGIApp, quart), gw.keys), gw.keys)
    protocols = cache_admin.mount(gw.cache, protocols, gw.keys)
    protocols = governance_admin.mount(gw.governance, protocols, gw.keys)
    protocols = config_admin.mount(gw, protocols, gw.keys)
    if gw.learned is not None:
        from routeiq.learned import api as learned_api

        protocols = learned_api.mount(gw.learned, protocols, gw.keys)
    inner: ASGIApp = Dispatcher(gw, protocols)
    inner = BackpressureMiddleware(
        inner, gw.lifecycle, OPEN_PATHS, config.routeiq.server.retry_after_seconds
    )
    inner = PolicyMiddleware(inner, gw.policy, OPEN_PATHS, config.routeiq.server.max_body_bytes)
    # The whole body, under its own deadline, before policy and backpressure count it.
    body_limit = max(
        config.routeiq.server.max_body_bytes,
        config.routeiq.a2a.max_body_bytes,
        config.routeiq.mcp.max_body_bytes,
    )
    inner = BodyGate(inner, body_limit, config.routeiq.server.body_timeout)
    inner = AuthMiddleware(inner, gw.keys, OPEN_PATHS, gw.governance)
    outer = RequestIdMiddleware(inner, gw.on_request_done)
    return outer, gw
