"""The Lua text of the governance scripts (their wire format: ``routeiq.governance.scripts``).

Written for Redis's time, which every gateway process shares (measured with INFO
commandstats, Redis 7.0 on the 2-core bench machine): a ``redis.call`` costs
0.5-1 us, but a Lua table ~0.5-1 us more once the collector's share is counted, a
closure ~0.1 us, and packing or unpacking a header ~0.4 us. So a principal's
state lives in locals (no table per principal), the shared steps are pasted in as
text rather than called, and what an admission writes is prepared in one table
while checking (nothing is written unless every rule admits).

Both scripts take a clock (negative: Redis's ``TIME``). A principal's header
(``HDR``): b tc tp pa pi sp rs head tail ts nw cap re fl, see ``scripts.HEADER``, then
up to ``BUFFER`` of its newest rpm admission times.
"""

from __future__ import annotations

RING_MAX = 100_000  # rpm limits up to this use the ring (at most 800 KB a principal)
CHUNK = 8  # ring slots read at once when the oldest expired
# The newest admission times kept in the header itself, after its 14 fields: the
# ring string is written once per BUFFER admissions, and a principal with fewer
# admissions since its ring last started has no ring string at all.
BUFFER = 8


def _clock(arg: str) -> str:
    """The script's start: its clock from the argument ``arg`` (Lua) starts with."""
    return f"""local P, K, RING_MAX, BUF = 60, {CHUNK}, {RING_MAX}, {BUFFER}
local HDR = '<dddddddddddddd'
local now = struct.unpack('<d', {arg})
if now < 0 then
  local t = redis.call('TIME')
  now = t[1] + t[2] / 1000000
end
local idx = math.floor(now / P)
local horizon = now - P
"""


# Reads `key`'s header into locals and rolls it to now: the token bucket to this
# minute, the budget period to now's (a new period's spend is the database's total
# when it is the one the record was loaded with). Needs key and rpm..bp.
_LOAD = """
local raw = redis.call('GET', key)
local b, tc, tp, pa, pi, sp, rs, head, tail, ts, nw, cap, re, fl
if raw then
  b, tc, tp, pa, pi, sp, rs, head, tail, ts, nw, cap, re, fl = struct.unpack(HDR, raw)
else
  b, tc, tp, pa, pi, sp, rs, head, tail, ts, nw, cap, re, fl =
    -1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, -1, 0
end
local rolled = b ~= idx
local timed = raw and pi < 0  -- a window-only header: it has an expiry
if rolled then
  if b == idx - 1 then tp = tc else tp = 0 end
  b, tc = idx, 0
end
if budget >= 0 then
  local p = 0
  if dur > 0 then p = math.max(0, math.floor((now - anchor) / dur)) end
  if pi ~= p then
    pi = p
    if p == bp then sp = base else sp = 0 end
  end
else  -- no spend kept: a budget added later starts from the database's total
  pi, sp, rs = -1, 0, 0
end
"""

_PACK = "struct.pack(HDR, b, tc, tp, pa, pi, sp, rs, head, tail, ts, nw, cap, re, fl)"

# A window-only header's expiry is set once a minute, when its bucket rolls (it
# goes after three idle minutes); one holding a budget never expires (its spend
# survives a gateway restart): made without one, or made persistent once when a
# budget is added to a principal that had none.
_EXPIRY = """
if budget < 0 then
  if rolled then redis.call('EXPIRE', key, 180) end
elseif timed then
  redis.call('PERSIST', key)
end
"""

# A settlement summed per principal (``scripts.SETTLE_PART``: real tokens minus the
# estimates, requests, their reservations, their cost), applied to the locals
# _LOAD made: the real tokens replace the estimate, the reservations become the
# cost, that many requests fewer in flight. A window-only header that expired
# meanwhile has nothing left to settle.
_APPLY = """
if count > 0 and (raw or budget >= 0) then
  if tpm >= 0 then tc = math.max(0, tc + delta) end
  if par >= 0 then pa = math.max(0, pa - count) end
  if budget >= 0 then
    rs = math.max(0, rs - reserved)
    sp = sp + spent
  end
end
"""

