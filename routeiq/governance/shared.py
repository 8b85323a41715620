"""Limits and budgets shared by every gateway process and host through Redis.

One Lua script per request (``ADMIT``) reads and updates the counters of every
rule that binds it (key, team, user, customer) in one round trip, on Redis's
own clock, with exactly the arithmetic of :class:`~routeiq.governance.ledger.Ledger`:
all rules admit or nothing is counted. A second script (``SETTLE``) runs after
the response, off the hot path. The counters are Redis hashes
``<prefix>gov:<ns>``; those holding a budget have no expiry (spend survives a
gateway restart), the others expire after two windows of idleness.

Outage: any Redis error marks it down; requests are then admitted by a
per-process :class:`~routeiq.governance.ledger.Ledger` (each process then allows
up to the whole limit), and a probe reconnects with capped, jittered backoff.
Spend settled locally during the outage is added to Redis when it is back
(reconciliation); window counts of the outage are not (they expire anyway).
"""

from __future__ import annotations

import logging
import random
import time
from typing import Any

import trio

from routeiq.governance.ledger import MINUTE, Decision, Denial, Ledger, Meter, Rule, Ticket
from routeiq.governance.window import wait_for
from routeiq.state.backoff import next_delay

log = logging.getLogger("routeiq.governance")

# ARGV: tokens, max_cost, reserve, then 8 per rule (-1 for none): rpm, tpm, parallel,
# max_budget, duration, anchor, base_spend, base_period.
ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local tokens = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local reserve = ARGV[3] == '1'
local P = 60
local idx = math.floor(now / P)
local elapsed = now - idx * P
local keep = 1 - elapsed / P
local st = {}
for i, key in ipairs(KEYS) do
  local o = 3 + (i - 1) * 8
  local rpm, tpm, par = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3])
  local budget, dur = tonumber(ARGV[o + 4]), tonumber(ARGV[o + 5])
  local anchor, base, bp = tonumber(ARGV[o + 6]), tonumber(ARGV[o + 7]), tonumber(ARGV[o + 8])
  local v = redis.call('HMGET', key, 'rb', 'rc', 'rp', 'tb', 'tc', 'tp', 'par', 'pi', 'sp', 'rs')
  local rc, rp = tonumber(v[2]) or 0, tonumber(v[3]) or 0
  local tc, tp = tonumber(v[5]) or 0, tonumber(v[6]) or 0
  local rb, tb = tonumber(v[1]) or idx, tonumber(v[4]) or idx
  if rb ~= idx then if rb == idx - 1 then rp = rc else rp = 0 end rc = 0 end
  if tb ~= idx then if tb == idx - 1 then tp = tc else tp = 0 end tc = 0 end
  local pi = 0
  if dur > 0 then pi = math.max(0, math.floor((now - anchor) / dur)) end
  local sp = tonumber(v[9])
  if sp == nil or tonumber(v[8]) ~= pi then
    if pi == bp then sp = base else sp = 0 end
  end
  local rs = tonumber(v[10]) or 0
  local pa = tonumber(v[7]) or 0
  if rpm >= 0 and rp * keep + rc + 1 > rpm + 1e-9 then
    return {0, 'rpm', i, tostring(rpm), tostring(rp), tostring(rc), tostring(elapsed), '0'}
  end
  if tpm >= 0 and tp * keep + tc + tokens > tpm + 1e-9 then
    return {0, 'tpm', i, tostring(tpm), tostring(tp), tostring(tc), tostring(elapsed), '0'}
  end
  if par >= 0 and pa + 1 > par then
    return {0, 'parallel', i, tostring(par), '0', '0', tostring(elapsed), '0'}
  end
  if budget >= 0 then
    local over
    if reserve then over = sp + rs + cost > budget + 1e-9 else over = sp >= budget end
    if over then
      return {0, 'budget', i, tostring(budget), '0', '0', tostring(elapsed), tostring(sp + rs)}
    end
  end
  st[i] = {rc, rp, tc, tp, pa, pi, sp, rs, budget >= 0}
end
local r = 0
if reserve then r = cost end
local out = {1, tostring(elapsed)}
for i, key in ipairs(KEYS) do
  local s = st[i]
  redis.call('HSET', key, 'rb', idx, 'rc', s[1] + 1, 'rp', tostring(s[2]), 'tb', idx,
    'tc', tostring(s[3] + tokens), 'tp', tostring(s[4]), 'par', s[5] + 1, 'pi', s[6],
    'sp', tostring(s[7]), 'rs', tostring(s[8] + r))
  if s[9] then redis.call('PERSIST', key) else redis.call('EXPIRE', key, 2 * P + 60) end
  table.insert(out, tostring(s[2]))
  table.insert(out, tostring(s[1] + 1))
  table.insert(out, tostring(s[4]))
  table.insert(out, tostring(s[3] + tokens))
