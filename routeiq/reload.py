"""Change without restart: a new config generation swapped in atomically.

``SIGHUP`` or ``POST /config/reload`` re-reads the config file; ``/model/new``,
``/model/update`` and ``/model/delete`` edit the deployments at runtime (kept in this
process's memory on top of the file). Either way a whole new generation is built
off to the side (router, upstream pools, translators, prices, guardrails, health
checker) and swapped onto the gateway in one step with no ``await`` in between, so a
new request sees all of the old generation or all of the new. A request already
running keeps the router it started with; the old upstream pools stay open until
every request that started before the swap has finished (or ``request_timeout``
passed). An invalid new config is rejected with its errors and the old one stays.

Settings read once at start-up (``routeiq.server``, ``state``, ``cache``, ``a2a``,
``mcp``, ``telemetry``, ``auth``, the master key) are not swapped: a change to them
is reported as needing a restart.
"""

from __future__ import annotations

import copy
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import trio

from routeiq.config import Config, load_config, read_config_document
from routeiq.deployment import ConfigError
from routeiq.errors import Unavailable
from routeiq.llm.health_check import HealthChecker
from routeiq.llm.translated.runtime import open_translators
from routeiq.llm.upstream import UpstreamPool
from routeiq.plugins.pipeline import Pipeline
from routeiq.pricing import PriceBook
from routeiq.routing.router import Router
from routeiq.state import StateStore
from routeiq.telemetry import Telemetry


class Gateway(Protocol):
    """What a reload reads and swaps on the gateway (``routeiq.gateway.Gateway``); a
    Protocol here, so that this module does not import the one that builds it."""

    config: Config
    pricing: PriceBook
    router: Router
    translators: dict[str, Any]
    upstreams: UpstreamPool
    pipeline: Pipeline
    health: HealthChecker
    cancel_scopes: list[trio.CancelScope]
    nursery: trio.Nursery | None
    identities: list[tuple[str, str | None]]
    store: StateStore
    telemetry: Telemetry

    def health_failed(self, deployment_id: str, until: float) -> None: ...

    async def run_scoped(
        self,
        fn: Callable[..., Awaitable[None]],
        *,
        task_status: trio.TaskStatus[trio.CancelScope] = trio.TASK_STATUS_IGNORED,
    ) -> None: ...


log = logging.getLogger("routeiq.reload")

#: routeiq sections built once at start-up: a change needs a restart.
RESTART_SECTIONS = ("server", "state", "cache", "a2a", "mcp", "telemetry", "auth", "upstream")


@dataclass
class ReloadResult:
    ok: bool
    errors: list[str] = field(default_factory=list)
    restart_needed: list[str] = field(default_factory=list)
    models: int = 0
    deployments: int = 0
    generation: int = 0

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": "reloaded" if self.ok else "rejected"}
        if self.ok:
            out.update(generation=self.generation, models=self.models)
            out["deployments"] = self.deployments
        if self.errors:
            out["errors"] = self.errors
        if self.restart_needed:
            out["restart_needed"] = self.restart_needed
        return out


def _entry_id(entry: Mapping[str, Any], index: int) -> str:
    info = entry.get("model_info")
    given = info.get("id") if isinstance(info, Mapping) else None
    return str(given or f"{entry.get('model_name')}-{index}")


