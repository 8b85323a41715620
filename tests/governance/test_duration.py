"""``routeiq.governance.duration.budget_now``: what /key/info reports of a budget period.

Found by the outside-evaluator probe: after a ``budget_duration`` ended, /key/info kept
showing the ended period's spend (until the key's next request) and no
``budget_reset_at``.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import trio

from routeiq.governance.duration import budget_now
from routeiq.testing import running_stack
from tests.conftest import CHAT
from tests.governance.prices import cheap

RECORD = {"budget_duration": "30s", "created_at": 1000.0}


def test_the_current_periods_spend_and_its_end() -> None:
    assert budget_now(RECORD, 2.5, 0, 1010.0) == (2.5, 1030.0)
    assert budget_now(RECORD, 2.5, 0, 1030.0) == (0.0, 1060.0)  # a new period began
    assert budget_now(RECORD, 1.0, 3, 1095.0) == (1.0, 1120.0)
    assert budget_now({"created_at": 1000.0}, 7.0, 0, 9e9) == (7.0, None)  # never resets


async def test_key_info_after_the_period_ends(tmp_path: Path) -> None:
    async with (
        running_stack(edit=cheap, governance={"data_dir": str(tmp_path)}) as s,
        httpx.AsyncClient(timeout=10) as c,
    ):
        fields = {"max_budget": 10.0, "budget_duration": "5s"}
        key = (await c.post(f"{s.url}/key/generate", json=fields, headers=s.headers)).json()["key"]
        auth = {"authorization": f"Bearer {key}"}
        assert (await c.post(f"{s.url}/v1/chat/completions", json=CHAT, headers=auth)).is_success
        await trio.sleep(1.2)  # the spend batch written
        url = f"{s.url}/key/info"
        info = (await c.get(url, params={"key": key}, headers=s.headers)).json()["info"]
        assert info["spend"] > 0 and info["budget_reset_at"].endswith("Z")
        await trio.sleep(4.5)  # the period is over
        info = (await c.get(url, params={"key": key}, headers=s.headers)).json()["info"]
        assert info["spend"] == 0.0