end
return out
"""

# ARGV: token delta, reserved, cost, then 4 per rule: duration, anchor, base_spend, base_period.
SETTLE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local delta, reserved, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local P = 60
local idx = math.floor(now / P)
for i, key in ipairs(KEYS) do
  local o = 3 + (i - 1) * 4
  local dur, anchor = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2])
  local base, bp = tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4])
  local v = redis.call('HMGET', key, 'tb', 'tc', 'tp', 'par', 'pi', 'sp', 'rs')
  local tb, tc, tp = tonumber(v[1]) or idx, tonumber(v[2]) or 0, tonumber(v[3]) or 0
  if tb ~= idx then if tb == idx - 1 then tp = tc else tp = 0 end tc = 0 end
  local pi = 0
  if dur > 0 then pi = math.max(0, math.floor((now - anchor) / dur)) end
  local sp = tonumber(v[6])
  if sp == nil or tonumber(v[5]) ~= pi then
    if pi == bp then sp = base else sp = 0 end
  end
  redis.call('HSET', key, 'tb', idx, 'tc', tostring(math.max(0, tc + delta)), 'tp', tostring(tp),
    'par', math.max(0, (tonumber(v[4]) or 0) - 1), 'pi', pi, 'sp', tostring(sp + cost),
    'rs', tostring(math.max(0, (tonumber(v[7]) or 0) - reserved)))
end
return 1
"""


# Outage spend is added only where Redis still holds the principal's spend; a hash
# that is gone (Redis restarted empty) starts again from the database's total.
RECONCILE = """
if redis.call('HEXISTS', KEYS[1], 'sp') == 1 then
  return redis.call('HINCRBYFLOAT', KEYS[1], 'sp', ARGV[1])
end
return false
"""


def _n(v: float | int | None) -> str:
    return "-1" if v is None else repr(float(v))


def _admit_args(rules: tuple[Rule, ...], tokens: int, cost: float, reserve: bool) -> list[str]:
    args = [str(tokens), repr(cost), "1" if reserve else "0"]
    for r in rules:
        args += [
            _n(r.rpm), _n(r.tpm), _n(r.parallel), _n(r.max_budget), _n(r.budget_duration),
            repr(r.anchor), repr(r.base_spend), str(r.base_period),
        ]  # fmt: skip
    return args


def _settle_args(rules: tuple[Rule, ...], delta: int, reserved: float, cost: float) -> list[str]:
    args = [str(delta), repr(reserved), repr(cost)]
    for r in rules:
        args += [_n(r.budget_duration), repr(r.anchor), repr(r.base_spend), str(r.base_period)]
    return args


def _meters(rules: tuple[Rule, ...], elapsed: float, values: list[Any]) -> Decision:
    decision = Decision(None)
    keep = 1 - elapsed / MINUTE
    for i, r in enumerate(rules):
        rp, rc, tp, tc = (float(values[4 * i + k]) for k in range(4))
        if r.rpm is not None:
            m = Meter(r.rpm, int(r.rpm - (rp * keep + rc)), _reset(elapsed, rp, rc))
            if decision.requests is None or m.remaining < decision.requests.remaining:
                decision.requests = m
        if r.tpm is not None:
            m = Meter(r.tpm, int(r.tpm - (tp * keep + tc)), _reset(elapsed, tp, tc))
            if decision.tokens is None or m.remaining < decision.tokens.remaining:
                decision.tokens = m
    return decision


def _reset(elapsed: float, previous: float, current: float) -> float:
    if current > 0:
        return 2 * MINUTE - elapsed
    return MINUTE - elapsed if previous > 0 else 0.0


