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
from coredis.exceptions import NoScriptError

from routeiq.governance.ledger import MINUTE, Decision, Denial, Ledger, Meter, Rule, Ticket
from routeiq.governance.resp import RespConnection, RespError, address
from routeiq.governance.window import wait_for
from routeiq.state.backoff import next_delay

log = logging.getLogger("routeiq.governance")

CARRY = 64  # settlements one admission carries at most
FLUSH_BATCH = 512  # settlements one flush sends at most

# Arguments are packed, one comma-separated string per rule and per settled ticket:
# each argument costs the client more than the script spends splitting it.
# settle(now, k, o, n): n settlements; ARGV[o..o+n-1] are "nkeys,token delta,reserved,
# cost" followed by "duration,anchor,base_spend,base_period" per key; keys from KEYS[k].
SETTLE_FN = """
local function nums(s)
  local t = {}
  for x in string.gmatch(s, '[^,]+') do t[#t + 1] = tonumber(x) end
  return t
end
-- The state of one principal at `now`: token window rolled, spend of this period.
local function load(key, idx, now, dur, anchor, base, bp)
  local v = redis.call('HMGET', key, 'tb', 'tc', 'tp', 'par', 'pi', 'sp', 'rs')
  local tb, tc, tp = tonumber(v[1]) or idx, tonumber(v[2]) or 0, tonumber(v[3]) or 0
  if tb ~= idx then if tb == idx - 1 then tp = tc else tp = 0 end tc = 0 end
  local pi = 0
  if dur > 0 then pi = math.max(0, math.floor((now - anchor) / dur)) end
  local sp = tonumber(v[6])
  if sp == nil or tonumber(v[5]) ~= pi then
    if pi == bp then sp = base else sp = 0 end
  end
  return tc, tp, tonumber(v[4]) or 0, pi, sp, tonumber(v[7]) or 0
end
local function settle(now, k, o, n)
  local P = 60
  local idx = math.floor(now / P)
  k = k - 1
  for j = o, o + n - 1 do
    local a = nums(ARGV[j])
    local delta, reserved, cost = a[2], a[3], a[4]
    for r = 0, a[1] - 1 do
      k = k + 1
      local key = KEYS[k]
      local tc, tp, pa, pi, sp, rs = load(key, idx, now, a[5 + 4 * r], a[6 + 4 * r],
        a[7 + 4 * r], a[8 + 4 * r])
      redis.call('HSET', key, 'tb', idx, 'tc', math.max(0, tc + delta), 'tp', tp,
        'par', math.max(0, pa - 1), 'pi', pi, 'sp', sp + cost, 'rs', math.max(0, rs - reserved))
    end
  end
end
"""

SETTLE = (
    SETTLE_FN
    + """
local t = redis.call('TIME')
settle(tonumber(t[1]) + tonumber(t[2]) / 1000000, 1, 1, #ARGV)
return 1
"""
)

