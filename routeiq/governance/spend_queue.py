"""What the spend writer sends next: log rows and per-principal totals (no I/O).

Both are filled after every response and live until the next batch (up to a
second), so they are laid out to put nothing on the garbage collector's books:
a row is 15 atoms appended to one flat list (a ``SpendRow`` per request kept
~1,000 container objects alive per second at 1,000 requests/s, and every 700
of them set off a young collection that landed inside some request's check);
the totals are keyed by the principal's namespace string (``key:<hash>``), an
object its record already holds, per budget period. The ``SpendRow`` objects
and their ids are made by :meth:`SpendQueue.take`, once per batch.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from routeiq.db.base import SpendDelta, SpendRow

FIELDS = 15  # SpendRow's fields after row_id


class SpendQueue:
    """Rows waiting for the next batch; :meth:`take` empties it."""

    def __init__(self) -> None:
        self._flat: list[object] = []
        self._rows: list[SpendRow] = []  # rows given back by a failed write
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(
        self,
        request_id: str,
        key_hash: str | None,
        key_alias: str | None,
        team_id: str | None,
        user_id: str | None,
        end_user: str | None,
        model_group: str | None,
        deployment: str | None,
        prompt_tokens: int,
        completion_tokens: int,
        total_tokens: int,
        spend: float,
        status: int,
        start_time: float,
        end_time: float,
    ) -> None:
        self._flat += (
            request_id, key_hash, key_alias, team_id, user_id, end_user, model_group,
            deployment, prompt_tokens, completion_tokens, total_tokens, spend, status,
            start_time, end_time,
        )  # fmt: skip
        self._count += 1

    def take(self) -> list[SpendRow]:
        """Every queued row as a ``SpendRow`` with a fresh unique ``row_id`` (one random
        prefix per batch; a row given back keeps its id, so a retried write that had
        in fact committed inserts nothing twice)."""
        rows, flat = self._rows, self._flat
        self._rows, self._flat, self._count = [], [], 0
        if flat:
            prefix = secrets.token_hex(8)
            for n, i in enumerate(range(0, len(flat), FIELDS)):
                rows.append(SpendRow(f"{prefix}{n:06x}", *flat[i : i + FIELDS]))  # type: ignore[arg-type]
        return rows

    def give_back(self, rows: list[SpendRow]) -> None:
        """Rows whose write failed: first in the next batch."""
        self._rows[:0] = rows
        self._count += len(rows)

    def clear(self) -> None:
        self._flat.clear()
        self._rows.clear()
        self._count = 0


class SpendTotals:
    """USD to add per (principal, budget period): ``{period: {ns: usd}}``."""

    def __init__(self) -> None:
        self.by_period: dict[int, dict[str, float]] = {}

    def __bool__(self) -> bool:
        return bool(self.by_period)

    def add(self, ns: str, period: int, usd: float) -> None:
        slot = self.by_period.get(period)
        if slot is None:
            slot = self.by_period[period] = {}
        slot[ns] = slot.get(ns, 0.0) + usd

    def take(self) -> list[SpendDelta]:
        by_period, self.by_period = self.by_period, {}
        out = []
        for period, slot in by_period.items():
            for ns, usd in slot.items():
                kind, _, ident = ns.partition(":")
                out.append(SpendDelta(kind, ident, period, usd))
        return out

    def give_back(self, deltas: Iterable[SpendDelta]) -> None:
        for d in deltas:
            self.add(f"{d.kind}:{d.id}", d.period, d.amount)

    def clear(self) -> None:
        self.by_period.clear()