# ARGV[2 ..]: RULE + SETTLE_PART per principal, KEYS[1 ..].
_SETTLE = (
    """
for j = 2, #ARGV do
  local rpm, tpm, par, budget, dur, anchor, base, bp, delta, count, reserved, spent =
    struct.unpack('<dddddddddddd', ARGV[j])
  local key = KEYS[j - 1]
"""
    + _LOAD
    + _APPLY
    + """
  if raw or budget >= 0 then
    redis.call('SETRANGE', key, 0, """
    + _PACK
    + """)
"""
    + _EXPIRY
    + """
  end
end
"""
)

SETTLE = _clock("ARGV[1]") + _SETTLE + "return 1\n"

# The rpm ring (limits up to RING_MAX): head and tail count admissions since the
# ring last started (slot = position % cap, cap: the limit it was laid out for),
# ts: the tail's time, nw: the newest time, re: the minute its expiry was set in,
# fl: the first position still in the header's buffer (positions fl .. head - 1 are
# the header's 8-byte times after its 14 fields; older ones are in the ring string).
# _AT reads the time of position p (0 when lost: expired) and runs only on the rare
# paths below; inline, like the rest: a closure per call costs even when not called.
_AT = """
local function at(p)
  if p >= fl then
    local o = 112 + (p - fl) * 8
    if #raw < o + 8 then return 0 end
    return (struct.unpack('<d', raw, o + 1))
  end
  local o = (p % cap) * 8
  local v = redis.call('GETRANGE', log, o, o + 7)
  if #v < 8 then return 0 end
  return (struct.unpack('<d', v))
end
"""

# The tail expired and the newest did not: find the oldest live entry and its time
# (a chunk of the ring after the tail first, the common case; then a binary search
# past it, the header's buffer read without a Redis call).
_ADVANCE = (
    _AT
    + """
local lo, hi, hs = tail + 1, head - 1, nw
local first = lo % cap
local m = math.min(K, hi - lo, cap - first, fl - lo)
if m > 0 then
  local chunk = redis.call('GETRANGE', log, first * 8, (first + m) * 8 - 1)
  local j = 0
  while j < m do
    local v = 0
    if #chunk >= (j + 1) * 8 then v = struct.unpack('<d', chunk, j * 8 + 1) end
    if v > horizon then
      hi, hs = lo + j, v
      break
    end
    j = j + 1
  end
  if j < m then lo = hi else lo = lo + m end
end
while lo < hi do
  local mid = math.floor((lo + hi) / 2)
  local v = at(mid)
  if v > horizon then hi, hs = mid, v else lo = mid + 1 end
end
tail, ts = lo, hs
"""
)

# The limit changed: the live entries laid out again in the ring from slot 0 (a
# smaller limit waits until no more than it are live; every live entry still
# counts); the header's buffer is then empty.
_RELAY = """
local all = ''
if tail < fl then all = redis.call('GET', log) or '' end
local parts = {}
for p = tail, head - 1 do
  local v
  if p >= fl then
    local o = 112 + (p - fl) * 8
    v = string.sub(raw, o + 1, o + 8)
  else
    local o = (p % cap) * 8
    v = string.sub(all, o + 1, o + 8)
  end
  if #v < 8 then v = struct.pack('<d', 0) end
  parts[#parts + 1] = v
end
redis.call('SET', log, table.concat(parts), 'EX', 121)
"""

# Rule ``i``'s key and packed arguments (``scripts.RULE``), and the settlement sums
# riding after them when the admission carries some (``scripts.SETTLED`` minus its head).
_RULE = """
  local key = KEYS[i]
  local a = ARGV[i]
  local rpm, tpm, par, budget, dur, anchor, base, bp = struct.unpack('<dddddddd', a)
  local delta, count, reserved, spent = 0, 0, 0, 0
  if #a > 64 then delta, count, reserved, spent = struct.unpack('<dddd', a, 65) end
"""

