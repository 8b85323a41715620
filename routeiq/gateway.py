"""The gateway: every component a request needs, built once from the config.

``routeiq.app`` (the composition root) builds one, puts the route table and the
middleware in front of it and runs its start-up in the lifespan nursery. The
handlers in ``routeiq.api`` read the components from it; this module imports
none of them, so imports only go downward (``tests/core/test_layers.py``).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import trio

from routeiq import __version__
from routeiq.a2a import A2AGateway
from routeiq.api.flow import Stage
from routeiq.api.validate import Limits
from routeiq.asgi.auth import KeyInfo, KeyRing
from routeiq.asgi.types import RequestContext, Scope
from routeiq.cache.metrics import prometheus_lookup_histogram as cache_lookup_histogram
from routeiq.cache.service import CacheService
from routeiq.config import Config
from routeiq.config_share import SharedModels
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

StartFn = Callable[[trio.Nursery], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Step:
    """One start-up step: ``start`` (returns once the component is ready) and, when
    it holds something a task cancel does not release, ``stop``."""

    name: str
    start: StartFn
    stop: Callable[[], Awaitable[None]] | None = None


class Gateway:
    """Everything a request needs, built once from the config."""

    version = __version__

    def __init__(
        self,
        config: Config,
        lifecycle: Lifecycle | None = None,
        *,
        routes: Iterable[str] = (),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
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
        self.upstreams = UpstreamPool(config, transport)
        self.telemetry = Telemetry(
            config.routeiq.telemetry, routes=routes, models=config.groups.keys()
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
        self.pipeline.embedder = self.cache.embedder  # the injection embedding pass's
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
            from routeiq.db.base import database_url, open_database
            from routeiq.learned.service import LearnedRouting

            self.learned = LearnedRouting(
                config.learned,
                prices=self._group_prices,
                database=lambda: open_database(
                    database_url(config.database_url),
                    config.routeiq.governance.resolved_data_dir(),
                ),
            )
            self.learned.bind_metrics(meter)
        self.telemetry.add_text_source(lambda: cache_lookup_histogram(self.cache.stats))
        # The request path's stages (routeiq.api.stages), set by the app factory.
        self.chat_stages: list[Stage] = []
        self.embedding_stages: list[Stage] = []
        self.ready = False
        self.started_at = time.time()
        self.nursery: trio.Nursery | None = None
        self._started: list[Step] = []

    def steps(self) -> list[Step]:
        """Start-up, in order; shutdown walks the steps that started in reverse."""

        def task(fn: Callable[..., Awaitable[None]]) -> StartFn:
            async def start(nursery: trio.Nursery) -> None:
                await nursery.start(fn)

            return start

        def scoped(fn: Callable[[], Callable[..., Awaitable[None]]]) -> StartFn:
            # A reload stops this generation's task with its cancel scope (routeiq.reload).
            async def start(nursery: trio.Nursery) -> None:
                self.scopes.append(await nursery.start(self.run_scoped, fn()))

            return start

        async def translators(nursery: trio.Nursery) -> None:
            # Imports litellm in a thread, only if a deployment needs translation.
            self.translators = await open_translators(self.config.deployments)

        async def instrument(nursery: trio.Nursery) -> None:
            trio.lowlevel.add_instrument(self.telemetry.loop)
            self.telemetry.watch_loop_stacks()  # diagnosis, ROUTEIQ_LOOP_STACKS=1

        async def uninstrument() -> None:
            try:
                trio.lowlevel.remove_instrument(self.telemetry.loop)
            except KeyError:
                pass

        async def gc_on(nursery: trio.Nursery) -> None:
            self.telemetry.gc.install()

        async def gc_off() -> None:
            self.telemetry.gc.uninstall()

        async def upstreams_on(nursery: trio.Nursery) -> None:
            self.upstreams.open()

        async def upstreams_off() -> None:
            await self.upstreams.aclose()  # this generation's pool (a reload swaps it)

        steps = [
            Step("store", task(self.store.run)),
            Step("router", scoped(lambda: self.router.run)),
            Step("spend", task(self.spend.run)),
        ]
        if self.governance is not None:  # opens and migrates the database
            steps.append(Step("governance", task(self.governance.run)))
        steps += [
            Step("translators", translators),
            Step("a2a", self.a2a.start, self.a2a.aclose),
            Step("mcp", self.mcp.start, self.mcp.aclose),
            Step("loop instrument", instrument, uninstrument),
        ]
        if self.telemetry.workers is not None:  # --workers N: publish for the group's scrapes
            steps.append(Step("worker metrics", task(self.telemetry.workers.run)))
        steps += [
            Step("gc instrument", gc_on, gc_off),
            Step("upstreams", upstreams_on, upstreams_off),
            Step("guardrails", self.pipeline.start),  # compiled in a thread
            Step("cache", self.cache.start),  # the embedding model loads in a thread
            Step("policy", task(self.policy.run)),  # loads the rules file, then watches it
        ]
        if self.config.general.background_health_checks:
            steps.append(Step("health checks", scoped(lambda: self.health.run)))
        steps.append(Step("shared models", task(self.shared_models.run)))
        if not self.config.source.startswith("<"):  # from a file: SIGHUP reloads it
            steps.append(Step("sighup", task(self.reloader.watch_sighup)))
        if self.learned is not None:
            steps.append(Step("learned routes", self._start_learned))
        return steps

    async def _start_learned(self, nursery: trio.Nursery) -> None:
        learned = self.learned
        assert learned is not None
        # One embedder (model and micro-batcher) for the semantic cache and the router.
        embedder = learned.embedder or self.cache.embedder
        if embedder is None:
            from routeiq.cache.embedder import Embedder

            # The semantic cache's runtime (default onnx-int8), also when the
            # cache is off: router files are trained on it (`router train`).
            embedder = Embedder(runtime=self.config.routeiq.cache.semantic.runtime)
        if embedder is not self.cache.embedder:
            await nursery.start(embedder.run)
        learned.embedder = embedder
        self.pipeline.embedder = embedder
        await learned.start(nursery)  # router files load in a thread

    async def startup(self, nursery: trio.Nursery) -> None:
        """Run :meth:`steps` in order; ready once all have started."""
        self.nursery = nursery
        for step in self.steps():
            await step.start(nursery)
            self._started.append(step)
        self.ready = True

    async def shutdown(self) -> None:
        """The mirror of :meth:`startup`: stop what started, last first. Background
        tasks end with the lifespan nursery that owns them."""
        self.ready = False
        started, self._started = self._started, []
        for step in reversed(started):
            if step.stop is not None:
                await step.stop()
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
