"""The gateway: every component a request needs, built once from the config.

``routeiq.app`` (the composition root) builds one, puts the route table and the
middleware in front of it and runs its start-up in the lifespan nursery. The
handlers in ``routeiq.api`` read the components from it; this module imports
none of them, so imports only go downward (``tests/test_layers.py``).
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
from routeiq.background import BackgroundWork
from routeiq.background import bind_metrics as bind_background_metrics
from routeiq.blocklog import BlockLog
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
from routeiq.ssrf import Resolver
from routeiq.state import StateStore, open_store
from routeiq.telemetry import Telemetry

if TYPE_CHECKING:
    from routeiq.learned.service import LearnedRouting

RunFn = Callable[..., Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Step:
    """One start-up step: a component's ``run``, started with ``nursery.start`` (it
    calls ``task_status.started()`` once the component is ready) and cancelled at
    shutdown; what it holds is released in its own ``finally``. ``reloadable``: a
    reload replaces it (its cancel scope goes to ``Gateway.scopes``)."""

    name: str
    run: RunFn
    reloadable: bool = False


@dataclass(slots=True)
class Running:
    """A started step: its cancel scope and an event set once its task has ended."""

    name: str
    cancel_scope: trio.CancelScope
    ended: trio.Event


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
        resolver: Resolver | None = None,
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
        # ``transport`` and ``resolver``: a test's fake network (``routeiq.testing``),
        # which the agents are on too; the SSRF checks resolve names with ``resolver``.
        agent_http = None if transport is None else httpx.AsyncClient(transport=transport)
        self.a2a = A2AGateway(a2a, ssrf, self.store, http=agent_http, resolver=resolver)
        self.mcp = MCPGateway(mcp, ssrf, self.store, resolver)
        injection = config.routeiq.guardrails.injection
        if mcp.enabled and injection is not None and injection.enabled:
            # Tool results are indirect input: judged with the injection guardrail.
            self.mcp.tool_result_hook = tool_result_scanner(injection)
        # The response cache (routeiq.cache): L1/L2/semantic tiers, shared on Redis.
        self.cache = CacheService(config.routeiq.cache, self.store, state=config.routeiq.state)
        # Answers are kept per model group: an alias and its group share them.
        self.cache.group_of = lambda model: self.router.resolver.canonical(model)
        self.cache.priced = lambda group: self._group_prices(group) is not None
        self.pipeline.embedder = self.cache.embedder  # the injection embedding pass's
        self.cache.bind_metrics(meter)
        # Virtual keys, teams, limits, budgets and spend logs (needs the master key).
        self.governance = open_governance(config, self.pricing, meter)
        # Guardrail blocks and policy denials as metadata rows (the console's plots).
        self.blocks: BlockLog | None = None
        if self.governance is not None:
            self.blocks = BlockLog(self.governance.db)
            self.pipeline.on_block = self.policy.on_block = self.blocks.record
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
        self.cancel_scopes: list[trio.CancelScope] = []
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
        self._started: list[Running] = []
        #: Step names in the order they started and stopped (tests read it).
        self.started_order: list[str] = []
        self.stopped_order: list[str] = []
        bind_background_metrics(meter, self.background_work)

    def background_work(self) -> list[BackgroundWork]:
        """The bounded background work of this generation's components."""
        schemas = self.mcp.registry.schema_work
        return [self.router.writes, self.pipeline.work, self.cache.stores, schemas]

    def steps(self) -> list[Step]:
        """Start-up, in order; shutdown stops the steps that started in reverse."""

        async def translators(*, task_status: trio.TaskStatus[None]) -> None:
            # Imports litellm in a thread, only if a deployment needs translation.
            self.translators = await open_translators(self.config.deployments)
            task_status.started()

        async def loop_instrument(*, task_status: trio.TaskStatus[None]) -> None:
            trio.lowlevel.add_instrument(self.telemetry.loop)
            self.telemetry.watch_loop_stacks()  # diagnosis, ROUTEIQ_LOOP_STACKS=1
            try:
                task_status.started()
                await trio.sleep_forever()
            finally:
                try:
                    trio.lowlevel.remove_instrument(self.telemetry.loop)
                except KeyError:
                    pass

        async def gc_instrument(*, task_status: trio.TaskStatus[None]) -> None:
            self.telemetry.gc.install()
            try:
                task_status.started()
                await trio.sleep_forever()
            finally:
                self.telemetry.gc.uninstall()

        async def upstreams(*, task_status: trio.TaskStatus[None]) -> None:
            self.upstreams.open()
            try:
                task_status.started()
                await trio.sleep_forever()
            finally:
                with trio.CancelScope(shield=True):
                    await self.upstreams.aclose()  # this generation's pool (a reload swaps it)

        steps = [
            Step("store", self.store.run),
            Step("router", self.router.run, reloadable=True),
            Step("spend", self.spend.run),
        ]
        if self.governance is not None:  # opens and migrates the database
            steps.append(Step("governance", self.governance.run))
        if self.blocks is not None:  # writes to the database governance opened
            steps.append(Step("block log", self.blocks.run))
        steps += [
            Step("translators", translators),
            Step("a2a", self.a2a.run),
            Step("mcp", self.mcp.run),
            Step("loop instrument", loop_instrument),
        ]
        if self.telemetry.workers is not None:  # --workers N: publish for the group's scrapes
            steps.append(Step("worker metrics", self.telemetry.workers.run))
        steps += [
            Step("gc instrument", gc_instrument),
            Step("upstreams", upstreams),
            Step("guardrails", self.pipeline.run),  # compiled in a thread
            Step("cache", self.cache.run),  # the embedding model loads in a thread
            Step("policy", self.policy.run),  # loads the rules file, then watches it
        ]
        if self.config.general.background_health_checks:
            steps.append(Step("health checks", self.health.run, reloadable=True))
        steps.append(Step("shared models", self.shared_models.run))
        if not self.config.source.startswith("<"):  # from a file: SIGHUP reloads it
            steps.append(Step("sighup", self.reloader.watch_sighup))
        if self.learned is not None:
            steps.append(Step("learned routes", self._run_learned))
        return steps

    async def _run_learned(self, *, task_status: trio.TaskStatus[None]) -> None:
        learned = self.learned
        assert learned is not None
        # One embedder (model and micro-batcher) for the semantic cache and the router.
        embedder = learned.embedder or self.cache.embedder
        if embedder is None:
            from routeiq.cache.embedder import Embedder

            # The semantic cache's runtime (default onnx-int8), also when the
            # cache is off: router files are trained on it (`router train`).
            embedder = Embedder(runtime=self.config.routeiq.cache.semantic.runtime)
        async with trio.open_nursery() as nursery:
            if embedder is not self.cache.embedder:
                await nursery.start(embedder.run)
            learned.embedder = embedder
            self.pipeline.embedder = embedder
            await nursery.start(learned.run)  # router files load in a thread
            task_status.started()

    async def startup(self, nursery: trio.Nursery) -> None:
        """Start :meth:`steps` in order, each with ``nursery.start``; ready once all are."""
        self.nursery = nursery
        for step in self.steps():
            running: Running = await nursery.start(self._host, step)
            self._started.append(running)
            self.started_order.append(step.name)
            if step.reloadable:
                self.cancel_scopes.append(running.cancel_scope)
        self.ready = True

    async def shutdown(self) -> None:
        """The mirror of :meth:`startup`: cancel the steps that started, last first,
        each ended before the next (the cache's stores end before the store does)."""
        self.ready = False
        started, self._started = self._started, []
        for running in reversed(started):
            running.cancel_scope.cancel()
            await running.ended.wait()
            self.stopped_order.append(running.name)
        self.telemetry.shutdown()

    @staticmethod
    async def _host(step: Step, *, task_status: trio.TaskStatus[Running]) -> None:
        """Run one step under a cancel scope handed back with the event of its end."""
        ended = trio.Event()
        try:
            with trio.CancelScope() as cancel_scope:
                async with trio.open_nursery() as nursery:
                    await nursery.start(step.run)
                    task_status.started(Running(step.name, cancel_scope, ended))
        finally:
            ended.set()

    async def run_scoped(
        self,
        fn: Callable[..., Awaitable[None]],
        *,
        task_status: trio.TaskStatus[trio.CancelScope] = trio.TASK_STATUS_IGNORED,
    ) -> None:
        """Run ``fn`` (started with ``nursery.start``) under a cancel scope of its own,
        handed back to the caller: a reload stops the old generation's tasks with it."""
        with trio.CancelScope() as cancel_scope:
            async with trio.open_nursery() as nursery:
                await nursery.start(fn)
                task_status.started(cancel_scope)

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
