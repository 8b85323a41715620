"""The Redis side of the shared counters: Lua scripts and their wire format (no I/O).

Same arithmetic as :class:`~routeiq.governance.ledger.Ledger`, on Redis's clock.
Every principal is one string ``<prefix>gov:v2:<ns>`` holding a packed header
(:data:`HEADER`, 104 bytes): the minute (window bucket) it was last written in,
the tokens of this and the previous minute (``tpm_limit``'s sliding estimate),
requests in flight (``max_parallel_requests``), the budget period, its spend and
what requests in flight have reserved, and the state of the ``rpm_limit`` log.

``rpm_limit`` is an exact sliding log (at most the limit in any 60 s window, the
limit per minute under overload): a ring of the last ``limit`` admission times
in a second string ``<header>:r``, 8 bytes a slot. ``head`` and ``tail`` count
admissions (slot = position modulo the limit); the header also keeps the oldest
live and the newest time, so an admission reads a ring slot only when the oldest
entry expired since the last one (then a chunk of :data:`CHUNK` slots in one
``GETRANGE``; a binary search when more than that expired at once) and writes
one slot with ``SETRANGE``. A ring whose entries all expired starts again at
slot 0 (``SET``: the string shrinks). Limits above :data:`RING_MAX` keep a sorted
set (one member per admission of the last minute) instead. A GCRA cell would be
one field, but it lets the burst and the steady rate into one window (up to 2x
the limit in the first minute of an overload, where bench/governance.py's limiter
must stay within 2%).

Why this layout (measured with INFO commandstats on the 2-core bench machine,
Redis 7.0): the previous one (a hash read with ``HMGET`` of 7 fields and written
with ``HSET``, numbers formatted and parsed as text, and a sorted set per rpm
limit) cost ~18-23 us of Redis time per admission of a key and its team and
~12 us per settlement; every ``redis.call`` is ~0.5-1 us, and the text numbers,
Lua tables and sorted-set updates were the rest.

Expiry: a header is written whole (``SETRANGE`` at 0 keeps its TTL); its expiry
is set once a minute, when its bucket rolls (those holding a budget never expire,
so spend survives a gateway restart; the others after three idle minutes). A
ring's expiry is set once a minute in which it is written (``re``: that minute),
so it outlives its newest entry.

Arguments are packed binary (``struct``), each rule's 64 bytes built once when its
record is loaded; the script unpacks them in C. The reply is one packed string.
Every call starts with a clock: negative means Redis's ``TIME`` (what the gateway
sends: every process and host then shares one clock); tests send exact times.
"""

from __future__ import annotations

import hashlib
import struct

from routeiq.governance.ledger import Rule

#: rpm, tpm, parallel, max_budget, budget_duration, anchor, base_spend, base_period
#: (-1: not set).
RULE = struct.Struct("<8d")
#: clock (<0: Redis TIME), rules, reserve (0/1), tokens, max_cost, log member
HEAD = struct.Struct("<dBBddd")
#: the clock alone (the SETTLE script's first argument)
CLOCK = struct.Struct("<d")
#: settled keys, token delta, reserved, cost; then RULE per key
SETTLED = struct.Struct("<Bddd")
#: admitted (1): rpm limit, remaining, reset, tpm limit, remaining, reset (limit -1: none);
#: refused (0): kind, rule index, limit, rpm wait / tpm previous, tpm current, elapsed,
#: spend + reserved, 0
REPLY = struct.Struct("<BBBdddddd")
#: a principal's string: b tc tp pa pi sp rs head tail tstamp newest cap re
#: (pi -1: holds no spend)
HEADER = struct.Struct("<13d")
KINDS = {1: "rpm", 2: "tpm", 3: "parallel", 4: "budget"}
RING_MAX = 100_000  # rpm limits up to this use the ring (at most 800 KB a principal)
CHUNK = 8  # ring slots read at once when the oldest expired

