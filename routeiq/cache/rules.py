"""Flush rules: which stored answers an admin flush made invisible. I/O-free.

An L2 entry cannot be found by namespace or model group in the state backend
(it has no key scan), so a flush is recorded as a rule ``(namespace, model, at)``
and an answer stored at or before ``at`` that matches it is treated as absent
(``None`` matches anything). Old entries then simply expire with their TTL.

Rules older than the longest TTL can match nothing that is still stored, so they
are pruned; the list is also capped: when it would overflow, the oldest rules
are replaced by one rule that flushes *everything* up to their newest time
(flushing more than asked is safe, resurrecting flushed answers would not be).
Times are wall-clock seconds, so they compare across processes (up to clock skew).
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["FlushRule", "FlushRules"]


class FlushRule(NamedTuple):
    namespace: str | None
    model: str | None
    at: float

    def matches(self, namespace: str, model: str, stored_at: float) -> bool:
        return (
            stored_at <= self.at
            and (self.namespace is None or self.namespace == namespace)
            and (self.model is None or self.model == model)
        )


class FlushRules:
    """A bounded list of flush rules (see the module docstring)."""

    def __init__(self, max_age: float, max_rules: int = 256) -> None:
        self.max_age = max_age
        self.max_rules = max_rules
        self._rules: list[FlushRule] = []

    def __len__(self) -> int:
        return len(self._rules)

    @property
    def rules(self) -> list[FlushRule]:
        return list(self._rules)

    def add(self, rule: FlushRule, now: float) -> bool:
        """Record ``rule``; ``False`` if it was already known (or already too old)."""
        if rule in self._rules or rule.at < now - self.max_age:
            return False
        self._rules.append(rule)
        self._rules.sort(key=lambda r: r.at)
        self.prune(now)
        if len(self._rules) > self.max_rules:
            cut = len(self._rules) - self.max_rules + 1
            merged = FlushRule(None, None, self._rules[cut - 1].at)
            self._rules = [merged, *self._rules[cut:]]
        return True

    def prune(self, now: float) -> None:
        horizon = now - self.max_age
        if self._rules and self._rules[0].at < horizon:
            self._rules = [r for r in self._rules if r.at >= horizon]

    def flushed(self, namespace: str, model: str, stored_at: float) -> bool:
        """True if a rule hides an answer of (namespace, model) stored at ``stored_at``."""
        return any(r.matches(namespace, model, stored_at) for r in self._rules)

    def dump(self) -> list[list[Any]]:
        return [list(r) for r in self._rules]

    @staticmethod
    def parse(items: Any) -> list[FlushRule]:
        """Rules from ``dump`` output (malformed items are skipped)."""
        out: list[FlushRule] = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, list) or len(item) != 3:
                continue
            ns, model, at = item
            if (
                (ns is None or isinstance(ns, str))
                and (model is None or isinstance(model, str))
                and isinstance(at, int | float)
            ):
                out.append(FlushRule(ns, model, float(at)))
        return out
