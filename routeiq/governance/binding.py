"""What binds a key's requests, worked out once per record version (no I/O).

Every request of a key is bound by the same principals (the key, its team, its
user; the end customer comes from the request body and is added per request),
the same rules to count, and the same model lists to check. Looking them up and
filtering them per request cost ~1-2 us of the Redis check's client time
(bench/governance.py); a :class:`Binding` holds the result, and its ``rules``
tuple is one object from request to request, so the Redis counters encode a
key's admission command once (``routeiq.governance.shared``).

Every key's binding is made when the records are loaded. A changed key record
drops its own binding; a changed team or user record drops them all (rare; no
index from teams to keys is kept): a binding is then made again by its key's next
request (~3 us, once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from routeiq.governance.ledger import Rule
from routeiq.governance.records import Principal


@dataclass(frozen=True, slots=True)
class Binding:
    key: Principal
    principals: tuple[Principal, ...]  # the key, its team, its user (those on record)
    rules: tuple[Rule, ...]  # of the principals with a limit or a budget
    # Principals a request must be checked against: blocked (a user: 403) or with a
    # model list; empty for most keys.
    gated: tuple[Principal, ...]
    prepared: Any = None  # what the counters built for ``rules`` (Counters.prepare_rules)


def bind(
    key: Principal,
    records: Mapping[str, Mapping[str, Principal]],
    prepare: Callable[[tuple[Rule, ...]], Any] | None = None,
) -> Binding:
    found = [key]
    if key.team_id and (team := records["team"].get(key.team_id)) is not None:
        found.append(team)
    if key.user_id and (user := records["user"].get(key.user_id)) is not None:
        found.append(user)
    rules = tuple(p.rule for p in found if p.limited)
    return Binding(
        key,
        tuple(found),
        rules,
        tuple(p for p in found if p.blocked or not p.any_model),
        prepare(rules) if prepare is not None and rules else None,
    )


class Bindings:
    """The bindings of keys seen since the records last changed (at most one per key).

    ``prepare`` is called with each new binding's rules (the counters encode what
    they send for it then, kept in the binding); :meth:`build` makes every key's
    binding at once when the records are loaded, so no request pays for its key's
    first one (nor leaves its objects to the young collections)."""

    def __init__(
        self,
        records: Mapping[str, Mapping[str, Principal]],
        prepare: Callable[[tuple[Rule, ...]], Any],
    ) -> None:
        self._records = records
        self._prepare = prepare
        self._by_key: dict[str, Binding] = {}

    def get(self, key: Principal) -> Binding:
        b = self._by_key.get(key.id)
        if b is None or b.key is not key:
            b = self._by_key[key.id] = bind(key, self._records, self._prepare)
        return b

    def build(self, keys: Iterable[Principal]) -> None:
        for key in keys:
            self.get(key)

    def drop(self, key_id: str) -> None:
        self._by_key.pop(key_id, None)

    def clear(self) -> None:
        self._by_key.clear()

    def __len__(self) -> int:
        return len(self._by_key)
