"""Admission and settlement of one request against every limit that binds it.

No I/O and no clock: times are passed in, so the arithmetic is tested with plain
function calls. A request is bound by a list of :class:`Rule` (its key, the key's
team, its user, its end customer); it is admitted only if every rule admits it,
and then counted against all of them at once (nothing is counted when it is
refused).

Budgets: a request is admitted only if ``spend + reserved + max_cost <=
max_budget``, where ``reserved`` is what requests in flight may still cost; the
request's own ``max_cost`` is then reserved until :meth:`Ledger.settle` turns it
into its real cost. So concurrent requests cannot overspend (LiteLLM checks
``spend < max_budget`` only, and every request in flight at that moment
overspends). ``reserve=False`` gives that older behaviour, for comparison.

This class is the per-process ledger (the memory backend, and the Redis
backend's fallback during an outage); ``routeiq.governance.shared`` keeps the
same state in Redis with the same arithmetic in one Lua script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from routeiq.governance.duration import period_index
from routeiq.governance.window import Window

MINUTE = 60.0
EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Rule:
    """The limits of one principal (``ns`` is e.g. ``key:<hash>``, ``team:<id>``)."""

    ns: str
    rpm: int | None = None
    tpm: int | None = None
    parallel: int | None = None
    max_budget: float | None = None
    budget_duration: float | None = None  # seconds; None: never resets
    anchor: float = 0.0  # wall time the budget periods count from
    base_spend: float = 0.0  # spend the database held when the record was loaded...
    base_period: int = 0  # ...and the period it belongs to


@dataclass(frozen=True, slots=True)
class Denial:
    kind: str  # "rpm", "tpm", "parallel", "budget"
    ns: str
    limit: float
    retry_after: float  # seconds (inf: waiting does not help)
    spend: float = 0.0  # budgets: spend + reserved at the time


@dataclass(frozen=True, slots=True)
class Meter:
    """What the x-ratelimit-* headers report for one limit."""

    limit: int
    remaining: int
    reset: float  # seconds until the window is empty


@dataclass(slots=True)
class Decision:
    denial: Denial | None
    requests: Meter | None = None  # the tightest rpm rule's meter
    tokens: Meter | None = None  # the tightest tpm rule's meter


@dataclass(slots=True)
class Ticket:
    """An admitted request: what to give back or settle after its response."""

    rules: tuple[Rule, ...]
    tokens: int
    reserved: float
    shared: bool = False  # counted in Redis (routeiq.governance.shared), not this ledger
    settled: bool = False


@dataclass(slots=True)
class _State:
    rpm: Window = field(default_factory=lambda: Window(MINUTE))
    tpm: Window = field(default_factory=lambda: Window(MINUTE))
    parallel: int = 0
    period: int = -1
    spend: float = 0.0
    reserved: float = 0.0


def _tighter(a: Meter | None, b: Meter) -> Meter:
    return b if a is None or b.remaining < a.remaining else a


class Ledger:
    """Per-process counters for every principal seen (bounded by the caller's record count)."""

    def __init__(self, *, reserve: bool = True) -> None:
        self.reserve = reserve
        self.states: dict[str, _State] = {}

    def _state(self, rule: Rule, wall: float) -> _State:
        st = self.states.get(rule.ns)
        if st is None:
            st = self.states[rule.ns] = _State()
        period = period_index(wall, rule.anchor, rule.budget_duration)
        if st.period != period:
            st.spend = rule.base_spend if period == rule.base_period else 0.0
            st.period = period
        return st

    def spend(self, rule: Rule, wall: float) -> tuple[float, float]:
        """``(spend, reserved)`` of ``rule``'s principal in the current period."""
        st = self._state(rule, wall)
        return st.spend, st.reserved

    def admit(
        self, rules: tuple[Rule, ...], now: float, wall: float, tokens: int, max_cost: float
    ) -> tuple[Decision, Ticket | None]:
        """Check every rule; count the request against all of them only if all admit it."""
        decision = Decision(None)
        states = [self._state(r, wall) for r in rules]
        for rule, st in zip(rules, states, strict=True):
            if rule.rpm is not None:
                est = st.rpm.estimate(now)
                if est + 1 > rule.rpm + EPSILON:
                    wait = st.rpm.wait_for(now, rule.rpm, 1)
                    decision.denial = Denial("rpm", rule.ns, rule.rpm, wait)
                    decision.requests = Meter(rule.rpm, 0, st.rpm.full_reset(now))
                    return decision, None
                meter = Meter(rule.rpm, math.floor(rule.rpm - est - 1), st.rpm.full_reset(now))
                decision.requests = _tighter(decision.requests, meter)
            if rule.tpm is not None:
                est = st.tpm.estimate(now)
                if est + tokens > rule.tpm + EPSILON:
                    wait = st.tpm.wait_for(now, rule.tpm, tokens)
                    decision.denial = Denial("tpm", rule.ns, rule.tpm, wait)
                    decision.tokens = Meter(rule.tpm, max(0, math.floor(rule.tpm - est)), wait)
                    return decision, None
                meter = Meter(rule.tpm, math.floor(rule.tpm - est - tokens), st.tpm.full_reset(now))
                decision.tokens = _tighter(decision.tokens, meter)
            if rule.parallel is not None and st.parallel + 1 > rule.parallel:
                decision.denial = Denial("parallel", rule.ns, rule.parallel, 1.0)
                return decision, None
            if rule.max_budget is not None:
                if self.reserve:
                    over = st.spend + st.reserved + max_cost > rule.max_budget + EPSILON
                else:  # check-before-call only (LiteLLM's behaviour)
                    over = st.spend >= rule.max_budget
                if over:
                    decision.denial = Denial(
                        "budget", rule.ns, rule.max_budget, math.inf, st.spend + st.reserved
                    )
                    return decision, None
        reserved = max_cost if self.reserve else 0.0
        for st in states:
            st.rpm.add(now, 1)
            st.tpm.add(now, tokens)
            st.parallel += 1
            st.reserved += reserved
        return decision, Ticket(rules, tokens, reserved)

    def settle(self, ticket: Ticket, now: float, wall: float, tokens: int, cost: float) -> None:
        """Replace the estimate and reservation of ``ticket`` by the real tokens and cost
        (idempotent; the cost counts in the period current at settlement)."""
        if ticket.settled:
            return
        ticket.settled = True
        for rule in ticket.rules:
            st = self._state(rule, wall)
            st.tpm.add(now, tokens - ticket.tokens)
            st.parallel = max(0, st.parallel - 1)
            st.reserved = max(0.0, st.reserved - ticket.reserved)
            st.spend += cost
