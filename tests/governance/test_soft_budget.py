"""``soft_budget`` alerts once per budget period: a ``budget_duration`` resets it.

Found by the outside-evaluator probe: the spend this process had seen was summed over
the key's whole life, so after the first period's alert a key with ``budget_duration``
never alerted again, however far past its soft budget each later period went.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import trio

from routeiq.governance.service import Governance
from routeiq.testing import running_stack
from tests.conftest import CHAT
from tests.governance.prices import cheap


async def _settled(gov: Governance, alerts: int) -> None:
    """Settlement runs after the response is sent: wait for it (a hang fails after 5 s)."""
    with trio.move_on_after(5):
        while gov.soft_alerts < alerts:
            await trio.sleep(0.05)
    await trio.sleep(0.2)  # and a little longer, for an alert too many to show


async def test_the_soft_budget_alerts_again_in_the_next_period(tmp_path: Path) -> None:
    async with (
        running_stack(edit=cheap, governance={"data_dir": str(tmp_path)}) as s,
        httpx.AsyncClient(timeout=10) as c,
    ):
        fields = {"soft_budget": 0.001, "budget_duration": "2s", "max_budget": 100.0}
        r = await c.post(f"{s.url}/key/generate", json=fields, headers=s.headers)
        auth = {"authorization": f"Bearer {r.json()['key']}"}
        gov = s.gw.governance
        assert gov is not None
        for _ in range(2):  # each request costs more than the soft budget
            r = await c.post(f"{s.url}/v1/chat/completions", json=CHAT, headers=auth)
            assert r.status_code == 200
        await _settled(gov, 1)
        assert gov.soft_alerts == 1  # crossed once in this period, not per request
        await trio.sleep(2.5)  # the next budget period
        r = await c.post(f"{s.url}/v1/chat/completions", json=CHAT, headers=auth)
        assert r.status_code == 200
        await _settled(gov, 2)
        assert gov.soft_alerts == 2
