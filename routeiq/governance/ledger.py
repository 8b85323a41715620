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
from routeiq.governance.window import Log, Window

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


@dataclass(slots=True)
class Meter:
    """What the x-ratelimit-* headers report for one limit.

    (Not frozen: a frozen dataclass is built through ``object.__setattr__``,
    0.8 us against 0.15 us here, and two are built per request.)"""

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
    rpm: Log = field(default_factory=lambda: Log(MINUTE))
    tpm: Window = field(default_factory=lambda: Window(MINUTE))
    parallel: int = 0
    period: int = -1
    spend: float = 0.0
    reserved: float = 0.0
    # Wall-time bounds of ``period`` for ``rule`` (the record it was computed for):
    # inside them the period index is not recomputed.
    rule: Rule | None = None
    lo: float = math.inf
    hi: float = -math.inf


class Ledger:
    """Per-process counters for every principal seen (bounded by the caller's record count)."""

    def __init__(self, *, reserve: bool = True) -> None:
        self.reserve = reserve
        self.states: dict[str, _State] = {}

    def _state(self, rule: Rule, wall: float) -> _State:
        st = self.states.get(rule.ns)
        if st is None:
            st = self.states[rule.ns] = _State()
        if st.rule is rule and st.lo <= wall < st.hi:  # the common case
            return st
        st.rule = rule
        duration = rule.budget_duration
        if duration is None:
            period, st.lo, st.hi = 0, -math.inf, math.inf
        else:
            period = period_index(wall, rule.anchor, duration)
            st.lo = rule.anchor + period * duration if period > 0 else -math.inf
            st.hi = rule.anchor + (period + 1) * duration
        if st.period != period:
            st.spend = rule.base_spend if period == rule.base_period else 0.0
            st.period = period
        return st

    def prepare(self, rule: Rule, wall: float) -> None:
        """Build ``rule``'s state now (when its record is loaded), so that its first
        request allocates nothing that outlives it: objects made on the hot path and
        kept are what sets off the collector's young collections inside the check."""
        self._state(rule, wall)

    def forget(self, ns: str) -> None:
        """Drop a deleted principal's counters (its record is gone)."""
        self.states.pop(ns, None)

    def spend(self, rule: Rule, wall: float) -> tuple[float, float]:
        """``(spend, reserved)`` of ``rule``'s principal in the current period."""
        st = self._state(rule, wall)
        return st.spend, st.reserved

    def admit(
        self, rules: tuple[Rule, ...], now: float, wall: float, tokens: int, max_cost: float
    ) -> tuple[Decision, Ticket | None]:
        """Check every rule; count the request against all of them only if all admit it.

        (Written for speed: each window is rolled once, and only the tightest
        rule's meter is built; this runs on every request. Refusals count nowhere.)
        """
        table = self.states
        states: list[_State] = []
        req_left = tok_left = math.inf
        tok_st = None
        req_limit = tok_limit = 0
        logged = False
        for rule in rules:
            st = table.get(rule.ns)
            if st is None or st.rule is not rule or not st.lo <= wall < st.hi:
                st = self._state(rule, wall)
            states.append(st)
            rpm = rule.rpm
            if rpm is not None:
                log = st.rpm
                slots = rpm - log.expire(now) - 1
                if slots < 0:
                    denial = Denial("rpm", rule.ns, rpm, log.wait_for(now, rpm))
                    return Decision(denial, Meter(rpm, 0, log.full_reset(now))), None
                if slots < req_left:
                    req_left, req_limit, logged = slots, rpm, True
            tpm = rule.tpm
            if tpm is not None:
                w = st.tpm
                elapsed = w.roll(now)
                est = w.previous * (1.0 - elapsed / MINUTE) + w.current
                left = tpm - est - tokens
                if left < -EPSILON:
                    wait = w.wait_for(now, tpm, tokens)
                    meter = Meter(tpm, max(0, math.floor(tpm - est)), wait)
                    return Decision(Denial("tpm", rule.ns, tpm, wait), None, meter), None
                if left < tok_left:
                    tok_left, tok_st, tok_limit = left, w, tpm
            if rule.parallel is not None and st.parallel >= rule.parallel:
                denial = Denial("parallel", rule.ns, rule.parallel, 1.0)
                return Decision(denial, *self.meters(rules, now, wall)), None
            budget = rule.max_budget
            if budget is not None:
                if self.reserve:
                    over = st.spend + st.reserved + max_cost > budget + EPSILON
                else:  # check-before-call only (LiteLLM's behaviour)
                    over = st.spend >= budget
                if over:
                    denial = Denial("budget", rule.ns, budget, math.inf, st.spend + st.reserved)
                    return Decision(denial, *self.meters(rules, now, wall)), None
        reserved = max_cost if self.reserve else 0.0
        for rule, st in zip(rules, states):  # noqa: B905 (same length) windows were rolled to `now`
            if rule.rpm is not None:
                st.rpm.stamps.append(now)
            st.tpm.current += tokens
            st.parallel += 1
            st.reserved += reserved
        decision = Decision(None)
        if logged:  # the newest entry is this request's: the log empties a period later
            decision.requests = Meter(req_limit, math.floor(req_left), MINUTE)
        if tok_st is not None:
            # The current bucket holds this request: the window is empty two periods
            # after the bucket began (Window.full_reset, without rolling again).
            if tok_st.current > 0:
                reset = 2 * MINUTE - (now - tok_st.bucket * MINUTE)
            else:
                reset = tok_st.full_reset(now)
            decision.tokens = Meter(tok_limit, math.floor(tok_left + EPSILON), reset)
        return decision, Ticket(rules, tokens, reserved)

    def meters(
        self, rules: tuple[Rule, ...], now: float, wall: float
    ) -> tuple[Meter | None, Meter | None]:
        """The tightest rpm and tpm meters of ``rules`` as they stand, counting nothing:
        the x-ratelimit-* headers of a request refused for another reason (parallel
        requests, budget), which OpenAI's clients expect on every response."""
        req: Meter | None = None
        tok: Meter | None = None
        for rule in rules:
            st = self._state(rule, wall)
            if rule.rpm is not None:
                left = max(0, rule.rpm - st.rpm.expire(now))
                if req is None or left < req.remaining:
                    req = Meter(rule.rpm, left, st.rpm.full_reset(now))
            if rule.tpm is not None:
                w = st.tpm
                elapsed = w.roll(now)
                est = w.previous * (1.0 - elapsed / MINUTE) + w.current
                left = max(0, math.floor(rule.tpm - est + EPSILON))
                if tok is None or left < tok.remaining:
                    tok = Meter(rule.tpm, left, w.full_reset(now))
        return req, tok

    def settle(self, ticket: Ticket, now: float, wall: float, tokens: int, cost: float) -> None:
        """Replace the estimate and reservation of ``ticket`` by the real tokens and cost
        (idempotent; the cost counts in the period current at settlement)."""
        if ticket.settled:
            return
        ticket.settled = True
        extra, reserved, table = tokens - ticket.tokens, ticket.reserved, self.states
        for rule in ticket.rules:
            st = table.get(rule.ns)
            if st is None or st.rule is not rule or not st.lo <= wall < st.hi:
                st = self._state(rule, wall)
            if extra:
                st.tpm.add(now, extra)
            st.parallel = st.parallel - 1 if st.parallel > 0 else 0
            st.reserved = st.reserved - reserved if st.reserved > reserved else 0.0
            st.spend += cost
