"""Governance at the edge: the in-memory record cache, admission, settlement, spend batches.

The hot path (``authenticate`` in the auth middleware, ``admit`` in the chat
handler) reads dicts and runs the ledger's arithmetic; it never awaits the
database. Background tasks, started in the lifespan nursery by :meth:`run`:

- the change poll: every ``poll_interval`` the change feed (``seq`` > last
  seen) is read from the database, so a key revoked through any process stops
  working in every process within about that interval;
- the spend writer: rows and per-principal totals queued by :meth:`finish`
  (after the response) are written in one transaction per ``spend_flush_interval``;
- the Redis counters' connection and flusher (``routeiq.governance.shared``).

A failed database call is logged and retried on the next tick; requests by
keys already in memory keep being served.
"""

from __future__ import annotations

import gc
import logging
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import trio

from routeiq.asgi.types import RequestContext
from routeiq.db.base import Database, EntityRow
from routeiq.errors import BudgetExceeded, Forbidden, ModelNotAllowed, RateLimited, Unauthorized
from routeiq.governance.binding import Bindings
from routeiq.governance.counters import Counters, LocalCounters
from routeiq.governance.duration import period_index
from routeiq.governance.ledger import Decision, Rule, Ticket
from routeiq.governance.records import Principal, principal
from routeiq.governance.settings import GovernanceSettings
from routeiq.governance.spend_queue import SpendQueue, SpendTotals

log = logging.getLogger("routeiq.governance")

Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class GroupPrice:
    """The most a model group's tokens can cost (its dearest deployment)."""

    input: float
    output: float
    max_output_tokens: int | None


@dataclass(slots=True)
class Admission:
    ticket: Ticket | None
    principals: tuple[Principal, ...]
    headers: Headers
    tokens: int
    max_cost: float
    # A streamed answer: the upstream sends each token as it makes it, so one that had
    # sent nothing when the client left had generated (almost) nothing (Governance.finish).
    stream: bool = False


def duration_text(seconds: float) -> str:
    """OpenAI's reset format: ``20ms``, ``1s``, ``6m0s``."""
    if seconds < 1:
        return f"{max(0, round(seconds * 1000))}ms"
    whole = math.ceil(seconds)
    minutes, secs = divmod(whole, 60)
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


_REQ = (
    b"x-ratelimit-limit-requests",
    b"x-ratelimit-remaining-requests",
    b"x-ratelimit-reset-requests",
)
_TOK = (b"x-ratelimit-limit-tokens", b"x-ratelimit-remaining-tokens", b"x-ratelimit-reset-tokens")


# Reset texts of whole seconds up to two windows (the most a window's reset can be),
# built once: formatting them per request cost more than the rest of the headers.
_RESET_TEXT = [duration_text(s).encode() for s in range(0, 2 * 60 + 1)]


def reset_text(seconds: float) -> bytes:
    if seconds < 1:
        return duration_text(seconds).encode()
    whole = math.ceil(seconds)
    return _RESET_TEXT[whole] if whole < len(_RESET_TEXT) else duration_text(whole).encode()


def meter_headers(decision: Decision) -> Headers:
    out: Headers = []
    m = decision.requests
    if m is not None:
        out.append((_REQ[0], b"%d" % m.limit))
        out.append((_REQ[1], b"%d" % (m.remaining if m.remaining > 0 else 0)))
        out.append((_REQ[2], reset_text(m.reset)))
    m = decision.tokens
    if m is not None:
        out.append((_TOK[0], b"%d" % m.limit))
        out.append((_TOK[1], b"%d" % (m.remaining if m.remaining > 0 else 0)))
        out.append((_TOK[2], reset_text(m.reset)))
    return out


def key_limit_headers(rule: Rule) -> Headers:
    """LiteLLM's ``x-litellm-key-tpm-limit``, ``-rpm-limit``, ``-max-budget`` (those set)."""
    out: Headers = []
    if rule.tpm is not None:
        out.append((b"x-litellm-key-tpm-limit", b"%d" % rule.tpm))
    if rule.rpm is not None:
        out.append((b"x-litellm-key-rpm-limit", b"%d" % rule.rpm))
    if rule.max_budget is not None:
        out.append((b"x-litellm-key-max-budget", str(rule.max_budget).encode()))
    return out