# A parallel or budget refusal (``denied``, nothing written) also reports the
# tightest rpm and tpm meters of every rule as they stand, counting nothing: what
# ``Ledger.meters`` gives the x-ratelimit-* headers. A second pass reading every
# header again (refusals are rare; the admitted path runs none of it), with the
# carried settlements applied as the checks saw them; appended to the reply as
# ``scripts.METERS``.
_METERS = (
    """
  rl, rleft, rreset, tl, tleft, treset = -1, 1e300, 0, -1, 1e300, 0
  for i = 1, na do
"""
    + _RULE
    + _LOAD
    + _APPLY
    + """
    if rpm >= 0 then
      local n, reset = 0, 0
      if rpm > RING_MAX then
        if cap == 0 then  -- else a ring string, which the next admission drops
          local log = key .. ':r'
          n = redis.call('ZCOUNT', log, '(' .. string.format('%.6f', horizon), '+inf')
          if n > 0 then
            reset = tonumber(redis.call('ZRANGE', log, -1, -1, 'WITHSCORES')[2]) + P - now
          end
        end
      elseif head ~= tail and nw > horizon then
        local log = key .. ':r'
        if ts <= horizon then
"""
    + _ADVANCE
    + """
        end
        n, reset = head - tail, nw + P - now
      end
      local left = math.max(0, rpm - n)
      if left < rleft then rl, rleft, rreset = rpm, left, reset end
    end
    if tpm >= 0 then
      local left = math.max(0, math.floor(tpm - (tp * keep + tc) + 1e-9))
      if left < tleft then
        tl, tleft = tpm, left
        if tc > 0 then treset = 2 * P - elapsed
        elseif tp > 0 then treset = P - elapsed else treset = 0 end
      end
    end
  end
  return denied .. struct.pack('<dddddd', rl, rleft, rreset, tl, tleft, treset)
"""
)

