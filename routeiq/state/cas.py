"""The compare-and-set step of the Redis backend's ``update`` (pure helpers).

The script writes the new value (or deletes the key) only if the key still
holds the value that ``fn`` saw; on conflict it returns the current value so the
retry needs no extra GET.
"""

from __future__ import annotations

import math
from typing import Any

# ARGV: [1] '1' if a value was seen, [2] that value, [3] '1' to write (else
# delete), [4] the new value, [5] TTL in ms ('0': no expiry).
# Reply: 1 when written; {0, current} on conflict ({0} when the key is absent,
# because Lua drops a trailing nil from a table).
CAS_SCRIPT = """
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if cur ~= ARGV[2] then return {0, cur} end
elseif cur then
  return {0, cur}
end
if ARGV[3] == '1' then
  if ARGV[5] ~= '0' then
    redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
  else
    redis.call('SET', KEYS[1], ARGV[4])
  end
else
  redis.call('DEL', KEYS[1])
end
return 1
"""


def ttl_ms(ttl: float) -> int:
    """A TTL in whole milliseconds, rounded up so it never expires early (min 1)."""
    return max(1, math.ceil(ttl * 1000))


def cas_args(seen: bytes | None, new: bytes | None, ttl: float | None) -> list[bytes]:
    """ARGV for :data:`CAS_SCRIPT`."""
    return [
        b"0" if seen is None else b"1",
        b"" if seen is None else seen,
        b"0" if new is None else b"1",
        b"" if new is None else new,
        b"0" if ttl is None else b"%d" % ttl_ms(ttl),
    ]


def cas_outcome(reply: Any) -> tuple[bool, bytes | None]:
    """``(written, current)``: ``current`` is the value to retry on when not written."""
    if reply == 1:
        return True, None
    values = list(reply)
    if not values or values[0] != 0:
        raise ValueError(f"unexpected compare-and-set reply {reply!r}")
    current = values[1] if len(values) > 1 else None
    if current is not None and not isinstance(current, bytes):
        raise ValueError(f"unexpected compare-and-set reply {reply!r}")
    return False, current
