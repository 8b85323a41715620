"""What binds a key's requests is made once and follows every record change."""

from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from routeiq.asgi.types import RequestContext
from routeiq.db import open_database
from routeiq.db.base import EntityRow
from routeiq.errors import Forbidden, ModelNotAllowed, RateLimited
from routeiq.governance.counters import LocalCounters
from routeiq.governance.ledger import Decision, Rule, Ticket
from routeiq.governance.service import Governance, GroupPrice
from routeiq.governance.settings import GovernanceSettings

REQ = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 16}
TOKEN = b"sk-binding-test"
HASH = hashlib.sha256(TOKEN).hexdigest()


class Recording(LocalCounters):
    """Local counters that note what was prepared and what each admission was given."""

    def __init__(self) -> None:
        super().__init__()
        self.prepared: list[tuple[Rule, ...]] = []
        self.given: list[Any] = []

    def prepare_rules(self, rules: tuple[Rule, ...]) -> Any:
        self.prepared.append(rules)
        return ("prepared", rules)

    async def admit(
        self, rules: tuple[Rule, ...], tokens: int, max_cost: float, prepared: Any = None
    ) -> tuple[Decision, Ticket | None]:
        self.given.append(prepared)
        return await super().admit(rules, tokens, max_cost)


def _gov() -> tuple[Governance, Recording]:
    db = open_database("sqlite:///" + str(Path(tempfile.mkdtemp()) / "x.db"), Path("."))
    counters = Recording()
    prices = {"m": GroupPrice(1e-6, 2e-6, None), "n": GroupPrice(1e-6, 2e-6, None)}
    return Governance(GovernanceSettings(), db, counters, prices), counters


async def _admit(gov: Governance, model: str = "m", user: str | None = None) -> RequestContext:
    ctx = RequestContext("r", time.perf_counter())
    assert gov.authenticate(HASH, ctx)
    await gov.admit(ctx, model, {**REQ, "user": user} if user else REQ, 100)
    return ctx


async def test_bindings_are_made_at_load_and_given_to_every_admission() -> None:
    gov, counters = _gov()
    gov.apply(EntityRow("team", "t", {"rpm_limit": 100}, 1, 0.0, 0))
    gov.apply(EntityRow("key", HASH, {"team_id": "t", "rpm_limit": 10}, 2, 0.0, 0))
    gov.bind_all()
    assert [[r.ns for r in rules] for rules in counters.prepared] == [[f"key:{HASH}", "team:t"]]
    for _ in range(3):
        await _admit(gov)
    assert counters.prepared == [counters.prepared[0]]  # made once, at load
    assert counters.given == [("prepared", counters.prepared[0])] * 3
    # An end customer's rule is added per request: not what was prepared.
    gov.apply(EntityRow("customer", "c", {"rpm_limit": 5}, 3, 0.0, 0))
    ctx = await _admit(gov, user="c")
    assert counters.given[-1] is None
    assert [p.kind for p in ctx.admission.principals] == ["key", "team", "customer"]
    assert [r.ns for r in ctx.admission.ticket.rules] == [f"key:{HASH}", "team:t", "customer:c"]


async def test_a_changed_team_user_or_key_binds_the_next_request() -> None:
    gov, counters = _gov()
    gov.apply(EntityRow("team", "t", {"models": ["m"]}, 1, 0.0, 0))
    gov.apply(EntityRow("key", HASH, {"team_id": "t", "user_id": "u"}, 2, 0.0, 0))
    gov.bind_all()
    await _admit(gov, "m")
    with pytest.raises(ModelNotAllowed):
        await _admit(gov, "n")
    gov.apply(EntityRow("team", "t", {"models": ["n"]}, 3, 0.0, 0))  # the team changed
    await _admit(gov, "n")
    with pytest.raises(ModelNotAllowed):
        await _admit(gov, "m")
    # A user loaded after the key binds it from then on.
    gov.apply(EntityRow("user", "u", {"rpm_limit": 1}, 4, 0.0, 0))
    ctx = await _admit(gov, "n")
    assert [r.ns for r in ctx.admission.ticket.rules] == ["user:u"]
    with pytest.raises(RateLimited):
        await _admit(gov, "n")
    gov.apply(EntityRow("user", "u", {"blocked": True}, 5, 0.0, 0))
    with pytest.raises(Forbidden):
        await _admit(gov, "n")
    # The key's own record changed: leaves the team (and its model list).
    gov.apply(EntityRow("key", HASH, {"rpm_limit": 7}, 6, 0.0, 0))
    ctx = await _admit(gov, "m")
    assert [r.ns for r in ctx.admission.ticket.rules] == [f"key:{HASH}"]
    assert ctx.admission.ticket.rules[0].rpm == 7
    assert counters.given[-1] == ("prepared", ctx.admission.ticket.rules)
