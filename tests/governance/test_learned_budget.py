"""A learned route's request is admitted against the price of where it may go.

Admission runs before the route is decided, so the reservation must be the most
any candidate could charge (``routeiq.governance.wiring.learned_price``); priced by
the virtual name alone, the route reserved nothing and a budget did not bind it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import trio

from routeiq.cache.embedder import SentenceEncoder
from routeiq.governance.service import GroupPrice
from routeiq.governance.wiring import learned_price
from tests.learned.conftest import (  # noqa: F401 (the session's MiniLM fixture)
    ADMIN,
    EASY_TEST,
    PRICES,
    chat,
    learned_stack,
    minilm,
)


def test_the_dearest_candidate_prices_the_route() -> None:
    groups = {"a": GroupPrice(1e-6, 2e-6, 4096), "b": GroupPrice(3e-6, 1e-6, 1024)}
    assert learned_price(["a", "b", "unpriced"], groups) == GroupPrice(3e-6, 2e-6, 4096)
    groups["c"] = GroupPrice(0.0, 0.0, None)  # an unknown output limit: the default applies
    assert learned_price(["a", "c"], groups) == GroupPrice(1e-6, 2e-6, None)
    assert learned_price(["unpriced"], groups) is None


def _governed(tmp: Path) -> Any:
    def edit(data: dict[str, Any]) -> None:
        data["routeiq"]["governance"] = {"data_dir": str(tmp / "gov")}

    return edit


async def test_a_budget_binds_requests_to_a_learned_route(
    tmp_path: Path,
    minilm: SentenceEncoder,  # noqa: F811
) -> None:
    async with learned_stack(tmp_path, minilm, edit=_governed(tmp_path)) as s:
        async with httpx.AsyncClient(base_url=s.url, timeout=30) as c:
            # 1000 output tokens cost at most 0.01 USD on "strong", 0.0001 on "cheap".
            r = await c.post("/key/generate", json={"max_budget": 0.005}, headers=ADMIN)
            assert r.status_code == 200, r.text
            key = {"authorization": f"Bearer {r.json()['key']}"}
            # An easy prompt would go to "cheap", but it is not decided yet at admission:
            # the request is admitted only if "strong" could not overspend the budget.
            r = await c.post(
                "/v1/chat/completions", json=chat(EASY_TEST[0], max_tokens=1000), headers=key
            )
            assert r.status_code == 400, r.text
            assert r.json()["error"]["code"] == "budget_exceeded"
            r = await c.post(
                "/v1/chat/completions", json=chat(EASY_TEST[0], max_tokens=100), headers=key
            )
            assert r.status_code == 200, r.text
            assert r.json()["model"] == "cheap"
            # Settled to the real cost of the deployment that answered (cheap's price).
            gov = s.gw.governance
            assert gov is not None
            (p,) = gov.keys.values()
            with trio.fail_after(10):  # settled once the response has been sent
                while (spend_reserved := gov.counters.spend(p.rule))[1] > 0:
                    await trio.sleep(0.01)
            spend = spend_reserved[0]
            usage = r.json()["usage"]
            assert abs(spend - usage["total_tokens"] * PRICES["cheap"]) < 1e-12
