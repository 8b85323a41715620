"""Where the limit and budget counters live: this process, or Redis for all of them.

Both answer ``admit`` / ``settle`` with the arithmetic of
:class:`~routeiq.governance.ledger.Ledger`. :class:`LocalCounters` is the ledger
on the trio clock (windows) and the wall clock (budget periods): no await that
suspends, so the in-process check is a few microseconds. ``SharedCounters``
(``routeiq.governance.shared``) keeps them in Redis.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

import trio

from routeiq.governance.ledger import Decision, Ledger, Rule, Ticket


class Counters(Protocol):
    name: str

    async def admit(
        self, rules: tuple[Rule, ...], tokens: int, max_cost: float, prepared: Any = None
    ) -> tuple[Decision, Ticket | None]:
        """Count a request against every rule, or none; ``prepared``: what
        :meth:`prepare_rules` answered for this ``rules`` tuple, if it was."""
        ...

    def settle(self, ticket: Ticket, tokens: int, cost: float) -> None:
        """Turn the ticket's estimate and reservation into its real tokens and cost
        (no I/O: called after the response; Redis counters send it later)."""
        ...

    def spend(self, rule: Rule) -> tuple[float, float]: ...

    def prepare(self, rule: Rule) -> None:
        """Build what ``rule``'s requests need, when its record is loaded (off the hot path)."""
        ...

    def forget(self, ns: str) -> None:
        """A principal's record was deleted: drop what :meth:`prepare` built."""
        ...

    def prepare_rules(self, rules: tuple[Rule, ...]) -> Any:
        """Build what a request bound by exactly ``rules`` (this tuple, which its key's
        binding keeps, with the answer) needs, off the hot path."""
        ...

    async def run(
        self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
    ) -> None: ...


class LocalCounters:
    name = "memory"

    def __init__(self, *, reserve: bool = True) -> None:
        self.ledger = Ledger(reserve=reserve)

    async def admit(
        self, rules: tuple[Rule, ...], tokens: int, max_cost: float, prepared: Any = None
    ) -> tuple[Decision, Ticket | None]:
        return self.ledger.admit(rules, trio.current_time(), time.time(), tokens, max_cost)

    def settle(self, ticket: Ticket, tokens: int, cost: float) -> None:
        self.ledger.settle(ticket, trio.current_time(), time.time(), tokens, cost)

    def spend(self, rule: Rule) -> tuple[float, float]:
        return self.ledger.spend(rule, time.time())

    def prepare(self, rule: Rule) -> None:
        self.ledger.prepare(rule, time.time())

    def forget(self, ns: str) -> None:
        self.ledger.forget(ns)

    def prepare_rules(self, rules: tuple[Rule, ...]) -> None:
        return None

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        task_status.started()