class Governance:
    def __init__(
        self,
        settings: GovernanceSettings,
        db: Database,
        counters: Counters | None = None,
        prices: Mapping[str, GroupPrice] | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.counters: Counters = counters or LocalCounters(reserve=settings.reserve_budget)
        self.prices = dict(prices or {})
        # Wildcard groups, most specific first (the longest literal text, then the
        # fewest wildcards): a name they route had no price of its own, so no reservation.
        wild = sorted(
            (n for n in self.prices if "*" in n),
            key=lambda n: (-len(n.replace("*", "")), n.count("*")),
        )
        self._patterns = [
            (re.compile("(.*)".join(map(re.escape, n.split("*"))), re.DOTALL), self.prices[n])
            for n in wild
        ]
        self.records: dict[str, dict[str, Principal]] = {
            "key": {},
            "team": {},
            "user": {},
            "customer": {},
        }
        self.keys = self.records["key"]
        # (Through self.counters as it is then: a binding's command is its counters'.)
        self.bindings = Bindings(self.records, lambda rules: self.counters.prepare_rules(rules))
        self.seq = 0
        self.rows = SpendQueue()
        self.deltas = SpendTotals()
        self.dropped_rows = 0
        self.rows_written = 0
        self.soft_alerts = 0
        # ns -> (budget period, spend seen by this process in it): soft budgets
        self._spent: dict[str, tuple[int, float]] = {}
        self.ready = False
        # The last change poll reached the database (/health/readiness's "db").
        self.db_connected = True

    # -- the record cache -----------------------------------------------------------

    def apply(self, row: EntityRow) -> None:
        """Put one record (or its tombstone) into the in-memory cache."""
        self.seq = max(self.seq, row.seq)
        table = self.records.get(row.kind)
        if table is None:  # another component's record (e.g. the runtime models)
            return
        if row.kind == "key":  # what binds its requests (made again on use)
            self.bindings.drop(row.id)
        elif row.kind != "customer" and self.bindings:  # a team's or user's keys'
            self.bindings.clear()
        if row.data is None:
            if table.pop(row.id, None) is not None:
                self.counters.forget(f"{row.kind}:{row.id}")
        else:
            p = table[row.id] = principal(row.kind, row.id, row.data, row.spend, row.spend_period)
            if p.limited:  # its counters are built now, not by its first request
                self.counters.prepare(p.rule)

    async def refresh(self, *, blocking: bool = False) -> int:
        """Read the change feed once; answer how many records changed."""
        n = 0
        while True:
            rows = await self.db.changes(self.seq, blocking=blocking)
            for row in rows:
                self.apply(row)
            n += len(rows)
            if len(rows) < 10_000:
                return n

    def bind_all(self) -> None:
        """Make every key's binding (and the counters' encoding of it) now, once the
        records are loaded, before serving: off the hot path. With the collector
        paused: at 100k keys 0.6 s instead of 1.4 s (its collections walked the
        records again and again while the bindings were made)."""
        paused = gc.isenabled()
        gc.disable()
        try:
            self.bindings.build(self.keys.values())
        finally:
            if paused:
                gc.enable()

    # -- the hot path ---------------------------------------------------------------

    def authenticate(self, token_hash: str, ctx: RequestContext) -> bool:
        """Fill ``ctx`` from a virtual key; False if unknown. Raises 401 when blocked/expired."""
        key = self.keys.get(token_hash)
        if key is None:
            return False
        if key.blocked:
            raise Unauthorized("This key is blocked", code="key_blocked")
        if key.expires is not None and time.time() >= key.expires:
            raise Unauthorized("This key has expired", code="key_expired")
        team = self.records["team"].get(key.team_id) if key.team_id else None
        if team is not None and team.blocked:
            raise Unauthorized("This key's team is blocked", code="team_blocked")
        ctx.key_id = key.id
        ctx.principal = key
        ctx.key_name = key.alias or ("key-" + key.id[:12])
        ctx.team = key.team_id
        ctx.user = key.user_id
        return True

    def _principals(self, ctx: RequestContext, end_user: str | None) -> list[Principal]:
        found: list[Principal] = []
        key = ctx.principal
        if isinstance(key, Principal):
            found.append(key)
            if key.team_id and (team := self.records["team"].get(key.team_id)) is not None:
                found.append(team)
            if key.user_id and (user := self.records["user"].get(key.user_id)) is not None:
                found.append(user)
        if end_user and (customer := self.records["customer"].get(end_user)) is not None:
            found.append(customer)
        return found

    def model_filter(self, ctx: RequestContext) -> Callable[[str], bool] | None:
        """Which model groups the caller may use, for ``GET /v1/models``: ``None``
        when every one (no key, team or user model list binds it); else a predicate
        that applies the same rules as :meth:`admit` (names, wildcards, ``*``)."""
        binding = [p for p in self._principals(ctx, None) if not p.any_model]
        if not binding:
            return None
        return lambda name: all(p.allows(name) for p in binding)

    def max_cost(self, model: str, req: Mapping[str, Any], body_len: int) -> tuple[int, float]:
        """``(estimated prompt tokens, most the request can cost)`` before the call."""
        prompt = body_len // 4 + 1  # generous: JSON syntax counts too
        price = self.prices.get(model)
        if price is None and self._patterns:
            price = self._wildcard_price(model)
        if price is None:
            return prompt, 0.0
        get = req.get
        # chat, completions and Messages; the Responses API (passed through). (JSON
        # numbers are plain ints: ``type`` also leaves out booleans.)
        asked = get("max_completion_tokens") or get("max_tokens") or get("max_output_tokens")
        if type(asked) is int and asked > 0:
            out = asked
        else:
            out = price.max_output_tokens or self.settings.default_max_tokens
        # ``n`` answers (and completions' ``best_of``) are each up to ``out`` tokens, and
        # all are billed: a reservation of one would let concurrent requests overspend.
        n, best_of = get("n"), get("best_of")
        copies = 1 if n is None and best_of is None else max(_int(n), _int(best_of), 1)
        return prompt, prompt * price.input + copies * out * price.output

    def prompt_cost(self, model: str | None, tokens: int) -> float:
        """``tokens`` prompt tokens of ``model`` at its input price (0: unpriced)."""
        price = self.prices.get(model) if model is not None else None
        if price is None and model is not None and self._patterns:
            price = self._wildcard_price(model)
        return tokens * price.input if price is not None else 0.0

    def _wildcard_price(self, model: str) -> GroupPrice | None:
        """The price of the wildcard group a name routes to (``openai/*``): the most
        specific pattern, as the router picks it (``routeiq/routing/resolve.py``)."""
        for regex, price in self._patterns:
            if regex.fullmatch(model):
                return price
        return None

    async def admit(
        self, ctx: RequestContext, model: str, req: Mapping[str, Any], body_len: int
    ) -> Headers:
        """Check models, limits and budgets of everything binding this request; count it.

        Raises 403 ``model_not_allowed``, 429 (Retry-After, x-ratelimit-*) or 400
        ``budget_exceeded``. Answers the x-ratelimit-* headers for the response.
        """
        user_field = req.get("user")
        end_user = user_field if isinstance(user_field, str) and user_field else None
        ctx.end_user = end_user
        key = ctx.principal
        if isinstance(key, Principal):
            b = self.bindings.get(key)
            found, rules, gated, prepared = b.principals, b.rules, b.gated, b.prepared
        else:
            found, rules, gated, prepared = (), (), (), None
        if end_user and (customer := self.records["customer"].get(end_user)) is not None:
            found += (customer,)
            if customer.limited:
                rules += (customer.rule,)
                prepared = None
            if customer.blocked:
                gated += (customer,)
        if not found:
            return []
        lead = found[0] if found[0].kind == "key" else None
        if lead is not None:  # LiteLLM's x-litellm-key-spend: spend so far + this answer's
            rule = lead.rule
            ctx.key_spend = self.counters.spend(rule)[0] if lead.limited else rule.base_spend
        for p in gated:
            if p.blocked:  # a user or end customer (keys and teams: 401 at auth)
                raise Forbidden(f"The {p.kind} {p.id!r} is blocked", code=f"{p.kind}_blocked")
            if not p.any_model and not p.allows(model):
                raise ModelNotAllowed(
                    f"The {p.kind} may not use model {model!r}; allowed model groups: "
                    + ", ".join(p.models),
                    param="model",
                )
        if not rules:
            return []
        tokens, cost = self.max_cost(model, req, body_len)
        decision, ticket = await self.counters.admit(rules, tokens, cost, prepared)
        headers = meter_headers(decision)
        if lead is not None and lead.limited:
            headers.extend(key_limit_headers(lead.rule))
        denial = decision.denial
        if denial is not None:
            kind, _, ident = denial.ns.partition(":")
            who = f"{kind} {ident[:12] if kind == 'key' else ident}"
            if denial.kind == "budget":
                raise BudgetExceeded(
                    f"Budget has been exceeded! {who} Current cost: {denial.spend:.6f}, "
                    f"Max budget: {denial.limit}, this request may cost up to {cost:.6f}",
                    headers={k.decode(): v.decode() for k, v in headers},
                )
            wait = denial.retry_after if math.isfinite(denial.retry_after) else 60.0
            extra = {k.decode(): v.decode() for k, v in headers}
            extra["retry-after"] = str(max(1, math.ceil(wait)))
            extra["retry-after-ms"] = str(max(1, math.ceil(wait * 1000)))
            limit_name = {"rpm": "rpm_limit", "tpm": "tpm_limit"}.get(
                denial.kind, "max_parallel_requests"
            )
            raise RateLimited(
                f"Rate limit reached for {who}: {limit_name} {denial.limit:g}; "
                f"retry after {wait:.1f} s",
                headers=extra,
            )
        ctx.admission = Admission(ticket, found, headers, tokens, cost, req.get("stream") is True)
        return headers

    # -- after the response ---------------------------------------------------------

    def finish(self, ctx: RequestContext) -> None:
        """Settle the request's reservation and queue its spend row (no I/O, no await)."""
        adm = ctx.admission
        usage = ctx.usage or {}
        prompt = _int(usage.get("prompt_tokens"))
        completion = _int(usage.get("completion_tokens"))
        total = _int(usage.get("total_tokens")) or prompt + completion
        cost = ctx.cost or 0.0
        if isinstance(adm, Admission):
            ctx.admission = None
            if ctx.cost is None and ctx.usage is None and unmetered(ctx.status, ctx.deployment):
                # The upstream was asked but reported no usage (a stream without
                # stream_options.include_usage, or a client that left before the
                # stream's final usage event): charge the most it could cost, so a
                # budget cannot be bypassed by streaming or by hanging up. A client
                # that left a *stream* before any byte of the answer cancelled the call
                # before the upstream had streamed a token: its prompt (estimated, at
                # the input price) is what the upstream used. Not so without a stream:
                # the upstream may have generated the whole answer, unsent, and bills
                # it, so leaving early must not be a way around the budget.
                if ctx.status == 499 and not ctx.answered and adm.stream:
                    cost = self.prompt_cost(ctx.model, adm.tokens)
                else:
                    cost = adm.max_cost
            if adm.ticket is not None:
                tokens = total if ctx.usage else adm.tokens
                self.counters.settle(adm.ticket, tokens, cost)
            principals = adm.principals
        else:
            principals = tuple(self._principals(ctx, ctx.end_user))
        if ctx.model is None or not self.settings.enabled:
            return
        now = time.time()
        if cost > 0:
            for p in principals:
                rule = p.rule
                duration = rule.budget_duration
                period = 0 if duration is None else period_index(now, rule.anchor, duration)
                self.deltas.add(rule.ns, period, cost)
                if p.soft_budget is not None:
                    self._soft_check(p, cost, period)
        if len(self.rows) >= self.settings.max_pending_spend_rows:
            self.dropped_rows += 1
            return
        started = now - (time.perf_counter() - ctx.started)
        self.rows.append(
            ctx.request_id, ctx.key_id, ctx.key_name, ctx.team, ctx.user, ctx.end_user,
            ctx.model, ctx.deployment, prompt, completion, total, cost, ctx.status, started, now,
        )  # fmt: skip

    def _soft_check(self, p: Principal, cost: float, period: int) -> None:
        """Count and log the request that takes ``p``'s spend in this budget period
        past its soft budget: once per period (a budget_duration resets it)."""
        if p.soft_budget is None:
            return
        rule = p.rule
        seen = self._spent.get(rule.ns)
        if seen is not None and seen[0] == period:
            before = seen[1]
        else:  # a new period: what the database held if the record was loaded in it
            before = rule.base_spend if period == rule.base_period else 0.0
        self._spent[rule.ns] = (period, before + cost)
        if before < p.soft_budget <= before + cost:
            self.soft_alerts += 1
            log.warning(
                "governance: %s %s crossed its soft budget %g (spend %g)",
                p.kind,
                p.alias or p.id[:12],
                p.soft_budget,
                before + cost,
            )

    async def flush(self) -> int:
        """Write the queued spend rows and totals in one transaction; keep them on failure."""
        rows = self.rows.take()
        deltas = self.deltas.take()
        if not rows and not deltas:
            return 0
        try:
            await self.db.write_spend(rows, deltas)
        except Exception as exc:
            log.warning("governance: spend batch not written (%r); retrying", exc)
            self.rows.give_back(rows)
            self.deltas.give_back(deltas)
            return 0
        self.rows_written += len(rows)
        return len(rows)

    # -- background -----------------------------------------------------------------

    async def _poll(self) -> None:
        while True:
            await trio.sleep(self.settings.poll_interval)
            try:
                await self.refresh()
            except Exception as exc:
                if self.db_connected:  # once per outage, not four times a second
                    log.warning("governance: change poll failed (%r); serving cached keys", exc)
                self.db_connected = False
            else:
                if not self.db_connected:
                    log.info("governance: the key database answers again")
                self.db_connected = True

    async def _write(self) -> None:
        # On a fixed schedule (not "sleep after each write"), so a slow write does
        # not stretch the interval: a kill -9 loses what was answered since the last
        # committed batch, at most one interval plus one write.
        interval = self.settings.spend_flush_interval
        due = trio.current_time()
        try:
            while True:
                due += interval
                await trio.sleep_until(due)
                await self.flush()
                due = max(due, trio.current_time() - interval)
        finally:
            with trio.CancelScope(shield=True) as cancel_scope:
                cancel_scope.deadline = trio.current_time() + 2.0
                await self.flush()

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Open (and migrate) the database, load every record, then run the loops.

        A local SQLite file is opened and read on the loop, before the gateway
        serves (milliseconds; and a worker thread here would let a test's autojump
        clock run past the server's start-up deadline). PostgreSQL is always
        reached from a worker thread."""
        local = self.db.name == "sqlite"
        version = await self.db.open(blocking=local)
        try:
            await self.refresh(blocking=local)
            self.bind_all()
            log.info(
                "governance: %s schema v%d, %d keys, %d teams",
                self.db.name,
                version,
                len(self.keys),
                len(self.records["team"]),
            )
            async with trio.open_nursery() as nursery:
                await nursery.start(self.counters.run)
                nursery.start_soon(self._poll)
                nursery.start_soon(self._write)
                self.ready = True
                task_status.started()
        finally:
            self.ready = False
            with trio.CancelScope(shield=True):
                await self.db.close()


def unmetered(status: int, deployment: str | None) -> bool:
    """Whether a request that reported no usage still cost something upstream: it was
    answered (200), or its client left (499) after a deployment was called. A client
    that reads a stream and hangs up before its last event (the usage) leaves the
    upstream billing what it generated, which the gateway cannot see (charged its
    reservation); one that left a stream before its first byte is charged its prompt
    only (``Governance.finish``); a 499 before any deployment was called
    (during the guardrails, say) cost nothing."""
    return status == 200 or (status == 499 and deployment is not None)


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else 0
