"""Per-deployment circuit breakers (pure: time is passed in, nothing awaits).

States and transitions (thresholds in :class:`BreakerSettings`)::

    CLOSED --(>= min_requests in window and failure share >= failure_rate)--> OPEN
    OPEN --(cooldown elapsed; noticed lazily at the next query)--> HALF_OPEN
    HALF_OPEN --(close_after probe successes)--> CLOSED   (window reset)
    HALF_OPEN --(one probe failure)--> OPEN               (another cooldown)

The window is a ring of ``buckets`` counters, so memory is constant and the
window slides in ``window / buckets`` steps. HALF_OPEN admits at most
``half_open_probes`` requests at a time; only those probes' outcomes count
there (a late answer to a request sent before the breaker opened proves
nothing about now). When every candidate is OPEN the router still sends to the
one whose cool-down ends first (:meth:`BreakerBoard.filter`): that attempt is
an early probe, and its success moves the breaker to HALF_OPEN.

Sharing between instances (see ``router.py``): an instance whose breaker opens
locally publishes its "open until" time; others :meth:`Breaker.force_open`.
Window counts stay per instance (each judges what it saw); only the decision
to open is shared, which needs no cross-instance counter traffic per request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from routeiq.deployment import Deployment
from routeiq.routing.settings import BreakerSettings

log = logging.getLogger("routeiq.routing")

State = Literal["closed", "open", "half_open"]
CLOSED: State = "closed"
OPEN: State = "open"
HALF_OPEN: State = "half_open"


@dataclass(frozen=True, slots=True)
class Transition:
    """One state change; ``source`` is ``local`` or ``shared`` (another instance)."""

    deployment: str
    old: State
    new: State
    at: float
    open_until: float
    source: str = "local"


class Breaker:
    """The breaker of one deployment. ``sink`` receives every transition."""

    __slots__ = (
        "_epoch",
        "_fail",
        "_ids",
        "_ok",
        "_probes",
        "_s",
        "_successes",
        "_width",
        "deployment",
        "open_until",
        "sink",
        "state",
    )

    def __init__(
        self,
        deployment: str,
        settings: BreakerSettings,
        sink: Callable[[Transition], None] | None = None,
    ) -> None:
        self.deployment = deployment
        self._s = settings
        self.sink = sink
        n = settings.buckets
        self._width = settings.window / n
        self._ids = [-1] * n
        self._ok = [0] * n
        self._fail = [0] * n
        self.state: State = CLOSED
        self.open_until = 0.0
        self._probes = 0
        self._successes = 0
        self._epoch = 0  # bumped on every transition; tells stale probe tickets apart

    # -- queries ---------------------------------------------------------------

    def refresh(self, now: float) -> State:
        """The state at ``now`` (performs the lazy OPEN -> HALF_OPEN step)."""
        if self.state is OPEN and now >= self.open_until:
            self._move(HALF_OPEN, now)
        return self.state

    def available(self, now: float) -> bool:
        """May a request be sent now (CLOSED, or HALF_OPEN with a free probe slot)?"""
        state = self.refresh(now)
        if state is CLOSED:
            return True
        return state is HALF_OPEN and self._probes < self._s.half_open_probes

    def window_counts(self, now: float) -> tuple[int, int]:
        """``(successes, failures)`` recorded in the sliding window ending at ``now``."""
        current = int(now / self._width)
        oldest = current - len(self._ids)
        ok = fail = 0
        for i, bucket in enumerate(self._ids):
            if bucket > oldest:
                ok += self._ok[i]
                fail += self._fail[i]
        return ok, fail

    # -- outcomes --------------------------------------------------------------

    def admit(self, now: float) -> int | None:
        """A request is being sent. Returns a probe ticket (pass it to :meth:`end`)
        when it is a probe (HALF_OPEN, or a forced try while OPEN), else ``None``."""
        state = self.refresh(now)
        if state is CLOSED:
            return None
        if state is HALF_OPEN:
            self._probes += 1
        return self._epoch

    def end(self, ok: bool | None, now: float, ticket: int | None = None) -> None:
        """Record an outcome: ``ok`` True/False, or ``None`` for "not the
        deployment's fault either way" (client gone, client's bad request), which
        only releases a probe slot."""
        current = ticket is not None and ticket == self._epoch
        if current and self.state is HALF_OPEN:
            self._probes -= 1
        if ok is None:
            return
        state = self.refresh(now)
        if state is CLOSED:
            self._count(ok, now)
        elif not current:
            return  # sent before the breaker opened (or a stale probe): proves nothing now
        elif state is HALF_OPEN:
            if not ok:
                self._open(now)
            else:
                self._successes += 1
                if self._successes >= self._s.close_after:
                    self._close(now)
        elif ok:  # OPEN: a forced early probe got through
            self._move(HALF_OPEN, now)
            self._successes = 1
            if self._successes >= self._s.close_after:
                self._close(now)

    def force_open(self, until: float, now: float, source: str = "shared") -> bool:
        """Open until ``until`` (another instance's decision); ``False`` if that
        changes nothing (already open at least that long, or ``until`` is past)."""
        if until <= now or (self.state is OPEN and self.open_until >= until):
            return False
        self.open_until = until
        self._move(OPEN, now, source)
        return True

    # -- internals -------------------------------------------------------------

    def _count(self, ok: bool, now: float) -> None:
        current = int(now / self._width)
        slot = current % len(self._ids)
        if self._ids[slot] != current:
            self._ids[slot] = current
            self._ok[slot] = 0
            self._fail[slot] = 0
        if ok:
            self._ok[slot] += 1
            return
        self._fail[slot] += 1
        good, bad = self.window_counts(now)
        total = good + bad
        if total >= self._s.min_requests and bad >= self._s.failure_rate * total:
            self._open(now)

    def _open(self, now: float) -> None:
        self.open_until = now + self._s.cooldown
        self._move(OPEN, now)

    def _close(self, now: float) -> None:
        n = len(self._ids)
        self._ids = [-1] * n
        self._ok = [0] * n
        self._fail = [0] * n
        self._move(CLOSED, now)

    def _move(self, new: State, now: float, source: str = "local") -> None:
        old = self.state
        self.state = new
        self._epoch += 1
        self._probes = 0
        self._successes = 0
        if self.sink is not None:
            self.sink(Transition(self.deployment, old, new, now, self.open_until, source))


class BreakerBoard:
    """The breakers of every deployment, with transition counters and logging.

    ``on_local_open(deployment_id, open_until)`` is called when a breaker opens
    because of what THIS instance saw (the router publishes it to the store).
    """

    def __init__(
        self,
        settings: BreakerSettings,
        deployment_ids: Iterable[str],
        on_local_open: Callable[[str, float], None] | None = None,
    ) -> None:
        self.settings = settings
        self.enabled = settings.enabled
        self.on_local_open = on_local_open
        self.breakers = {d: Breaker(d, settings, self._on_transition) for d in deployment_ids}
        # (old, new) -> count; at most 9 keys.
        self.transitions: dict[tuple[State, State], int] = {}
        # (deployment, old, new) -> count, for /metrics; at most 9 keys per deployment.
        self.transitions_by_deployment: dict[tuple[str, State, State], int] = {}
        self.last: Transition | None = None
        # Deployments not CLOSED: the filter only asks these, so the common case
        # (everything closed) costs one truth test, whatever the group size.
        self.not_closed: set[str] = set()

    def _on_transition(self, t: Transition) -> None:
        if t.new is CLOSED:
            self.not_closed.discard(t.deployment)
        else:
            self.not_closed.add(t.deployment)
        key = (t.old, t.new)
        self.transitions[key] = self.transitions.get(key, 0) + 1
        dkey = (t.deployment, t.old, t.new)
        self.transitions_by_deployment[dkey] = self.transitions_by_deployment.get(dkey, 0) + 1
        self.last = t
        if t.new is OPEN:
            log.warning(
                "breaker %s: %s -> open until %.3f (%s)",
                t.deployment,
                t.old,
                t.open_until,
                t.source,
            )
            if t.source == "local" and self.on_local_open is not None:
                self.on_local_open(t.deployment, t.open_until)
        else:
            log.info("breaker %s: %s -> %s (%s)", t.deployment, t.old, t.new, t.source)

    def count(self, old: State, new: State) -> int:
        """How many ``old -> new`` transitions happened so far."""
        return self.transitions.get((old, new), 0)

    def state(self, deployment_id: str, now: float) -> State:
        b = self.breakers.get(deployment_id)
        return CLOSED if b is None else b.refresh(now)

    def available(self, deployment_id: str, now: float) -> bool:
        if not self.enabled:
            return True
        b = self.breakers.get(deployment_id)
        return b is None or b.available(now)

    def filter(self, candidates: Sequence[Deployment], now: float) -> Sequence[Deployment]:
        """The candidates that may be sent to now. Never empty for a non-empty
        input: if all are blocked, the one whose cool-down ends first."""
        if not self.enabled or not self.not_closed:
            return candidates
        breakers = self.breakers
        suspect = self.not_closed
        out = [d for d in candidates if d.id not in suspect or breakers[d.id].available(now)]
        if len(out) == len(candidates):
            return candidates
        if out:
            return out
        return [min(candidates, key=lambda d: breakers[d.id].open_until)]

    def admit(self, deployment_id: str, now: float) -> int | None:
        b = self.breakers.get(deployment_id)
        return None if b is None or not self.enabled else b.admit(now)

    def end(self, deployment_id: str, ok: bool | None, now: float, ticket: int | None) -> None:
        b = self.breakers.get(deployment_id)
        if b is not None and self.enabled:
            b.end(ok, now, ticket)

    def force_open(self, deployment_id: str, until: float, now: float) -> bool:
        b = self.breakers.get(deployment_id)
        return b is not None and self.enabled and b.force_open(until, now)
