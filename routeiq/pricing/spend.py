"""Spend per API key, team and model group, accumulated in the state store.

``record`` runs after the response (from the request-done callback): it adds
the request's cost to an in-process pending table (a dict update, no await, no
task). The background :meth:`SpendTracker.run`, started in the lifespan
nursery, flushes that table every ``flush_interval`` seconds as integer
micro-dollar increments (``store.incr``), so N requests between flushes cost
one state write per (kind, name), not N, and the request path never waits on
the store. Fractions of a micro-dollar are carried to the next flush, so
nothing is lost by rounding (at shutdown a last flush runs under a short
shielded deadline; what is below one micro-dollar per name is dropped).

Keys: ``spend:key:<key name>``, ``spend:team:<team>``, ``spend:model:<group>``.
Names come from the config (key names, teams, model groups); the pending
table is capped anyway (``max_pending`` names; beyond that, dropped and
counted). Several gateway processes on one Redis add to the same counters.

Metric: ``routeiq.response.cost`` (USD, by model group; unknown names are
``other``, so the label set is bounded by the config).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import trio
from opentelemetry.metrics import CallbackOptions, Observation

from routeiq.state.base import StateStore

log = logging.getLogger("routeiq.pricing")

KEY_PREFIX = "spend:"
MICROS = 1_000_000


def spend_key(kind: str, name: str) -> str:
    """The state key holding the micro-dollars spent by ``name`` (kind: key, team, model)."""
    return f"{KEY_PREFIX}{kind}:{name}"


async def read_spend(store: StateStore, kind: str, name: str) -> float:
    """USD recorded in the store for ``name`` (what every instance flushed so far)."""
    raw = await store.get(spend_key(kind, name))
    return int(raw) / MICROS if raw is not None else 0.0


class SpendTracker:
    """See the module docstring."""

    def __init__(
        self,
        store: StateStore,
        *,
        models: Iterable[str] = (),
        flush_interval: float = 1.0,
        max_pending: int = 10_000,
        shutdown_grace: float = 2.0,
    ) -> None:
        self.store = store
        self.flush_interval = flush_interval
        self.max_pending = max_pending
        self.shutdown_grace = shutdown_grace
        self._models = frozenset(models)
        #: (kind, name) -> USD not yet written (fractions of a micro-dollar stay here)
        self.pending: dict[tuple[str, str], float] = {}
        #: USD by model group, for the metric (bounded: config groups + "other")
        self.by_model: dict[str, float] = {}
        self.dropped = 0
        self.flushed = 0  # store writes done
        self.failed = 0

    def record(
        self, cost: float | None, *, model: str | None, key: str | None, team: str | None
    ) -> None:
        """Add one response's cost (no I/O; called after the response was sent)."""
        if cost is None or cost <= 0.0:
            return
        label = model if model in self._models else "other"
        self.by_model[label] = self.by_model.get(label, 0.0) + cost
        if key:
            self._add(("key", key), cost)
        if team:
            self._add(("team", team), cost)
        if model:
            self._add(("model", label), cost)

    def _add(self, slot: tuple[str, str], cost: float) -> None:
        pending = self.pending
        current = pending.get(slot)
        if current is None and len(pending) >= self.max_pending:
            self.dropped += 1
            return
        pending[slot] = (current or 0.0) + cost

    async def flush(self) -> None:
        """Write whole micro-dollars to the store; keep the remainders."""
        due: list[tuple[tuple[str, str], int]] = []
        for slot, usd in self.pending.items():
            micros = int(usd * MICROS)
            if micros > 0:
                due.append((slot, micros))
        for slot, micros in due:
            # Taken out before the await: costs recorded meanwhile add to the rest.
            self.pending[slot] -= micros / MICROS
            try:
                await self.store.incr(spend_key(*slot), micros)
            except ValueError as exc:  # the key holds something that is not a counter
                self.failed += 1
                log.warning("spend not recorded for %s:%s: %s", slot[0], slot[1], exc)
                continue
            self.flushed += 1
        # Names with nothing left leave the table; sub-micro-dollar remainders stay.
        for slot in [s for s, usd in self.pending.items() if usd * MICROS < 1e-9]:
            del self.pending[slot]

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Flush periodically until cancelled; then one last flush, shielded."""
        task_status.started()
        try:
            while True:
                await trio.sleep(self.flush_interval)
                if self.pending:
                    await self.flush()
        finally:
            with trio.CancelScope(shield=True) as cancel_scope:
                cancel_scope.deadline = trio.current_time() + self.shutdown_grace
                if self.pending:
                    await self.flush()

    def bind_metrics(self, meter: Any) -> None:
        """Export ``routeiq.response.cost`` (USD by model group)."""

        def observe(options: CallbackOptions) -> Iterable[Observation]:
            return [Observation(usd, {"model": m}) for m, usd in self.by_model.items()]

        meter.create_observable_counter(
            "routeiq.response.cost",
            callbacks=[observe],
            unit="USD",
            description="Cost of answered responses, by model group (litellm price map).",
        )
