"""The router: model groups, per-deployment stats, breakers, affinity, strategy.

``Router`` holds everything a routing decision reads; the decision itself is
made by the pure pieces (``strategies``, ``breaker``, ``retry``) and driven per
request by ``executor.route_and_call``. Start :meth:`Router.run` in the
lifespan nursery: it carries background writes to a remote store and keeps
breakers in step with other instances.

Breaker sharing (any store; it matters with Redis): when a breaker opens
because of what this instance saw, the router stores ``br:<deployment>`` =
``<instance>|<open-until, wall-clock epoch>`` with a TTL of the cool-down and
publishes the same on ``routing.breaker``. Every instance applies what it
receives (and re-reads the keys every ``breaker_sync_interval`` in case a
message was lost) by opening its own breaker until that time, converted to its
own trio clock. Only "open" travels: closing is each instance's own probing.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

import trio

from routeiq.background import BackgroundWork
from routeiq.config import RouterSettings
from routeiq.deployment import Deployment
from routeiq.errors import ModelNotFound
from routeiq.routing.affinity import AffinityTable
from routeiq.routing.breaker import BreakerBoard
from routeiq.routing.filters import by_tags, fits
from routeiq.routing.modes import ModeTable
from routeiq.routing.resolve import ModelResolver
from routeiq.routing.settings import RoutingSettings
from routeiq.routing.strategies import DeploymentStats, canonical_strategy, make_strategy
from routeiq.state.base import StateStore
from routeiq.state.memory import MemoryStore

log = logging.getLogger("routeiq.routing")

BREAKER_CHANNEL = "routing.breaker"
BREAKER_KEY = "br:"
USAGE_KEY = "use:"


def deployment_price(dep: Deployment) -> float | None:
    """Price of one input plus one output token, from the deployment's
    ``input_cost_per_token``/``output_cost_per_token`` (litellm_params) or its
    ``model_info``; ``None`` when neither is configured."""
    info = getattr(dep, "model_info", None) or {}
    prices = []
    for name in ("input_cost_per_token", "output_cost_per_token"):
        value = getattr(dep, name, None)
        if value is None and isinstance(info, Mapping):
            value = info.get(name)
        prices.append(value)
    if all(p is None for p in prices):
        return None
    return sum(float(p or 0.0) for p in prices)


def _chains(entries: Iterable[Mapping[str, Sequence[str]]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for entry in entries:
        for model, targets in entry.items():
            out[model] = out.get(model, ()) + tuple(targets)
    return out


class Router:
    """Routing state of one gateway instance (see module docstring)."""

    def __init__(
        self,
        groups: Mapping[str, Sequence[Deployment]],
        seed: int | None = None,
        *,
        router_settings: RouterSettings | None = None,
        settings: RoutingSettings | None = None,
        store: StateStore | None = None,
        prices: Mapping[str, float | None] | None = None,
        clock: Callable[[], float] = trio.current_time,
        wall: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        rs = router_settings or RouterSettings()
        self.settings = settings or RoutingSettings()
        self.groups = groups
        self.num_retries = rs.num_retries
        self.strategy_name = canonical_strategy(rs.routing_strategy)
        self.choose_fn = make_strategy(
            self.strategy_name, latency_tolerance=self.settings.latency_buffer
        )
        self.usage_based = self.strategy_name == "usage-based"
        self.fallbacks = _chains(rs.fallbacks)
        if rs.default_fallbacks and "*" not in self.fallbacks:
            self.fallbacks["*"] = tuple(rs.default_fallbacks)
        self.resolver = ModelResolver(groups, rs.model_group_alias)
        self.modes = ModeTable(groups)  # model_info.mode, for the chat/embeddings check
        self.tag_filtering = rs.enable_tag_filtering
        self.pre_call_checks = rs.enable_pre_call_checks
        self.context_fallbacks = _chains(rs.context_window_fallbacks)
        self.clock = clock
        self.wall = wall
        self.rng = rng or random.Random(seed)
        self.by_id: dict[str, Deployment] = {d.id: d for g in groups.values() for d in g}
        prices = prices or {}
        self.stats: dict[str, DeploymentStats] = {
            i: DeploymentStats(prices[i] if i in prices else deployment_price(d))
            for i, d in self.by_id.items()
        }
        self.store: StateStore = store if store is not None else MemoryStore(max_keys=100_000)
        # A remote store's writes go to the background; the memory store's never suspend.
        self.inline_writes = self.store.name == "memory"
        self.affinity = AffinityTable(self.store, self.settings.affinity, wall)
        self.breakers = BreakerBoard(self.settings.breaker, self.by_id, self._on_local_open)
        self.instance = uuid.uuid4().hex[:12]
        # Deferred store writes (bounded; routeiq.background), hosted by ``run``.
        self.writes = BackgroundWork("routing_writes", self.settings.max_pending_writes)

    @property
    def pending_writes(self) -> int:
        return self.writes.pending

    @property
    def dropped_writes(self) -> int:
        return self.writes.dropped

    # -- choosing --------------------------------------------------------------

    def group(self, model: str) -> Sequence[Deployment]:
        group = self.groups.get(model) or self.resolver.resolve(model)
        if not group:
            raise ModelNotFound(
                f"The model '{model[:256]}' does not exist on this gateway", param="model"
            )
        return group

    def pick(
        self,
        candidates: Sequence[Deployment],
        *,
        stream: bool = False,
        avoid: set[str] | frozenset[str] = frozenset(),
    ) -> Deployment:
        """Breaker filter, then the strategy. Deployments in ``avoid`` (failed
        earlier in this request) are skipped while any other is available."""
        now = self.clock()
        if avoid:
            rest = [d for d in candidates if d.id not in avoid]
            if rest and any(self.breakers.available(d.id, now) for d in rest):
                candidates = rest
        candidates = self.breakers.filter(candidates, now)
        if len(candidates) == 1:
            return candidates[0]
        return self.choose_fn(candidates, self.stats, self.rng, stream=stream)

    def has(self, model: str) -> bool:
        return model in self.groups or self.resolver.resolve(model) is not None

    def candidates(
        self, model: str, tags: frozenset[str] | None, tokens: int | None
    ) -> Sequence[Deployment]:
        """The group's deployments this request may use (tags, context window)."""
        if not (self.tag_filtering or self.pre_call_checks):
            return self.group(model)  # the common case: no copy
        group = list(self.group(model))
        if self.tag_filtering:
            group = by_tags(group, tags)
        if self.pre_call_checks and tokens is not None:
            group = [d for d in group if fits(d, tokens)]
        return group

    def group_available(self, model: str) -> bool:
        """True when some deployment of ``model`` has a closed (or probing) breaker."""
        now = self.clock()
        return any(self.breakers.available(d.id, now) for d in self.groups.get(model, ()))

    def choose(self, model: str) -> Deployment:
        """One deployment of ``model`` (no affinity, no fresh usage counters)."""
        return self.pick(self.group(model))

    def fallback_chain(self, model: str) -> tuple[str, ...]:
        return self.fallbacks.get(model) or self.fallbacks.get("*", ())

    def context_chain(self, model: str) -> tuple[str, ...]:
        return self.context_fallbacks.get(model) or self.context_fallbacks.get("*", ())

    # -- usage counters (usage-based strategy) -----------------------------------

    def _usage_base(self) -> str:
        return f":{int(self.wall() // self.settings.usage_window)}:"

    async def load_usage(self, candidates: Sequence[Deployment]) -> None:
        """Read the shared rpm/tpm counters of ``candidates`` into ``stats`` (one
        round trip). Keys: ``use:<deployment>:<window number>:r`` / ``:t``."""
        suffix = self._usage_base()
        keys: list[str] = []
        for d in candidates:
            base = USAGE_KEY + d.id + suffix
            keys.append(base + "r")
            keys.append(base + "t")
        values = await self.store.get_many(keys)
        stats = self.stats
        for i, d in enumerate(candidates):
            s = stats[d.id]
            rpm, tpm = values[2 * i], values[2 * i + 1]
            s.rpm_used = 0 if rpm is None else int(rpm)
            s.tpm_used = 0 if tpm is None else int(tpm)

    async def count_usage(self, dep_id: str, *, requests: int = 0, tokens: int = 0) -> None:
        """Add to the shared counters of the current window."""
        base = USAGE_KEY + dep_id + self._usage_base()
        rpm_key, tpm_key = base + "r", base + "t"
        ttl = self.settings.usage_window
        if requests:
            await self.write(self.store.incr, rpm_key, requests, ttl)
        if tokens:
            await self.write(self.store.incr, tpm_key, tokens, ttl)

    # -- background writes -------------------------------------------------------

    async def write(self, fn: Callable[..., Awaitable[Any]], *args: Any) -> None:
        """Run a store write: inline on the memory store (it never suspends),
        else in the background, bounded by ``max_pending_writes``."""
        if self.inline_writes or not self.writes.running:
            await fn(*args)
            return
        self.writes.spawn(self._background, fn, args)

    async def _background(self, fn: Callable[..., Awaitable[Any]], args: tuple[Any, ...]) -> None:
        try:
            await fn(*args)
        except (ValueError, RuntimeError) as exc:  # a caller error or CAS contention
            log.warning("routing: background write failed: %r", exc)

    # -- breaker sharing ---------------------------------------------------------

    def _on_local_open(self, dep_id: str, open_until: float) -> None:
        if not self.writes.running:
            return  # not running (unit tests): nothing to share with
        wall_until = self.wall() + (open_until - self.clock())
        value = f"{self.instance}|{wall_until:.6f}".encode()
        ttl = max(open_until - self.clock(), 0.001)
        self.writes.spawn(self._background, self._share_open, (dep_id, value, ttl))

    async def _share_open(self, dep_id: str, value: bytes, ttl: float) -> None:
        await self.store.set(BREAKER_KEY + dep_id, value, ttl)
        await self.store.publish(BREAKER_CHANNEL, dep_id.encode() + b"\n" + value)

    def apply_shared(self, dep_id: str, value: bytes) -> bool:
        """Apply another instance's "open until" (``<instance>|<epoch>``)."""
        instance, _, until = value.decode("utf-8", "replace").partition("|")
        if instance == self.instance or dep_id not in self.by_id:
            return False
        try:
            wall_until = float(until)
        except ValueError:
            return False
        now = self.clock()
        return self.breakers.force_open(dep_id, now + (wall_until - self.wall()), now)

    async def sync_breakers(self) -> None:
        """Re-read every shared breaker key once (one round trip)."""
        ids = list(self.by_id)
        values = await self.store.get_many([BREAKER_KEY + i for i in ids])
        for dep_id, value in zip(ids, values, strict=True):
            if value is not None:
                self.apply_shared(dep_id, value)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Background work until cancelled: breaker sharing and deferred writes.
        Start with ``await nursery.start(router.run)`` after the store's ``run``."""
        async with trio.open_nursery() as nursery:
            async with self.store.subscribe(BREAKER_CHANNEL) as sub:
                await self.sync_breakers()
                await nursery.start(self.writes.run)
                nursery.start_soon(self._poll_breakers)
                task_status.started()
                async for message in sub:
                    dep, _, value = message.partition(b"\n")
                    self.apply_shared(dep.decode("utf-8", "replace"), value)

    async def _poll_breakers(self) -> None:
        while True:
            await trio.sleep(self.settings.breaker_sync_interval)
            await self.sync_breakers()