class Reloader:
    """Builds and swaps config generations for one gateway (see the module docstring)."""

    def __init__(self, gw: Gateway) -> None:
        self.gw = gw
        self.generation = 0
        self._lock = trio.Lock()  # one rebuild at a time (each spans awaits)
        # Runtime model edits, on top of the file: id -> entry (new or replaced), and
        # ids deleted; shared with other processes by routeiq.config_share.
        self.runtime: dict[str, dict[str, Any]] = {}
        self.deleted: set[str] = set()

    # -- documents -------------------------------------------------------------

    def _base_document(self, from_file: bool) -> dict[str, Any]:
        source = self.gw.config.source
        if from_file:
            if not Path(source).is_file():
                raise ConfigError([("<file>", f"no config file to reload ({source})")])
            data = read_config_document(source)
            if not isinstance(data, dict):
                raise ConfigError([("<root>", "the configuration must be a mapping")])
            return data
        return copy.deepcopy(dict(self.gw.config.document))

    def _with_runtime(self, data: dict[str, Any]) -> dict[str, Any]:
        models = data.get("model_list")
        entries = list(models) if isinstance(models, list) else []
        out: list[Any] = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                out.append(entry)
                continue
            dep_id = _entry_id(entry, i)
            if dep_id in self.deleted or dep_id in self.runtime:
                continue
            entry = dict(entry)
            entry["model_info"] = {**(entry.get("model_info") or {}), "id": dep_id}
            out.append(entry)
        out.extend(copy.deepcopy(list(self.runtime.values())))
        return {**data, "model_list": out}

    def file_entry(self, dep_id: str) -> dict[str, Any] | None:
        """The current document's entry of ``dep_id`` (ids made explicit)."""
        doc = self._with_runtime(copy.deepcopy(dict(self.gw.config.document)))
        for entry in doc["model_list"]:
            if isinstance(entry, dict) and entry["model_info"].get("id") == dep_id:
                return dict(entry)
        return None

    # -- reloads -----------------------------------------------------------------

    async def reload(self, *, from_file: bool = True) -> ReloadResult:
        """Re-read the file (or rebuild from the current document) and swap it in."""
        if self.gw.nursery is None:
            raise Unavailable("The gateway is still starting; retry shortly")
        async with self._lock:
            try:  # file I/O and validation (a few ms) off the event loop
                base, config = await trio.to_thread.run_sync(self._load, from_file)
            except ConfigError as exc:
                errors = [f"{p}: {m}" for p, m in exc.problems]
                log.warning("reload rejected: %s", "; ".join(errors))
                return ReloadResult(False, errors)
            # The document kept is the file's (runtime edits are re-applied each time).
            config = _replace_document(config, base)
            restart = self._restart_needed(config)
            await self._swap(config)
            for line in config.warnings:
                log.warning("%s", line)
            return ReloadResult(
                True,
                restart_needed=restart,
                models=len(config.groups),
                deployments=len(config.deployments),
                generation=self.generation,
            )

    def _load(self, from_file: bool) -> tuple[dict[str, Any], Config]:
        base = self._base_document(from_file)
        config = load_config(
            self._with_runtime(base),
            source=self.gw.config.source,
            allow_unsupported=self.gw.config.allowed_unsupported or None,
        )
        return base, config

    def _restart_needed(self, new: Config) -> list[str]:
        old = self.gw.config
        out = [
            f"routeiq.{name}"
            for name in RESTART_SECTIONS
            if getattr(old.routeiq, name) != getattr(new.routeiq, name)
        ]
        if old.master_key != new.master_key:
            out.append("general_settings.master_key")
        return out

    async def _swap(self, config: Config) -> None:
        gw = self.gw
        nursery = gw.nursery
        assert nursery is not None, "the gateway is not started"
        # Build everything first (this awaits: threads for prices, litellm, guardrails).
        pricing = await trio.to_thread.run_sync(PriceBook.load, config.deployments)
        router = Router(
            config.groups,
            router_settings=config.router,
            settings=config.routeiq.routing,
            store=gw.store,
            prices=pricing.blended(),
        )
        _carry_state(gw.router, router)
        translators = await open_translators(config.deployments)
        upstreams = UpstreamPool(config, gw.upstreams.transport)  # a test's fake stays
        upstreams.open()
        pipeline = gw.pipeline
        if (config.routeiq.guardrails, config.routeiq.plugins) != (
            gw.config.routeiq.guardrails,
            gw.config.routeiq.plugins,
        ):
            pipeline = Pipeline(config.routeiq.guardrails, config.routeiq.plugins, gw.identities)
            pipeline.on_block = gw.pipeline.on_block  # the block log carries on
            pipeline.embedder = gw.pipeline.embedder
            await nursery.start(pipeline.run)
        health = HealthChecker(
            config.deployments,
            lambda: gw.upstreams.targets,
            lambda: gw.translators,
            on_failure=gw.health_failed,
            interval=config.general.health_check_interval,
        )
        router_scope = await nursery.start(gw.run_scoped, router.run)
        health_scope = None
        if config.general.background_health_checks:
            health_scope = await nursery.start(gw.run_scoped, health.run)
        # Targets and adapters of removed deployments stay reachable for requests that
        # are still retrying on the old router; they are never routed to again.
        old_pool = gw.upstreams
        upstreams.targets = {**old_pool.targets, **upstreams.targets}
        translators = {**gw.translators, **translators}
        # -- the swap: no await from here to the end of the block ----------------
        old_scopes = gw.cancel_scopes
        old_router = gw.router
        old_pipeline = gw.pipeline
        gw.config = config
        gw.pricing = pricing
        gw.router = router
        gw.translators = translators
        gw.upstreams = upstreams
        gw.pipeline = pipeline
        gw.health = health
        gw.cancel_scopes = [router_scope] + ([health_scope] if health_scope is not None else [])
        gw.telemetry.set_models(config.groups.keys())  # a model added now is labelled
        self.generation += 1
        # ------------------------------------------------------------------------
        for cancel_scope in old_scopes:
            cancel_scope.cancel()
        if old_pipeline is not pipeline:
            old_pipeline.retire()  # its post-call work in flight finishes first
        grace = config.routeiq.server.request_timeout
        nursery.start_soon(self._retire, old_pool, old_router, grace)
        log.info(
            "config generation %d: %d models, %d deployments",
            self.generation,
            len(config.groups),
            len(config.deployments),
        )

    async def _retire(self, pool: UpstreamPool, router: Router, grace: float) -> None:
        """Close ``pool`` once the old router has had no attempt in flight twice in a
        row half a second apart (requests that began before the swap use it), or after
        ``request_timeout``: the longest any of them may run."""
        quiet = 0
        with trio.move_on_after(grace):
            while quiet < 2:
                await trio.sleep(0.5)
                busy = any(s.in_flight for s in router.stats.values())
                quiet = 0 if busy else quiet + 1
        await pool.aclose()

    async def watch_sighup(
        self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
    ) -> None:
        """Reload on every SIGHUP until cancelled."""
        with trio.open_signal_receiver(signal.SIGHUP) as signals:
            task_status.started()
            async for _ in signals:
                result = await self.reload()
                if result.ok:
                    log.info("SIGHUP: %s", result.body())


def _replace_document(config: Config, document: Mapping[str, Any]) -> Config:
    from dataclasses import replace

    return replace(config, document=document)


def _carry_state(old: Router, new: Router) -> None:
    """Deployments that stay keep their latency/usage stats and breaker state."""
    for dep_id, stats in old.stats.items():
        mine = new.stats.get(dep_id)
        if mine is not None:  # in_flight stays the old router's (its requests end there)
            mine.latency, mine.ttft = stats.latency, stats.ttft
    for dep_id, breaker in old.breakers.breakers.items():
        if dep_id in new.breakers.breakers:
            new.breakers.breakers[dep_id] = breaker
