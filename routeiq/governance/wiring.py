"""Builds the governance service from the config (the app calls :func:`open_governance`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from opentelemetry.metrics import CallbackOptions, Observation

from routeiq.db.base import database_url, open_database
from routeiq.db.schema import LATEST
from routeiq.governance.counters import Counters, LocalCounters
from routeiq.governance.service import Governance, GroupPrice
from routeiq.pricing.limits import load_limits, output_limits

if TYPE_CHECKING:
    from routeiq.config import Config
    from routeiq.pricing import PriceBook

log = logging.getLogger("routeiq.governance")


def group_prices(config: Config, book: PriceBook) -> dict[str, GroupPrice]:
    """Per model group, the dearest deployment's prices and its declared output limit."""
    out: dict[str, GroupPrice] = {}
    for group, deps in config.groups.items():
        prices = [book.by_deployment[d.id] for d in deps if d.id in book.by_deployment]
        if not prices:
            continue
        # The model's real limit: declared in model_info, else litellm's map's.
        limits = output_limits(deps, load_limits())
        out[group] = GroupPrice(
            max(p.input for p in prices), max(p.output for p in prices), max(limits, default=None)
        )
    for name, route in config.learned.items():
        price = learned_price(route.mapping(), out)
        if price is not None:
            out[name] = price
    return fallback_and_alias_prices(config, out)


def _chains(entries: Iterable[Mapping[str, Sequence[str]]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for entry in entries:
        for model, targets in entry.items():
            out.setdefault(model, []).extend(targets)
    return out


def fallback_and_alias_prices(config: Config, base: dict[str, GroupPrice]) -> dict[str, GroupPrice]:
    """``base`` with each group priced at its dearest fallback too, and each
    ``model_group_alias`` priced as its group.

    A request that fails over to a dearer group (``fallbacks``, ``default_fallbacks``,
    ``context_window_fallbacks``) costs that group's price; reserving only its own
    group's would let concurrent requests that fall back overspend the budget, as a
    learned route's cheapest candidate would (:func:`learned_price`). An alias missing
    from the table reserved nothing at all."""
    rs = config.router
    own, context = _chains(rs.fallbacks), _chains(rs.context_window_fallbacks)
    default = list(rs.default_fallbacks) or own.get("*", [])
    out = dict(base)
    for group in config.groups:
        chain = [group, *(own.get(group) or default), *context.get(group, ())]
        if len(chain) > 1 and (price := learned_price(chain, base)) is not None:
            out[group] = price
    for alias, target in rs.model_group_alias.items():
        name = target if isinstance(target, str) else target.model
        if name in out and alias not in out:
            out[alias] = out[name]
    return out


def learned_price(candidates: Iterable[str], groups: dict[str, GroupPrice]) -> GroupPrice | None:
    """A learned route's price for admission: its dearest candidate's.

    Admission runs before the route is decided (the prompt picks the group, then
    the next-best candidates are the fallbacks, all after ``admit``), so the most
    the request can cost is what its dearest candidate would charge; reserving
    that keeps the budget guarantee whichever candidate answers, and settlement
    replaces it by the real cost of the deployment that did. (Priced by the
    virtual name alone, a route with no deployment of its own reserved nothing.)
    Model access is checked on the virtual name: granting a key the route grants
    the candidates the operator put behind it.
    """
    prices = [groups[c] for c in candidates if c in groups]
    if not prices:  # like any unpriced group: limits only, no budget reservation
        return None
    limits = [p.max_output_tokens for p in prices]
    return GroupPrice(
        max(p.input for p in prices),
        max(p.output for p in prices),
        None if None in limits else max(x for x in limits if x is not None),
    )


def unpriced_groups(config: Config, prices: Mapping[str, GroupPrice]) -> list[str]:
    """The model groups no price is known for (neither the config nor litellm's map)."""
    return sorted(g for g in config.groups if g not in prices)


def unpriced_warning(groups: Sequence[str]) -> str:
    """Said once when governance starts: such a group's requests cost 0 USD, so budgets
    (``max_budget``) never bind them. LiteLLM 1.110.2 does the same (an unmapped model's
    response cost is 0); tokens are still counted (spend rows, ``tpm_limit``) and
    ``rpm_limit``/``max_parallel_requests`` still apply."""
    shown = ", ".join(groups[:20]) + (f" and {len(groups) - 20} more" if len(groups) > 20 else "")
    return (
        f"governance: no price for model group(s) {shown}: their requests cost 0 USD, so "
        "max_budget does not limit them (tokens, rpm/tpm and parallel limits still count); "
        "set input_cost_per_token/output_cost_per_token in litellm_params or model_info"
    )


def open_governance(config: Config, book: PriceBook, meter: Any = None) -> Governance | None:
    settings = config.routeiq.governance
    if not settings.enabled or not config.master_key:
        return None
    db = open_database(database_url(config.database_url), settings.resolved_data_dir())
    state = config.routeiq.state
    counters: Counters
    if settings.shared and state.backend == "redis":
        from routeiq.governance.shared import SharedCounters

        counters = SharedCounters(
            state.redis_url,
            state.key_prefix,
            reserve=settings.reserve_budget,
            op_timeout=state.op_timeout,
            backoff_initial=state.backoff_initial,
            backoff_cap=state.backoff_cap,
        )
    else:
        counters = LocalCounters(reserve=settings.reserve_budget)
    prices = group_prices(config, book)
    unpriced = unpriced_groups(config, prices)
    if unpriced:
        log.warning(unpriced_warning(unpriced))
    gov = Governance(settings, db, counters, prices)
    if meter is not None:
        bind_metrics(gov, meter)
    return gov


def preflight(config: Config) -> str | None:
    """Why the gateway cannot start on its key database, or ``None`` (checked by the
    CLI before serving, so the operator reads one line instead of a lifespan trace)."""
    settings = config.routeiq.governance
    if not settings.enabled or not config.master_key:
        return None
    db = open_database(database_url(config.database_url), settings.resolved_data_dir())
    try:
        conn = db.engine.connect()
    except Exception as exc:
        return f"cannot open the {db.name} key database: {exc}"
    try:
        cur = conn.cursor()
        cur.execute("SELECT version FROM routeiq_schema")
        row = cur.fetchone()
        version = int(row[0]) if row else 0
    except Exception:
        version = 0  # a new database: migrated at start-up
    finally:
        conn.close()
    if version > LATEST:
        return (
            f"the {db.name} key database has schema version {version}, newer than this "
            f"gateway knows ({LATEST}); upgrade the gateway or point it at another database"
        )
    return None


def bind_metrics(gov: Governance, meter: Any) -> None:
    """``routeiq.governance.soft_budget_alerts``, ``.spend_rows`` (written / dropped), ``.keys``."""

    def alerts(options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(gov.soft_alerts)]

    def rows(options: CallbackOptions) -> Iterable[Observation]:
        return [
            Observation(gov.rows_written, {"outcome": "written"}),
            Observation(gov.dropped_rows, {"outcome": "dropped"}),
        ]

    def keys(options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(len(t), {"kind": k}) for k, t in gov.records.items()]

    meter.create_observable_counter(
        "routeiq.governance.soft_budget_alerts",
        callbacks=[alerts],
        description="Keys, teams, users or customers whose spend crossed soft_budget.",
    )
    meter.create_observable_counter(
        "routeiq.governance.spend_rows", callbacks=[rows], description="Spend log rows."
    )
    meter.create_observable_gauge(
        "routeiq.governance.records", callbacks=[keys], description="Records in memory."
    )
