"""The Redis side of the shared counters: Lua scripts and their wire format (no I/O).

Same arithmetic as :class:`~routeiq.governance.ledger.Ledger`, on Redis's clock.
Every principal is one hash ``<prefix>gov:<ns>``:

- ``b``: the minute (window bucket) it was last written in; ``tc``/``tp``: tokens
  of this and the previous minute (``tpm_limit``'s sliding estimate);
- ``pa``: requests in flight (``max_parallel_requests``);
- ``pi``, ``sp``, ``rs``: budget period, its spend, and what requests in flight
  have reserved;

plus, for ``rpm_limit``, a sorted set ``<hash>:r`` with one member per request
admitted in the last minute: exact (at most the limit in any 60 s window, the
limit per minute under overload). A GCRA cell would be one field, but it lets
the burst and the steady rate into one window (up to 2x the limit in the first
minute of an overload, where bench/governance.py's limiter must stay within 2%).

Only what a request changes is written: ``tc`` with a ``tpm_limit``, ``pa`` with
a ``max_parallel_requests``, ``rs`` with a budget (``b``, ``tp``, ``pi``, ``sp``
when the minute or the period rolled over), and a hash's expiry is set once a
minute, when ``b`` rolls (those holding a budget never expire, so spend survives
a gateway restart; the others expire after two idle windows).

Arguments are packed binary (``struct``), each rule's 64 bytes built once when its
record is loaded; the script unpacks them in C (string parsing with ``gmatch``
cost 10 us of Redis time per call). The reply is one packed string too.
"""

from __future__ import annotations

import hashlib
import struct

from routeiq.governance.ledger import Rule

#: rpm, tpm, parallel, max_budget, budget_duration, anchor, base_spend, base_period
#: (-1: not set).
RULE = struct.Struct("<8d")
#: rules, reserve (0/1), tokens, max_cost, log member
HEAD = struct.Struct("<BBddd")
#: settled keys, token delta, reserved, cost; then RULE per key
SETTLED = struct.Struct("<Bddd")
#: admitted (1): rpm limit, remaining, reset, tpm limit, remaining, reset (limit -1: none);
#: refused (0): kind, rule index, limit, rpm wait / tpm previous, tpm current, elapsed,
#: spend + reserved, 0
REPLY = struct.Struct("<BBBdddddd")
KINDS = {1: "rpm", 2: "tpm", 3: "parallel", 4: "budget"}

_COMMON = """
local P = 60
local function state(key, now, idx, dur, anchor, base, bp)
  local v = redis.call('HMGET', key, 'b', 'tc', 'tp', 'pa', 'pi', 'sp', 'rs')
  local b = tonumber(v[1])
  local tc, tp = tonumber(v[2]) or 0, tonumber(v[3]) or 0
  local rolled = b ~= idx
  if rolled then
    if b == idx - 1 then tp = tc else tp = 0 end
    tc = 0
  end
  local pi = 0
  if dur > 0 then pi = math.max(0, math.floor((now - anchor) / dur)) end
  local sp = tonumber(v[6])
  local newp = sp == nil or tonumber(v[5]) ~= pi
  if newp then
    if pi == bp then sp = base else sp = 0 end
  end
  return b, rolled, tc, tp, tonumber(v[4]) or 0, pi, sp, tonumber(v[7]) or 0, newp
end
-- Writes the fields in `f` (name, value, ...), plus the rolled ones and, with a
-- budget, the period's spend when `wsp`; sets the expiry once per minute (a
-- budget's hash never expires).
local function store(key, f, n, idx, rolled, tp, wsp, pi, sp, budget, tpm)
  if rolled then
    f[n + 1], f[n + 2], f[n + 3], f[n + 4] = 'b', idx, 'tp', tp
    n = n + 4
    if tpm < 0 then f[n + 1], f[n + 2], n = 'tc', 0, n + 2 end
  end
  if wsp and budget >= 0 then
    f[n + 1], f[n + 2], f[n + 3], f[n + 4] = 'pi', pi, 'sp', sp
    n = n + 4
  end
  if n > 0 then redis.call('HSET', key, unpack(f, 1, n)) end
  if rolled then
    if budget >= 0 then redis.call('PERSIST', key) else redis.call('EXPIRE', key, '180') end
  end
end
-- Settlements: ARGV[o..o+n-1], keys from KEYS[k].
local function settle(now, idx, k, o, n)
  for j = o, o + n - 1 do
    local a = ARGV[j]
    local nk, delta, reserved, cost, pos = struct.unpack('<Bddd', a)
    for _ = 1, nk do
      local rpm, tpm, par, budget, dur, anchor, base, bp
      rpm, tpm, par, budget, dur, anchor, base, bp, pos = struct.unpack('<dddddddd', a, pos)
      local key = KEYS[k]
      k = k + 1
      local b, rolled, tc, tp, pa, pi, sp, rs, newp = state(key, now, idx, dur, anchor, base, bp)
      -- A window-only hash that expired meanwhile has nothing left to settle.
      if b ~= nil or budget >= 0 then
        local f, m = {}, 0
        if tpm >= 0 and (delta ~= 0 or rolled) then
          f[1], f[2], m = 'tc', math.max(0, tc + delta), 2
        end
        if par >= 0 then f[m + 1], f[m + 2], m = 'pa', math.max(0, pa - 1), m + 2 end
        if budget >= 0 then f[m + 1], f[m + 2], m = 'rs', math.max(0, rs - reserved), m + 2 end
        store(key, f, m, idx, rolled, tp, true, pi, sp + cost, budget, tpm)
      end
    end
  end
end
local t = redis.call('TIME')
local now = t[1] + t[2] / 1000000
local idx = math.floor(now / P)
"""
# Numbers handed to redis.call are formatted with %.17g (~0.3 us each in Redis 7.0):
# the log's scores and member go as strings made once per call (or sent by the client).