# One round trip per request: the settlements queued since the last call ride along
# and are applied first. ARGV[1]: "rules,tokens,max_cost,reserve,nonce" (the nonce
# keeps log entries of the same microsecond apart); then one per rule
# (-1 for none): "rpm,tpm,parallel,max_budget,duration,anchor,base_spend,base_period";
# then the settlements (see settle) on the keys after the rules'.
# Answers {1, elapsed, rpm limit, remaining, reset, tpm limit, remaining, reset} of
# the tightest rules (limit -1: none) or {0, kind, rule, limit, previous (rpm: the
# wait), current, elapsed, spend + reserved} for the first refusal. Request logs are
# sorted sets <key>:r (one member per admitted request of the last minute).
ADMIT = (
    SETTLE_FN
    + """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local h = nums(ARGV[1])
local na, tokens, cost, reserve = h[1], h[2], h[3], h[4] == 1
settle(now, na + 1, na + 2, #ARGV - na - 1)
local P = 60
local idx = math.floor(now / P)
local elapsed = now - idx * P
local keep = 1 - elapsed / P
local st = {}
local rl, rleft, rreset, tl, tleft, treset = -1, 1e300, 0, -1, 1e300, 0
for i = 1, na do
  local key = KEYS[i]
  local a = nums(ARGV[i + 1])
  local rpm, tpm, par, budget = a[1], a[2], a[3], a[4]
  local tc, tp, pa, pi, sp, rs = load(key, idx, now, a[5], a[6], a[7], a[8])
  if rpm >= 0 then
    local log = key .. ':r'
    redis.call('ZREMRANGEBYSCORE', log, '-inf', now - P)
    local n = redis.call('ZCARD', log)
    local left = rpm - n - 1
    if left < 0 then
      local wait = 1e300
      if rpm > 0 then
        local first = redis.call('ZRANGE', log, n - rpm, n - rpm, 'WITHSCORES')
        wait = tonumber(first[2]) + P - now
      end
      return {0, 'rpm', i, tostring(rpm), tostring(wait), '0', tostring(elapsed), '0'}
    end
    if left < rleft then rl, rleft, rreset = rpm, left, P end
  end
  if tpm >= 0 then
    local left = tpm - (tp * keep + tc + tokens)
    if left < -1e-9 then
      return {0, 'tpm', i, tostring(tpm), tostring(tp), tostring(tc), tostring(elapsed), '0'}
    end
    if left < tleft then
      tl, tleft = tpm, left
      if tc + tokens > 0 then treset = 2 * P - elapsed
      elseif tp > 0 then treset = P - elapsed else treset = 0 end
    end
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
  st[i] = {rpm >= 0, 0, tc, tp, pa, pi, sp, rs, budget >= 0}
end
local r = 0
if reserve then r = cost end
for i = 1, na do
  local key = KEYS[i]
  local s = st[i]
  if s[1] then
    redis.call('ZADD', key .. ':r', now, tostring(now) .. ':' .. h[5])
    redis.call('EXPIRE', key .. ':r', P + 1)
  end
  redis.call('HSET', key, 'tb', idx, 'tc', s[3] + tokens, 'tp', s[4], 'par', s[5] + 1,
    'pi', s[6], 'sp', s[7], 'rs', s[8] + r)
  if s[9] then redis.call('PERSIST', key) else redis.call('EXPIRE', key, 2 * P + 60) end
end
return {1, tostring(elapsed), rl, math.floor(rleft + 1e-9), tostring(rreset),
  tl, math.floor(tleft + 1e-9), tostring(treset)}
"""
)

# Outage spend is added only where Redis still holds the principal's spend; a hash
# that is gone (Redis restarted empty) starts again from the database's total.
RECONCILE = """
if redis.call('HEXISTS', KEYS[1], 'sp') == 1 then
  return redis.call('HINCRBYFLOAT', KEYS[1], 'sp', ARGV[1])
end
return false
"""


def _n(v: float | int | None) -> str:
    return "-1" if v is None else repr(v)


def _rule_arg(r: Rule) -> str:
    return ",".join(
        (_n(r.rpm), _n(r.tpm), _n(r.parallel), _n(r.max_budget), _n(r.budget_duration),
         repr(r.anchor), repr(r.base_spend), str(r.base_period))
    )  # fmt: skip


def _settle_args(batch: list[tuple[Ticket, int, float]]) -> tuple[list[str], list[str]]:
    keys: list[str] = []
    args: list[str] = []
    for ticket, tokens, cost in batch:
        parts = [str(len(ticket.rules)), str(tokens - ticket.tokens), repr(ticket.reserved)]
        parts.append(repr(cost))
        for r in ticket.rules:
            keys.append(r.ns)
            parts += [_n(r.budget_duration), repr(r.anchor), repr(r.base_spend), str(r.base_period)]
        args.append(",".join(parts))
    return keys, args


