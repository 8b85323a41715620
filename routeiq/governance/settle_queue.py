"""Settlements waiting for Redis, summed per principal (no I/O).

A settlement (after the response) is not sent on its own: it is added to its
principals' sums here. The next admission of the same principal carries that
principal's sum inside its own argument (applied before its checks, at no extra
Redis call: a sequential client sees its previous request settled), and the
flusher sends the rest in one call every few milliseconds. Summing makes a
busy principal's settlements one header update per call, however many requests
ended meanwhile.

Sums are kept per rule object (``id``), not per principal name: a record edited
while requests are in flight settles those under the rule they were admitted by.
Clamping happens once per sum (``max(0, tokens + delta)``), not after every
request; the other fields clamp the same either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from routeiq.governance.ledger import Rule
from routeiq.governance.scripts import SETTLE_PART, bulk, rule_bytes


@dataclass(slots=True)
class Wire:
    """One rule as the scripts take it (built once per loaded record)."""

    rule: Rule
    name: str  # its header's key
    key: bytes  # the name as a RESP bulk string
    raw: bytes  # scripts.RULE
    arg: bytes  # raw as a RESP bulk string (an admission carrying nothing)


def wire(prefix: str, rule: Rule) -> Wire:
    name = prefix + rule.ns
    raw = rule_bytes(rule)
    return Wire(rule, name, bulk(name.encode()), raw, bulk(raw))


@dataclass(slots=True)
class Sum:
    """What one principal's settlements add up to."""

    wire: Wire
    delta: float = 0.0  # real tokens minus the estimates
    count: int = 0  # requests settled
    reserved: float = 0.0
    cost: float = 0.0

    def raw(self) -> bytes:
        """RULE + SETTLE_PART, the scripts' argument for this principal."""
        return self.wire.raw + SETTLE_PART.pack(self.delta, self.count, self.reserved, self.cost)


class SettleQueue:
    def __init__(self) -> None:
        self.sums: dict[int, Sum] = {}  # id(rule) -> its sum
        self.since = 0.0  # when the oldest queued settlement was queued

    def __len__(self) -> int:
        return len(self.sums)

    def add(self, w: Wire, delta: float, reserved: float, cost: float, now: float) -> None:
        if not self.sums:
            self.since = now
        s = self.sums.get(id(w.rule))
        if s is None:
            s = self.sums[id(w.rule)] = Sum(w)
        s.delta += delta
        s.count += 1
        s.reserved += reserved
        s.cost += cost

    def take(self, rule: Rule) -> Sum | None:
        """``rule``'s sum, to ride along with its admission (``None``: nothing queued)."""
        if not self.sums:
            return None
        return self.sums.pop(id(rule), None)

    def take_batch(self, n: int, now: float) -> list[Sum]:
        """The oldest ``n`` sums, for the flusher."""
        sums = self.sums
        if len(sums) <= n:
            batch = list(sums.values())
            sums.clear()
        else:
            batch = []
            for key in list(sums)[:n]:
                batch.append(sums.pop(key))
        self.since = now
        return batch

    def give_back(self, items: Iterable[Sum], now: float) -> None:
        """Sums that were not sent (a cancelled call): queued again, merged with newer ones."""
        for item in items:
            if not self.sums:
                self.since = now
            s = self.sums.get(id(item.wire.rule))
            if s is None:
                self.sums[id(item.wire.rule)] = item
            else:
                s.delta += item.delta
                s.count += item.count
                s.reserved += item.reserved
                s.cost += item.cost
