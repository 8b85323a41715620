"""The Redis side of the shared counters: Lua scripts and their wire format (no I/O).

Same arithmetic as :class:`~routeiq.governance.ledger.Ledger`, on Redis's clock.
Every principal is one string ``<prefix>gov:v3:<ns>`` holding a packed header
(:data:`HEADER`, 112 bytes): the minute (window bucket) it was last written in,
the tokens of this and the previous minute (``tpm_limit``'s sliding estimate),
requests in flight (``max_parallel_requests``), the budget period, its spend and
what requests in flight have reserved, and the state of the ``rpm_limit`` log;
then up to :data:`BUFFER` of the log's newest times.

``rpm_limit`` is an exact sliding log (at most the limit in any 60 s window, the
limit per minute under overload): a ring of the last ``limit`` admission times.
``head`` and ``tail`` count admissions (slot = position modulo the limit); the
header also keeps the oldest live and the newest time, so an admission reads a
time only when the oldest entry expired since the last one (then a chunk of
:data:`CHUNK` slots in one ``GETRANGE``; a binary search when more than that
expired at once). The newest times (positions ``fl`` .. ``head - 1``) are kept in
the header itself and written with it in its one ``SETRANGE``; when
``min(BUFFER, limit)`` are there, they go to the ring string ``<header>:r``
(8 bytes a slot) together, in one ``SETRANGE`` (two when they wrap around its
end). So a principal's ring string is written once per ``BUFFER`` admissions, and
does not exist until then: measured with INFO commandstats (2-core machine, loaded
by other engineers' tests), an admission of a new key and a known team went from
~19.6 to ~15 us of Redis time, creating the ring string having cost ~4-5 us. A ring
whose entries all expired starts again at position 0; its first flush replaces
the string (``SET``: it shrinks). Limits above :data:`RING_MAX` keep a sorted
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

The ring relies on admission times being in order, which Redis's one clock gives;
if that clock were stepped back, entries could be found expired early or late for
up to the size of the step.

Expiry: a header is written whole (``SETRANGE`` at 0 keeps its TTL); a window-only
one's expiry is set once a minute, when its bucket rolls (it goes after three idle
minutes); one holding a budget never expires, so spend survives a gateway restart.
A ring's expiry is set once a minute in which it is written (``re``: that minute),
so it outlives the newest entry written to it (newer ones are in the header).

Arguments are packed binary (``struct``), each rule's 64 bytes built once when its
record is loaded, followed by :data:`SETTLE_PART` only when the principal's summed
settlements ride along (``routeiq.governance.settle_queue``); the script
unpacks them in C. An admission's :data:`HEAD` (its clock, tokens, reservation) is
its last argument, so everything before it is the same from one request of a key to
the next (encoded once, ``SharedCounters.prepare_rules``). The reply is one packed
string. Every call carries a clock (the settlement's first argument, the admission's
HEAD): negative means Redis's ``TIME`` (what the gateway sends: every process and
host then shares one clock); tests send exact times.
"""

from __future__ import annotations

import hashlib
import struct

from routeiq.governance.ledger import Rule
from routeiq.governance.lua import ADMIT, BUFFER, CHUNK, RECONCILE, RING_MAX, SETTLE

__all__ = ["ADMIT", "BUFFER", "CHUNK", "RECONCILE", "RING_MAX", "SETTLE"]

#: rpm, tpm, parallel, max_budget, budget_duration, anchor, base_spend, base_period
#: (-1: not set).
RULE = struct.Struct("<8d")
#: clock (<0: Redis TIME), rules, reserve (0/1), tokens, max_cost, log member (the
#: admission's last argument)
HEAD = struct.Struct("<dBBddd")
#: the clock alone (the SETTLE script's first argument)
CLOCK = struct.Struct("<d")
#: what a principal's settlements add up to (after its RULE in both scripts): real
#: tokens minus the estimates, requests, their reservations, their cost
SETTLE_PART = struct.Struct("<4d")
NOTHING_SETTLED = SETTLE_PART.pack(0.0, 0.0, 0.0, 0.0)
#: admitted (1): rpm limit, remaining, reset, tpm limit, remaining, reset (limit -1: none);
#: refused (0): kind, rule index, limit, rpm wait / tpm previous, tpm current, elapsed,
#: spend + reserved, 0
REPLY = struct.Struct("<BBBdddddd")
#: after a parallel (3) or budget (4) refusal's REPLY: the rules' tightest rpm meter
#: (limit, remaining, reset) and tpm meter as they stand (limit -1: none)
METERS = struct.Struct("<6d")
#: a principal's string: b tc tp pa pi sp rs head tail tstamp newest cap re fl
#: (pi -1: holds no spend), then the times of ring positions fl .. head - 1
HEADER = struct.Struct("<14d")
KINDS = {1: "rpm", 2: "tpm", 3: "parallel", 4: "budget"}
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