SETTLE = (
    _COMMON
    + """
settle(now, idx, 1, 1, #ARGV)
return 1
"""
)

# ARGV[1]: HEAD; ARGV[2 .. na+1]: RULE per rule (KEYS[1 .. na]); then the
# settlements that ride along (applied first, so a sequential client's own
# request sees its previous one settled), keys after the rules'.
ADMIT = (
    _COMMON
    + """
local na, reserve, tokens, cost = struct.unpack('<BBddd', ARGV[1])
settle(now, idx, na + 1, na + 2, #ARGV - na - 1)
local us = string.rep('0', 6 - #t[2]) .. t[2]
local score = t[1] .. '.' .. us
local horizon = (t[1] - P) .. '.' .. us
local member = string.sub(ARGV[1], 19, 26)
local elapsed = now - idx * P
local keep = 1 - elapsed / P
local st = {}
local rl, rleft, rreset, tl, tleft, treset = -1, 1e300, 0, -1, 1e300, 0
for i = 1, na do
  local key = KEYS[i]
  local rpm, tpm, par, budget, dur, anchor, base, bp = struct.unpack('<dddddddd', ARGV[i + 1])
  local b, rolled, tc, tp, pa, pi, sp, rs, newp = state(key, now, idx, dur, anchor, base, bp)
  if rpm >= 0 then
    local log = key .. ':r'
    redis.call('ZREMRANGEBYSCORE', log, '-inf', horizon)
    local n = redis.call('ZCARD', log)
    local left = rpm - n - 1
    if left < 0 then
      local wait = 1e300
      if rpm > 0 then
        local first = redis.call('ZRANGE', log, n - rpm, n - rpm, 'WITHSCORES')
        wait = tonumber(first[2]) + P - now
      end
      return struct.pack('<BBBdddddd', 0, 1, i, rpm, wait, 0, elapsed, 0, 0)
    end
    if left < rleft then rl, rleft, rreset = rpm, left, P end
  end
  if tpm >= 0 then
    local left = tpm - (tp * keep + tc + tokens)
    if left < -1e-9 then
      return struct.pack('<BBBdddddd', 0, 2, i, tpm, tp, tc, elapsed, 0, 0)
    end
    if left < tleft then
      tl, tleft = tpm, left
      if tc + tokens > 0 then treset = 2 * P - elapsed
      elseif tp > 0 then treset = P - elapsed else treset = 0 end
    end
  end
  if par >= 0 and pa + 1 > par then
    return struct.pack('<BBBdddddd', 0, 3, i, par, 0, 0, elapsed, 0, 0)
  end
  if budget >= 0 then
    local over
    if reserve == 1 then over = sp + rs + cost > budget + 1e-9 else over = sp >= budget end
    if over then
      return struct.pack('<BBBdddddd', 0, 4, i, budget, 0, 0, elapsed, sp + rs, 0)
    end
  end
  st[i] = {rpm, tpm, par, budget, rolled, tc, tp, pa, pi, sp, rs, newp}
end
local r = 0
if reserve == 1 then r = cost end
for i = 1, na do
  local key = KEYS[i]
  local s = st[i]
  local budget = s[4]
  if s[1] >= 0 then
    local log = key .. ':r'
    redis.call('ZADD', log, score, member)
    if s[5] then redis.call('EXPIRE', log, '121') end
  end
  local f, m = {}, 0
  if s[2] >= 0 and (tokens ~= 0 or s[5]) then f[1], f[2], m = 'tc', s[6] + tokens, 2 end
  if s[3] >= 0 then f[m + 1], f[m + 2], m = 'pa', s[8] + 1, m + 2 end
  if budget >= 0 and r ~= 0 then f[m + 1], f[m + 2], m = 'rs', s[11] + r, m + 2 end
  store(key, f, m, idx, s[5], s[7], s[12], s[9], s[10], budget, s[2])
end
return struct.pack('<BBBdddddd', 1, 0, 0, rl, math.floor(rleft + 1e-9), rreset,
  tl, math.floor(tleft + 1e-9), treset)
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

ADMIT_SHA = hashlib.sha1(ADMIT.encode()).hexdigest()
SETTLE_SHA = hashlib.sha1(SETTLE.encode()).hexdigest()


def _n(v: float | int | None) -> float:
    return -1.0 if v is None else float(v)


def rule_bytes(r: Rule) -> bytes:
    """A rule's packed argument (built once per loaded record)."""
    return RULE.pack(
        _n(r.rpm), _n(r.tpm), _n(r.parallel), _n(r.max_budget), _n(r.budget_duration),
        r.anchor, r.base_spend, float(r.base_period),
    )  # fmt: skip


def bulk(data: bytes) -> bytes:
    """One RESP bulk string."""
    return b"$%d\r\n%s\r\n" % (len(data), data)


def command_head(sha: str, nkeys: int, nargs: int) -> bytes:
    """``EVALSHA sha nkeys`` as the start of a RESP array of ``3 + nkeys + nargs`` items."""
    n = str(nkeys).encode()
    return b"*%d\r\n$7\r\nEVALSHA\r\n%s%s" % (3 + nkeys + nargs, bulk(sha.encode()), bulk(n))