_COMMON = (
    f"local P, K, RING_MAX = 60, {CHUNK}, {RING_MAX}\n"
    + """local HDR = '<ddddddddddddd'
local now = struct.unpack('<d', ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = t[1] + t[2] / 1000000
end
local idx = math.floor(now / P)
local horizon = now - P
"""
    + """
-- A principal's header rolled to now: {b, tc, tp, pa, pi, sp, rs, head, tail, tstamp,
-- newest, cap, re}, whether its bucket rolled, and whether it existed.
local function state(key, dur, anchor, base, bp, budget)
  local raw = redis.call('GET', key)
  local s
  if raw then
    s = {struct.unpack(HDR, raw)}
  else
    s = {-1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, -1}
  end
  local rolled = s[1] ~= idx
  if rolled then
    if s[1] == idx - 1 then s[3] = s[2] else s[3] = 0 end
    s[1], s[2] = idx, 0
  end
  if budget >= 0 then
    local pi = 0
    if dur > 0 then pi = math.max(0, math.floor((now - anchor) / dur)) end
    if s[5] ~= pi then
      s[5] = pi
      if pi == bp then s[6] = base else s[6] = 0 end
    end
  else  -- no spend kept: a budget added later starts from the database's total
    s[5], s[6], s[7] = -1, 0, 0
  end
  return s, rolled, raw
end
local function save(key, s, rolled, budget)
  redis.call('SETRANGE', key, 0, struct.pack(HDR, s[1], s[2], s[3], s[4], s[5], s[6], s[7],
    s[8], s[9], s[10], s[11], s[12], s[13]))
  if rolled then
    if budget >= 0 then redis.call('PERSIST', key) else redis.call('EXPIRE', key, 180) end
  end
end
-- Settlements: ARGV[o..o+n-1], keys from KEYS[k].
local function settle(k, o, n)
  for j = o, o + n - 1 do
    local a = ARGV[j]
    local nk, delta, reserved, cost, pos = struct.unpack('<Bddd', a)
    for _ = 1, nk do
      local rpm, tpm, par, budget, dur, anchor, base, bp
      rpm, tpm, par, budget, dur, anchor, base, bp, pos = struct.unpack('<dddddddd', a, pos)
      local key = KEYS[k]
      k = k + 1
      local s, rolled, raw = state(key, dur, anchor, base, bp, budget)
      -- A window-only header that expired meanwhile has nothing left to settle.
      if raw or budget >= 0 then
        if tpm >= 0 then s[2] = math.max(0, s[2] + delta) end
        if par >= 0 then s[4] = math.max(0, s[4] - 1) end
        if budget >= 0 then
          s[7] = math.max(0, s[7] - reserved)
          s[6] = s[6] + cost
        end
        save(key, s, rolled, budget)
      end
    end
  end
end
"""
)

# The ring (rpm_limit <= RING_MAX): s[8] head, s[9] tail (positions: admissions
# counted since the ring last started), s[10] the tail's time, s[11] the newest
# time, s[12] the ring's size (the limit it was laid out for), s[13] the minute
# its expiry was last set in.
_RING = """
local function stamp_at(ring, cap, p)
  local o = (p % cap) * 8
  local v = redis.call('GETRANGE', ring, o, o + 7)
  if #v < 8 then return 0 end  -- a ring lost meanwhile: its entries count as expired
  return (struct.unpack('<d', v))
end
-- The entries live now (> horizon); moves the tail past the expired ones.
local function ring_live(ring, s, rpm)
  local head, tail = s[8], s[9]
  if head == tail or s[11] <= horizon then
    s[8], s[9], s[12] = 0, 0, rpm
    return 0
  end
  local cap = s[12]
  if s[10] <= horizon then  -- the oldest expired; the newest did not
    local lo, hi, hs = tail + 1, head - 1, s[11]
    local first = lo % cap
    local m = math.min(K, hi - lo, cap - first)
    if m > 0 then
      local chunk = redis.call('GETRANGE', ring, first * 8, (first + m) * 8 - 1)
      local found = false
      for j = 0, m - 1 do
        local v = 0
        if #chunk >= (j + 1) * 8 then v = struct.unpack('<d', chunk, j * 8 + 1) end
        if v > horizon then
          lo, hs, found = lo + j, v, true
          break
        end
      end
      if found then hi = lo else lo = lo + m end
    end
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      local v = stamp_at(ring, cap, mid)
      if v > horizon then hi, hs = mid, v else lo = mid + 1 end
    end
    s[9], s[10] = lo, hs
    tail = lo
  end
  local n = head - tail
  -- The limit changed: lay the live entries out again from slot 0 in a ring of the
  -- new size (a smaller limit waits until no more than it are live: the newest
  -- `rpm` of them decide when the next admission fits, the rest still count).
  if cap < rpm or (cap > rpm and n <= rpm) then
    local all = redis.call('GET', ring) or ''
    local parts = {}
    for p = tail, head - 1 do
      local o = (p % cap) * 8
      local v = string.sub(all, o + 1, o + 8)
      if #v < 8 then v = struct.pack('<d', 0) end
      parts[#parts + 1] = v
    end
    redis.call('SET', ring, table.concat(parts), 'KEEPTTL')
    s[8], s[9], s[12], s[13] = n, 0, rpm, -1  -- (its expiry is set again by the next push)
  end
  return n
end
local function ring_push(ring, s)
  local head = s[8]
  local v = struct.pack('<d', now)
  if head == 0 then  -- empty: start again at slot 0 (SET: the string shrinks)
    redis.call('SET', ring, v, 'EX', 121)
    s[13], s[10] = idx, now
  else
    redis.call('SETRANGE', ring, (head % s[12]) * 8, v)
    if s[13] ~= idx then
      redis.call('EXPIRE', ring, 121)
      s[13] = idx
    end
  end
  s[8], s[11] = head + 1, now
end
"""

SETTLE = (
    _COMMON
    + """
settle(1, 2, #ARGV - 1)
return 1
"""
)