# ARGV[1 .. na]: RULE (+ SETTLE_PART) per rule (KEYS[1 .. na]), then HEAD (last: the
# client keeps what comes before it encoded per key): what this process settled of a
# principal since its last call rides along (absent if nothing) and is applied before
# the checks, so a sequential client's own request sees its previous one settled, at
# no extra Redis call.
ADMIT = (
    "local H = ARGV[#KEYS + 1]\n"
    + _clock("H")
    + """local na, reserve, tokens, cost = struct.unpack('<BBddd', H, 9)
local elapsed = now - idx * P
local keep = 1 - elapsed / P
local r = 0
if reserve == 1 then r = cost end
local rl, rleft, rreset, tl, tleft, treset = -1, 1e300, 0, -1, 1e300, 0
-- Per rule, what to write if all admit: the header (with its buffer up to this
-- admission's time), the log's operation (0 none, 1 start the ring with the
-- buffer's times, 2 SETRANGE them, 4 the same in two parts around the ring's end,
-- 3 ZADD), its offset and bytes, whether the log's expiry is due this minute, and
-- the header's expiry (0 none, 1 EXPIRE, 2 PERSIST).
-- (Sized for two rules at once: a table grown entry by entry is reallocated 4 times.)
local w = {false, false, false, false, false, false, false,
  false, false, false, false, false, false, false}
local stamp = struct.pack('<d', now)
local denied = false  -- a parallel or budget refusal's reply (then _METERS)
for i = 1, na do
"""
    + _RULE
    + _LOAD
    + _APPLY
    + """
  local op, off, b1, b2, kept = 0, 0, false, false, -1
  if rpm >= 0 then
    local left, wait = -1, 1e300
    if rpm == 0 then
      left = -1
    elseif rpm <= RING_MAX then
      if head == tail or nw <= horizon then  -- empty, or every entry expired
        head, tail, cap, fl = 0, 0, rpm, 0
      else
        local log = key .. ':r'
        if ts <= horizon then
"""
    + _ADVANCE
    + """
        end
        local n = head - tail
        if cap < rpm or (cap > rpm and n <= rpm) then
"""
    + _RELAY
    + """
          head, tail, cap, re, fl = n, 0, rpm, idx, n
          -- The header's ring fields now, whatever this admission's outcome (a later
          -- rule may refuse it, and then nothing else is written).
          redis.call('SETRANGE', key, 56, struct.pack('<ddddddd', head, tail, ts, nw, cap, re, fl))
        end
        if n >= rpm then  -- refused: the rpm-th newest must expire first
          wait = ts
          local p = head - rpm
          if p ~= tail then
"""
    + _AT
    + """
            wait = at(p)
          end
          wait = wait + P - now
        end
      end
      left = rpm - (head - tail) - 1
    else  -- above the ring's size: a sorted set of the last minute's admissions
      local log = key .. ':r'
      -- The limit was within the ring's: its string holds that key (WRONGTYPE for
      -- ZADD). Dropped: a limit raised above RING_MAX counts from here (and one
      -- lowered into the ring starts an empty ring, whose first flush replaces the set).
      if cap > 0 then
        redis.call('DEL', log)
        head, tail, cap, fl = 0, 0, 0, 0
      end
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
    if rpm <= RING_MAX then
      if head == 0 then ts = now end
      kept = head - fl  -- times already in the buffer, before this one
      local m = math.min(BUF, cap)
      if kept >= m then  -- the buffer is full: its m times go to the ring
        local s0 = fl % cap
        b1 = string.sub(raw, 113, 112 + m * 8)
        if fl == 0 then
          op = 1
        elseif s0 + m <= cap then
          op, off = 2, s0 * 8
        else
          op, off = 4, s0 * 8
          b1, b2 = string.sub(b1, 1, (cap - s0) * 8), string.sub(b1, (cap - s0) * 8 + 1)
        end
        fl, kept = fl + m, 0
      end
      head, nw = head + 1, now
    else
      op = 3
    end
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
    tc = tc + tokens
  end
  if par >= 0 then
    if pa + 1 > par then
      denied = struct.pack('<BBBdddddd', 0, 3, i, par, 0, 0, elapsed, 0, 0)
      break
    end
    pa = pa + 1
  end
  if budget >= 0 then
    local over
    if reserve == 1 then over = sp + rs + cost > budget + 1e-9 else over = sp >= budget end
    if over then
      denied = struct.pack('<BBBdddddd', 0, 4, i, budget, 0, 0, elapsed, sp + rs, 0)
      break
    end
    rs = rs + r
  end
  local due = 0
  if op == 1 then re = idx elseif op ~= 0 and re ~= idx then due, re = 1, idx end
  local x = 0
  if budget < 0 then
    if rolled then x = 1 end
  elseif timed then
    x = 2
  end
  local hdr = """
    + _PACK
    + """
  if kept > 0 then
    hdr = hdr .. string.sub(raw, 113, 112 + kept * 8) .. stamp
  elseif kept == 0 then
    hdr = hdr .. stamp
  end
  local n7 = 7 * i
  w[n7 - 6], w[n7 - 5], w[n7 - 4], w[n7 - 3], w[n7 - 2], w[n7 - 1], w[n7] =
    hdr, op, off, b1, b2, due, x
end
if denied then
"""
    + _METERS
    + """
end
for i = 1, na do
  local key, n7 = KEYS[i], 7 * i
  redis.call('SETRANGE', key, 0, w[n7 - 6])
  local op = w[n7 - 5]
  if op ~= 0 then
    local log = key .. ':r'
    if op == 1 then
      redis.call('SET', log, w[n7 - 3], 'EX', 121)
    else
      if op == 2 then
        redis.call('SETRANGE', log, w[n7 - 4], w[n7 - 3])
      elseif op == 4 then
        redis.call('SETRANGE', log, w[n7 - 4], w[n7 - 3])
        redis.call('SETRANGE', log, 0, w[n7 - 2])
      else
        redis.call('ZADD', log, string.format('%.6f', now), string.sub(H, 27, 34))
      end
      if w[n7 - 1] == 1 then redis.call('EXPIRE', log, 121) end
    end
  end
  local x = w[n7]
  if x == 1 then redis.call('EXPIRE', key, 180) elseif x == 2 then redis.call('PERSIST', key) end
end
return struct.pack('<BBBdddddd', 1, 0, 0, rl, math.floor(rleft + 1e-9), rreset,
  tl, math.floor(tleft + 1e-9), treset)
"""
)

# Outage spend is added only where Redis still holds the principal's spend; a
# principal that is gone (Redis restarted empty) starts again from the database's total.
RECONCILE = (
    """
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local HDR = '<dddddddddddddd'
local b, tc, tp, pa, pi, sp, rs, head, tail, ts, nw, cap, re, fl = struct.unpack(HDR, raw)
if pi < 0 then return false end
sp = sp + tonumber(ARGV[1])
redis.call('SETRANGE', KEYS[1], 0, """
    + _PACK
    + """)
return tostring(sp)
"""
)