def _meters(out: list[Any]) -> Decision:
    decision = Decision(None)
    if int(out[2]) >= 0:
        decision.requests = Meter(int(out[2]), int(out[3]), float(out[4]))
    if int(out[5]) >= 0:
        decision.tokens = Meter(int(out[5]), int(out[6]), float(out[7]))
    return decision


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
        flush_delay: float = 0.01,
    ) -> None:
        self.url = url
        self.prefix = prefix + "gov:"
        self.reserve = reserve
        self.op_timeout = op_timeout
        self.backoff = (backoff_initial, backoff_cap)
        self.local = Ledger(reserve=reserve)
        self._client: Any = None
        # The admission call's own lean connection (routeiq.governance.resp), beside
        # coredis's; None for URLs it does not speak (TLS, unix sockets).
        self._fast: RespConnection | None = None
        self._pending: list[tuple[Ticket, int, float]] = []
        self._pending_since = 0.0  # when the oldest queued settlement was queued
        self._rule_args: dict[int, tuple[Rule, str]] = {}
        self.flush_delay = flush_delay
        self._admit_sha: Any = ""
        self._settle_sha: Any = ""
        self._lost = trio.Event()
        #: spend settled by the local ledger while Redis was down: ns -> USD
        self.outage_spend: dict[str, float] = {}
        self.downs = 0

    @property
    def up(self) -> bool:
        return self._client is not None

    def _encoded(self, rule: Rule) -> str:
        """A rule's packed argument, built once per loaded record."""
        hit = self._rule_args.get(id(rule))
        if hit is not None and hit[0] is rule:
            return hit[1]
        if len(self._rule_args) > 200_000:
            self._rule_args.clear()
        arg = _rule_arg(rule)
        self._rule_args[id(rule)] = (rule, arg)
        return arg

    def _keys(self, rules: tuple[Rule, ...]) -> list[str]:
        return [self.prefix + r.ns for r in rules]

    def _lose(self, exc: BaseException) -> None:
        if self._client is not None:
            log.warning("governance: redis down (%r); counting limits per process", exc)
            self.downs += 1
        self._client = None
        self._fast = None
        self._lost.set()

    async def admit(
        self, rules: tuple[Rule, ...], tokens: int, max_cost: float
    ) -> tuple[Decision, Ticket | None]:
        client = self._client
        if client is not None:
            # Settlements ride along (a bounded number: the flusher takes a backlog).
            carried, self._pending = self._pending[:CARRY], self._pending[CARRY:]
            keys = self._keys(rules)
            nonce = random.getrandbits(48)
            args = [f"{len(rules)},{tokens},{max_cost!r},{1 if self.reserve else 0},{nonce}"]
            args += [self._encoded(r) for r in rules]
            names, settle_args = _settle_args(carried)
            keys += [self.prefix + n for n in names]
            args += settle_args
            try:
                with trio.fail_after(self.op_timeout):
                    fast = self._fast
                    if fast is not None:
                        out = await fast.call(b"EVALSHA", self._admit_sha, len(keys), *keys, *args)
                        if isinstance(out, RespError):
                            if not str(out).startswith("NOSCRIPT"):
                                raise out
                            out = await self._eval(client, ADMIT, self._admit_sha, keys, args)
                    else:
                        out = await self._eval(client, ADMIT, self._admit_sha, keys, args)
            except trio.Cancelled:
                self._pending[:0] = carried  # not sent (or not known to be): try again
                raise
            except Exception as exc:
                self._lose(exc)
                for held, _, usd in carried:  # not known to be applied: counted locally
                    self._note_outage(held, usd)
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
            decision = _meters(out)
            return decision, Ticket(rules, tokens, max_cost if self.reserve else 0.0, shared=True)
        kind = out[1].decode() if isinstance(out[1], bytes) else str(out[1])
        rule = rules[int(out[2]) - 1]
        limit, prev, cur, elapsed = (float(x) for x in out[3:7])
        if kind == "rpm":
            wait = prev if prev < 1e299 else float("inf")
        elif kind == "tpm":
            wait = wait_for(MINUTE, elapsed, prev, cur, limit, tokens)
        else:
            wait = 1.0 if kind == "parallel" else float("inf")
        decision = Decision(Denial(kind, rule.ns, limit, wait, float(out[7])))
        if kind == "rpm":
            decision.requests = Meter(int(limit), 0, wait if wait < MINUTE else MINUTE)
        return decision, None

    async def _eval(
        self, client: Any, script: str, sha: str, keys: list[str], args: list[str]
    ) -> Any:
        """EVALSHA (the script is loaded on connect), loading it again if Redis forgot it.
        (coredis's Script wrapper cost ~80 us more per call here.)"""
        try:
            return await client.evalsha(sha, keys=keys, args=args)
        except NoScriptError:
            await client.script_load(script)
            return await client.evalsha(sha, keys=keys, args=args)

    def settle(self, ticket: Ticket, tokens: int, cost: float) -> None:
        """Settle a ticket without I/O: a local one at once; a shared one is queued
        for the next admission's script call (or the flusher's, within ``flush_delay``)."""
        if ticket.settled:
            return
        if not ticket.shared:
            self.local.settle(ticket, trio.current_time(), time.time(), tokens, cost)
            self._note_outage(ticket, cost)
            return
        ticket.settled = True
        if self._client is None:  # Redis is down: its spend is added when it is back
            self._note_outage(ticket, cost)
            return
        if not self._pending:
            self._pending_since = trio.current_time()
        self._pending.append((ticket, tokens, cost))

    async def _flush(self) -> None:
        """Send the queued settlements on their own (no admission carried them)."""
        client, carried = self._client, self._pending[:FLUSH_BATCH]
        if client is None or not carried:
            return
        self._pending = self._pending[FLUSH_BATCH:]
        self._pending_since = trio.current_time()
        names, args = _settle_args(carried)
        try:
            with trio.fail_after(self.op_timeout * 4):
                await self._eval(
                    client, SETTLE, self._settle_sha, [self.prefix + n for n in names], args
                )
        except trio.Cancelled:
            self._pending[:0] = carried
            raise
        except Exception as exc:
            self._lose(exc)
            for ticket, _, cost in carried:
                self._note_outage(ticket, cost)

    async def _flusher(self) -> None:
        """Sends settlements that no admission carried within ``flush_delay`` (under
        traffic the next request carries them, so this adds no round trips)."""
        while True:
            await trio.sleep(self.flush_delay / 2)
            pending = self._pending
            if pending and (
                len(pending) > CARRY
                or trio.current_time() - self._pending_since >= self.flush_delay
            ):
                await self._flush()

    def _note_outage(self, ticket: Ticket, cost: float) -> None:
        if cost > 0:
            for r in ticket.rules:
                if r.max_budget is not None:
                    self.outage_spend[r.ns] = self.outage_spend.get(r.ns, 0.0) + cost

    def spend(self, rule: Rule) -> tuple[float, float]:
        return self.local.spend(rule, time.time())

    def prepare(self, rule: Rule) -> None:
        self._encoded(rule)

    def forget(self, ns: str) -> None:
        self.local.forget(ns)

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
                    with trio.fail_after(self.op_timeout * 4):
                        self._admit_sha = await client.script_load(ADMIT)
                        self._settle_sha = await client.script_load(SETTLE)
                    addr = address(self.url)
                    fast = None
                    if addr is not None:
                        with trio.fail_after(self.op_timeout * 4):
                            fast = await RespConnection.open(addr)
                    self._lost = lost = trio.Event()
                    try:
                        async with trio.open_nursery() as flushing:
                            if fast is not None and addr is not None:
                                await flushing.start(fast.run)
                                with trio.fail_after(self.op_timeout * 4):
                                    await fast.hello(addr)
                            self._fast = fast
                            self._client = client
                            attempt = 0
                            if not started:
                                task_status.started()
                                started = True
                            flushing.start_soon(self._flusher)
                            await lost.wait()
                            flushing.cancel_scope.cancel()
                    finally:
                        self._fast = None
                        if fast is not None:
                            with trio.CancelScope(shield=True):
                                await fast.aclose()
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