# ARGV[1]: HEAD; ARGV[2 .. na+1]: RULE per rule (KEYS[1 .. na]); then the
# settlements that ride along (applied first, so a sequential client's own
# request sees its previous one settled), keys after the rules'.
ADMIT = (
    _COMMON
    + _RING
    + """
local na, reserve, tokens, cost = struct.unpack('<BBddd', ARGV[1], 9)
settle(na + 1, na + 2, #ARGV - na - 1)
local elapsed = now - idx * P
local keep = 1 - elapsed / P
local st = {}
local rl, rleft, rreset, tl, tleft, treset = -1, 1e300, 0, -1, 1e300, 0
for i = 1, na do
  local key = KEYS[i]
  local rpm, tpm, par, budget, dur, anchor, base, bp = struct.unpack('<dddddddd', ARGV[i + 1])
  local s, rolled = state(key, dur, anchor, base, bp, budget)
  if rpm >= 0 then
    local left, wait
    if rpm == 0 then
      left, wait = -1, 1e300
    elseif rpm <= RING_MAX then
      local n = ring_live(key .. ':r', s, rpm)
      left = rpm - n - 1
      if left < 0 then  -- the rpm-th newest must expire first
        local p = s[8] - rpm
        local v = s[10]
        if p ~= s[9] then v = stamp_at(key .. ':r', s[12], p) end
        wait = v + P - now
      end
    else
      local log = key .. ':r'
      redis.call('ZREMRANGEBYSCORE', log, '-inf', string.format('%.6f', horizon))
      local n = redis.call('ZCARD', log)
      left = rpm - n - 1
      if left < 0 then
        local first = redis.call('ZRANGE', log, n - rpm, n - rpm, 'WITHSCORES')
        wait = tonumber(first[2]) + P - now
      end
    end
    if left < 0 then
      return struct.pack('<BBBdddddd', 0, 1, i, rpm, wait, 0, elapsed, 0, 0)
    end
    if left < rleft then rl, rleft, rreset = rpm, left, P end
  end
  if tpm >= 0 then
    local tc, tp = s[2], s[3]
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
  if par >= 0 and s[4] + 1 > par then
    return struct.pack('<BBBdddddd', 0, 3, i, par, 0, 0, elapsed, 0, 0)
  end
  if budget >= 0 then
    local sp, rs = s[6], s[7]
    local over
    if reserve == 1 then over = sp + rs + cost > budget + 1e-9 else over = sp >= budget end
    if over then
      return struct.pack('<BBBdddddd', 0, 4, i, budget, 0, 0, elapsed, sp + rs, 0)
    end
  end
  st[i] = {s, rolled, rpm, tpm, par, budget}
end
local r = 0
if reserve == 1 then r = cost end
for i = 1, na do
  local key = KEYS[i]
  local e = st[i]
  local s, rpm = e[1], e[3]
  if rpm > 0 then
    if rpm <= RING_MAX then
      ring_push(key .. ':r', s)
    else
      local log = key .. ':r'
      redis.call('ZADD', log, string.format('%.6f', now), string.sub(ARGV[1], 27, 34))
      if s[13] ~= idx then
        redis.call('EXPIRE', log, 121)
        s[13] = idx
      end
    end
  end
  if e[4] >= 0 then s[2] = s[2] + tokens end
  if e[5] >= 0 then s[4] = s[4] + 1 end
  if e[6] >= 0 then s[7] = s[7] + r end
  save(key, s, e[2], e[6])
end
return struct.pack('<BBBdddddd', 1, 0, 0, rl, math.floor(rleft + 1e-9), rreset,
  tl, math.floor(tleft + 1e-9), treset)
"""
)

# Outage spend is added only where Redis still holds the principal's spend; a
# principal that is gone (Redis restarted empty) starts again from the database's total.
RECONCILE = """
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local s = {struct.unpack('<ddddddddddddd', raw)}
if s[5] < 0 then return false end
s[6] = s[6] + tonumber(ARGV[1])
redis.call('SETRANGE', KEYS[1], 0, struct.pack('<ddddddddddddd', s[1], s[2], s[3], s[4],
  s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13]))
return tostring(s[6])
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


def header_spend(raw: bytes | None) -> float | None:
    """The spend a principal's header holds (``None``: none kept)."""
    if raw is None or len(raw) < HEADER.size:
        return None
    fields = HEADER.unpack_from(raw)
    return fields[5] if fields[4] >= 0 else None


def bulk(data: bytes) -> bytes:
    """One RESP bulk string."""
    return b"$%d\r\n%s\r\n" % (len(data), data)


def command_head(sha: str, nkeys: int, nargs: int) -> bytes:
    """``EVALSHA sha nkeys`` as the start of a RESP array of ``3 + nkeys + nargs`` items."""
    n = str(nkeys).encode()
    return b"*%d\r\n$7\r\nEVALSHA\r\n%s%s" % (3 + nkeys + nargs, bulk(sha.encode()), bulk(n))