class SharedCounters:
    """See the module docstring; tickets admitted by the local ledger carry ``shared=False``."""

    name = "redis"

    def __init__(
        self,
        url: str,
        prefix: str,
        *,
        reserve: bool = True,
        op_timeout: float = 0.25,
        backoff_initial: float = 0.1,
        backoff_cap: float = 5.0,
    ) -> None:
        self.url = url
        self.prefix = prefix + "gov:"
        self.reserve = reserve
        self.op_timeout = op_timeout
        self.backoff = (backoff_initial, backoff_cap)
        self.local = Ledger(reserve=reserve)
        self._client: Any = None
        self._admit: Any = None
        self._settle: Any = None
        self._lost = trio.Event()
        #: spend settled by the local ledger while Redis was down: ns -> USD
        self.outage_spend: dict[str, float] = {}
        self.downs = 0

    @property
    def up(self) -> bool:
        return self._client is not None

    def _keys(self, rules: tuple[Rule, ...]) -> list[str]:
        return [self.prefix + r.ns for r in rules]

    def _lose(self, exc: BaseException) -> None:
        if self._client is not None:
            log.warning("governance: redis down (%r); counting limits per process", exc)
            self.downs += 1
        self._client = None
        self._lost.set()

    async def admit(
        self, rules: tuple[Rule, ...], tokens: int, max_cost: float
    ) -> tuple[Decision, Ticket | None]:
        script = self._admit
        if script is not None and self._client is not None:
            client = self._client
            try:
                with trio.fail_after(self.op_timeout):
                    out = await script(
                        keys=self._keys(rules),
                        args=_admit_args(rules, tokens, max_cost, self.reserve),
                        client=client,
                    )
            except trio.Cancelled:
                raise
            except Exception as exc:
                self._lose(exc)
            else:
                return self._decode(rules, tokens, max_cost, out)
        decision, ticket = self.local.admit(
            rules, trio.current_time(), time.time(), tokens, max_cost
        )
        return decision, ticket

    def _decode(
        self, rules: tuple[Rule, ...], tokens: int, max_cost: float, out: list[Any]
    ) -> tuple[Decision, Ticket | None]:
        if int(out[0]) == 1:
            decision = _meters(rules, float(out[1]), out[2:])
            return decision, Ticket(rules, tokens, max_cost if self.reserve else 0.0, shared=True)
        kind = out[1].decode() if isinstance(out[1], bytes) else str(out[1])
        rule = rules[int(out[2]) - 1]
        limit, prev, cur, elapsed = (float(x) for x in out[3:7])
        if kind in ("rpm", "tpm"):
            wait = wait_for(MINUTE, elapsed, prev, cur, limit, 1 if kind == "rpm" else tokens)
        else:
            wait = 1.0 if kind == "parallel" else float("inf")
        decision = Decision(Denial(kind, rule.ns, limit, wait, float(out[7])))
        if kind == "rpm":
            decision.requests = Meter(int(limit), 0, _reset(elapsed, prev, cur))
        return decision, None

    async def settle(self, ticket: Ticket, tokens: int, cost: float) -> None:
        if ticket.settled:
            return
        if not ticket.shared:
            self.local.settle(ticket, trio.current_time(), time.time(), tokens, cost)
            for r in ticket.rules:
                if r.max_budget is not None and cost > 0:
                    self.outage_spend[r.ns] = self.outage_spend.get(r.ns, 0.0) + cost
            return
        ticket.settled = True
        client, script = self._client, self._settle
        if client is None or script is None:
            for r in ticket.rules:
                if cost > 0:
                    self.outage_spend[r.ns] = self.outage_spend.get(r.ns, 0.0) + cost
            return
        try:
            with trio.fail_after(self.op_timeout * 4):
                await script(
                    keys=self._keys(ticket.rules),
                    args=_settle_args(ticket.rules, tokens - ticket.tokens, ticket.reserved, cost),
                    client=client,
                )
        except trio.Cancelled:
            raise
        except Exception as exc:
            self._lose(exc)
            for r in ticket.rules:
                self.outage_spend[r.ns] = self.outage_spend.get(r.ns, 0.0) + cost

    def spend(self, rule: Rule) -> tuple[float, float]:
        return self.local.spend(rule, time.time())

    async def read_spend(self, rule: Rule) -> float | None:
        """The spend Redis holds for ``rule`` (``None``: unknown or down)."""
        client = self._client
        if client is None:
            return None
        try:
            with trio.fail_after(self.op_timeout):
                raw = await client.hget(self.prefix + rule.ns, "sp")
        except trio.Cancelled:
            raise
        except Exception as exc:
            self._lose(exc)
            return None
        return float(raw) if raw is not None else None

    async def _reconcile(self, client: Any) -> None:
        pending, self.outage_spend = self.outage_spend, {}
        script = client.register_script(RECONCILE)
        for ns, usd in pending.items():
            with trio.fail_after(self.op_timeout * 4):
                await script(keys=[self.prefix + ns], args=[repr(usd)], client=client)
        if pending:
            log.info("governance: redis back; added outage spend of %d principals", len(pending))

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Own the connection: connect, serve until an error, probe with backoff; forever."""
        import coredis
        from coredis.retry import NoRetryPolicy

        rng = random.Random()
        attempt = 0
        started = False
        while True:
            client: Any = coredis.Redis.from_url(
                self.url, connect_timeout=self.op_timeout, retry_policy=NoRetryPolicy()
            )
            try:
                async with client:
                    with trio.fail_after(self.op_timeout * 4):
                        await client.ping()
                        await self._reconcile(client)
                    self._admit = client.register_script(ADMIT)
                    self._settle = client.register_script(SETTLE)
                    self._lost = lost = trio.Event()
                    self._client = client
                    attempt = 0
                    if not started:
                        task_status.started()
                        started = True
                    await lost.wait()
            except* trio.Cancelled:
                raise
            except* Exception as group:
                self._lose(group.exceptions[0])
            self._client = None
            if not started:
                task_status.started()
                started = True
            await trio.sleep(next_delay(attempt, *self.backoff, rng))
            attempt += 1
